import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Whether a request body is in S3's `aws-chunked` encoding: what SDKs and the AWS CLI send for streamed uploads
 * (`x-amz-content-sha256: STREAMING-…`), signed per chunk or followed by a checksum trailer.
 */
export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  const encoding = String(headers['content-encoding'] ?? '');
  return sha.startsWith('STREAMING-') || encoding.split(',').some((token) => token.trim() === 'aws-chunked');
}

/** The headers the object is stored with: `aws-chunked` is the transfer's encoding, not the object's. */
export function decodedObjectHeaders(metadata: Record<string, string>, headers: IncomingHttpHeaders): void {
  const encoding = (metadata['content-encoding'] ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token && token !== 'aws-chunked')
    .join(',');
  if (encoding) metadata['content-encoding'] = encoding;
  else delete metadata['content-encoding'];
  const decodedLength = headers['x-amz-decoded-content-length'];
  if (typeof decodedLength === 'string') metadata['content-length'] = decodedLength;
}

const CRLF = Buffer.from('\r\n');
/** A chunk header is `<hex size>[;chunk-signature=<64 hex>]`; anything much longer is not one. */
const MAX_HEADER = 4096;

/**
 * Decodes an `aws-chunked` body to the object's bytes: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` repeated,
 * a zero-size chunk, then optional trailers (`x-amz-checksum-crc32:…`) and a blank line. Chunk signatures and
 * trailer checksums are not verified (the request's own signature is, by the engine). A malformed body, or one
 * whose length differs from `x-amz-decoded-content-length`, fails the stream.
 */
export class AwsChunkedDecoder extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private state: 'header' | 'data' | 'data-end' | 'trailers' = 'header';
  private decoded = 0;

  constructor(private readonly expectedLength?: number) {
    super();
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
    if (this.state !== 'trailers') {
      callback(new Error('aws-chunked body ended before its final chunk'));
    } else if (this.expectedLength !== undefined && this.decoded !== this.expectedLength) {
      callback(
        new Error(
          `aws-chunked body holds ${this.decoded} bytes, x-amz-decoded-content-length says ${this.expectedLength}`,
        ),
      );
    } else {
      callback();
    }
  }

  private consume(): void {
    for (;;) {
      if (this.state === 'header') {
        const end = this.buffer.indexOf(CRLF);
        if (end < 0) {
          if (this.buffer.length > MAX_HEADER) throw new Error('aws-chunked chunk header too long');
          return;
        }
        const header = this.buffer.subarray(0, end).toString('latin1');
        const size = header.split(';')[0]?.trim() ?? '';
        if (!/^[0-9a-fA-F]{1,16}$/.test(size)) throw new Error(`malformed aws-chunked chunk header: ${header}`);
        this.remaining = parseInt(size, 16);
        this.buffer = this.buffer.subarray(end + CRLF.length);
        this.state = this.remaining === 0 ? 'trailers' : 'data';
      } else if (this.state === 'data') {
        if (this.buffer.length === 0) return;
        const take = Math.min(this.remaining, this.buffer.length);
        this.push(this.buffer.subarray(0, take));
        this.decoded += take;
        this.remaining -= take;
        this.buffer = this.buffer.subarray(take);
        if (this.remaining === 0) this.state = 'data-end';
      } else if (this.state === 'data-end') {
        if (this.buffer.length < CRLF.length) return;
        if (!this.buffer.subarray(0, CRLF.length).equals(CRLF)) throw new Error('aws-chunked chunk not ended by CRLF');
        this.buffer = this.buffer.subarray(CRLF.length);
        this.state = 'header';
      } else {
        // Trailers and the closing blank line carry checksums of the decoded bytes; nothing more to emit.
        this.buffer = Buffer.alloc(0);
        return;
      }
    }
  }
}

interface ChunkedRequestContext {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  req: NodeJS.ReadableStream & { headers: IncomingHttpHeaders };
  store: { putObject(object: { metadata: Record<string, string> }): Promise<unknown> };
}

/** The part of s3rver (a Koa application) the decoder hooks into. */
export interface DecodableS3rver {
  readonly middleware: Array<(context: never, next: () => Promise<void>) => Promise<void>>;
}

/**
 * Makes the engine store what the client uploaded when the body is `aws-chunked` (s3rver would store the chunk
 * framing as the object's bytes): the request body is swapped for its decoded stream ahead of s3rver's routes — its
 * headers, and so its signature check, are left as sent — and the object is stored without the transfer encoding
 * and with its decoded length. Must be called before the server starts listening.
 */
export function decodeAwsChunkedUploads(server: DecodableS3rver): void {
  const middleware = async (context: ChunkedRequestContext, next: () => Promise<void>): Promise<void> => {
    if ((context.method !== 'PUT' && context.method !== 'POST') || !isAwsChunked(context.headers)) return next();
    const original = context.req;
    const declared = Number(original.headers['x-amz-decoded-content-length']);
    const decoder = new AwsChunkedDecoder(Number.isInteger(declared) && declared >= 0 ? declared : undefined);
    original.on('error', (error: Error) => decoder.destroy(error));
    original.pipe(decoder);
    context.req = Object.assign(decoder, { headers: original.headers });
    const store = context.store;
    context.store = Object.create(store, {
      putObject: {
        value: (object: { metadata: Record<string, string> }) => {
          decodedObjectHeaders(object.metadata, original.headers);
          return store.putObject(object);
        },
      },
    }) as typeof store;
    return next();
  };
  server.middleware.unshift(middleware as never);
}
