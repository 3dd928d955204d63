import { createHash, type Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { s3Error } from './errors';
import { chunkSignature, signatureMatches, trailerSignature, type SigningContext } from './sigv4';

/**
 * Whether a request body is in S3's `aws-chunked` encoding: what SDKs and the AWS CLI send for streamed uploads
 * (`x-amz-content-sha256: STREAMING-…`), signed per chunk or followed by a checksum trailer.
 */
export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  const encoding = String(headers['content-encoding'] ?? '');
  return sha.startsWith('STREAMING-') || encoding.split(',').some((token) => token.trim() === 'aws-chunked');
}

/** The content encoding an object is stored with: `aws-chunked` is the transfer's encoding, not the object's. */
export function storedContentEncoding(encoding: string | undefined): string | undefined {
  const kept = (encoding ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token && token !== 'aws-chunked')
    .join(',');
  return kept || undefined;
}

/** How the chunks of a signed stream are verified: the request's signing context and its own signature. */
export interface ChunkVerification {
  readonly signing: SigningContext;
  readonly seedSignature: string;
  /** Whether the trailers carry `x-amz-trailer-signature` (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`). */
  readonly signedTrailer: boolean;
}

const CRLF = Buffer.from('\r\n');
/** A chunk header is `<hex size>[;chunk-signature=<64 hex>]`, a trailer line `name:value`; longer is not one. */
const MAX_LINE = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;

/** S3's answer to a body that ends before what its framing or `x-amz-decoded-content-length` promised. */
export function incompleteBody(): Error {
  return s3Error(
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header',
  );
}

function malformedChunks(detail: string): Error {
  return s3Error('InvalidRequest', `The aws-chunked request body is malformed: ${detail}`);
}

function chunkSignatureMismatch(): Error {
  return s3Error(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );
}

/**
 * Decodes an `aws-chunked` body to the object's bytes: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` repeated, a
 * zero-size chunk, then trailers (`x-amz-checksum-crc32:…`) and a blank line. With `verification`, every chunk's
 * signature (and the trailers' signature) is checked against the chain that starts at the request's signature; a
 * chunk is never emitted before its signature has been checked. The trailers are in `trailers` once the stream
 * ends. A malformed body, a wrong signature, or a body whose length differs from `x-amz-decoded-content-length` fails
 * the stream with S3's error.
 */
export class AwsChunkedDecoder extends Transform {
  /** Trailing headers by lower-case name, without `x-amz-trailer-signature`; complete once the stream has ended. */
  readonly trailers = new Map<string, string>();
  private buffer: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private state: 'header' | 'data' | 'data-end' | 'trailers' | 'done' = 'header';
  private decoded = 0;
  private chunkHash: Hash | undefined;
  private chunkSignature: string | undefined;
  private previousSignature: string;
  private trailerBytes = 0;
  private trailerSignature: string | undefined;

  constructor(
    private readonly expectedLength?: number,
    private readonly verification?: ChunkVerification,
  ) {
    super();
    this.previousSignature = verification?.seedSignature ?? '';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      this.consume();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== 'done' && this.state !== 'trailers') {
      callback(incompleteBody());
    } else if (this.state === 'trailers' && this.buffer.length > 0) {
      callback(malformedChunks('the trailers are not ended by an empty line'));
    } else if (this.expectedLength !== undefined && this.decoded !== this.expectedLength) {
      callback(incompleteBody());
    } else {
      try {
        this.checkTrailerSignature();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    }
  }

  private consume(): void {
    for (;;) {
      if (this.state === 'header') {
        const line = this.takeLine();
        if (line === undefined) return;
        this.startChunk(line);
      } else if (this.state === 'data') {
        if (this.buffer.length === 0) return;
        const take = Math.min(this.remaining, this.buffer.length);
        const data = this.buffer.subarray(0, take);
        this.decoded += take;
        if (this.expectedLength !== undefined && this.decoded > this.expectedLength) throw incompleteBody();
        this.chunkHash?.update(data);
        this.push(data);
        this.remaining -= take;
        this.buffer = this.buffer.subarray(take);
        if (this.remaining === 0) this.state = 'data-end';
      } else if (this.state === 'data-end') {
        if (this.buffer.length < CRLF.length) return;
        if (!this.buffer.subarray(0, CRLF.length).equals(CRLF)) throw malformedChunks('a chunk is not ended by CRLF');
        this.buffer = this.buffer.subarray(CRLF.length);
        this.endChunk();
        this.state = 'header';
      } else if (this.state === 'trailers') {
        const line = this.takeLine();
        if (line === undefined) return;
        if (line === '') {
          this.state = 'done';
        } else {
          this.addTrailer(line);
        }
      } else {
        if (this.buffer.length > 0) throw malformedChunks('data follows the end of the body');
        return;
      }
    }
  }

  /** The next CRLF-terminated line, `undefined` until it has arrived whole. */
  private takeLine(): string | undefined {
    const end = this.buffer.indexOf(CRLF);
    if (end < 0) {
      if (this.buffer.length > MAX_LINE) throw malformedChunks('a chunk header or trailer is too long');
      return undefined;
    }
    const line = this.buffer.subarray(0, end).toString('latin1');
    this.buffer = this.buffer.subarray(end + CRLF.length);
    return line;
  }

  private startChunk(header: string): void {
    const [sizeText = '', ...extensions] = header.split(';');
    const size = sizeText.trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(size)) throw malformedChunks(`malformed chunk header "${header.slice(0, 80)}"`);
    this.remaining = parseInt(size, 16);
    this.chunkSignature = extensions
      .map((extension) => /^\s*chunk-signature=([0-9a-f]{64})\s*$/.exec(extension)?.[1])
      .find(Boolean);
    if (this.verification) {
      if (this.chunkSignature === undefined) throw chunkSignatureMismatch();
      this.chunkHash = createHash('sha256');
    }
    if (this.remaining === 0) {
      this.endChunk();
      this.state = 'trailers';
    } else {
      this.state = 'data';
    }
  }

  private endChunk(): void {
    if (!this.verification || !this.chunkHash || this.chunkSignature === undefined) return;
    const expected = chunkSignature(this.verification.signing, this.previousSignature, this.chunkHash.digest('hex'));
    if (!signatureMatches(this.chunkSignature, Buffer.from(expected, 'hex'))) throw chunkSignatureMismatch();
    this.previousSignature = this.chunkSignature;
    this.chunkHash = undefined;
  }

  private addTrailer(line: string): void {
    this.trailerBytes += line.length + 2;
    if (this.trailerBytes > MAX_TRAILER_BYTES) throw malformedChunks('the trailers are too long');
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformedChunks(`malformed trailer "${line.slice(0, 80)}"`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') this.trailerSignature = value;
    else this.trailers.set(name, value);
  }

  private checkTrailerSignature(): void {
    if (!this.verification?.signedTrailer) return;
    const canonical = [...this.trailers].map(([name, value]) => `${name}:${value}\n`).join('');
    const expected = trailerSignature(this.verification.signing, this.previousSignature, canonical);
    if (this.trailerSignature === undefined || !signatureMatches(this.trailerSignature, Buffer.from(expected, 'hex'))) {
      throw chunkSignatureMismatch();
    }
  }
}
