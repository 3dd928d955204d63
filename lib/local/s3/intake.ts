import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import * as path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked';
import {
  algorithmOfHeader,
  checksumAlgorithm,
  checksumHeader,
  createChecksummer,
  isWellFormedChecksum,
  type ChecksumAlgorithm,
  type Checksummer,
} from './checksums';
import { invalidRequest, isS3Error, s3Error } from './errors';
import { STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, type AuthenticatedRequest } from './sigv4';

/** The checksum a request says its body has: in a header (with its value) or in a trailer after the body. */
export interface DeclaredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** The header's value; `undefined` when it comes in a trailer. */
  readonly value?: string;
}

/** Header names of the form `x-amz-checksum-*` that are not checksums. */
const CHECKSUM_SETTINGS = new Set(['x-amz-checksum-algorithm', 'x-amz-checksum-type', 'x-amz-checksum-mode']);

/**
 * The flexible checksum a request declares, checked as S3 checks it: one algorithm S3 knows, in a header with a
 * well-formed value or announced by `x-amz-trailer`, and agreeing with `x-amz-sdk-checksum-algorithm`.
 */
export function declaredChecksum(headers: IncomingHttpHeaders): DeclaredChecksum | undefined {
  const found: DeclaredChecksum[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-checksum-') || CHECKSUM_SETTINGS.has(name)) continue;
    const algorithm = algorithmOfHeader(name);
    if (!algorithm) throw invalidRequest('The algorithm type you specified in x-amz-checksum- header is invalid.');
    found.push({ algorithm, value: String(value) });
  }
  const trailer = headers['x-amz-trailer'];
  if (trailer !== undefined) {
    for (const name of String(trailer).split(',')) {
      const algorithm = algorithmOfHeader(name.trim());
      if (!algorithm) throw invalidRequest('The value specified in the x-amz-trailer header is not supported');
      found.push({ algorithm });
    }
  }
  if (found.length > 1) {
    throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  const declared = found[0];
  const sdkAlgorithm = headers['x-amz-sdk-checksum-algorithm'];
  if (sdkAlgorithm !== undefined) {
    if (
      checksumAlgorithm(String(sdkAlgorithm)) === undefined ||
      (declared && declared.algorithm !== checksumAlgorithm(String(sdkAlgorithm)))
    ) {
      throw invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.');
    }
    if (!declared) {
      throw invalidRequest(
        'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers ' +
          'were found.',
      );
    }
  }
  if (declared?.value !== undefined && !isWellFormedChecksum(declared.algorithm, declared.value)) {
    throw invalidRequest(`Value for ${checksumHeader(declared.algorithm)} header is invalid.`);
  }
  return declared;
}

/** A request body, received whole and checked against everything the request declared about it. */
export interface ReceivedBody {
  readonly size: number;
  /** The MD5 of the body in hex: a single-part object's ETag. */
  readonly md5: string;
  /** Base64 checksums of the body: the declared one (verified) and those the caller asked for. */
  readonly checksums: ReadonlyMap<ChecksumAlgorithm, string>;
  readonly declared?: DeclaredChecksum;
  /** Where the body was written, when it was staged to a file; the caller moves or removes it. */
  readonly file?: string;
  /** The body, when it was kept in memory. */
  readonly data?: Buffer;
}

export interface IntakeOptions {
  /** Write the body to a new file in this directory rather than keeping it in memory. */
  readonly stagingDirectory?: string;
  /** The largest body accepted; a larger one fails with `tooLarge()`. */
  readonly maxBytes: number;
  readonly tooLarge: () => Error;
  /** Whether the request must say how long its body is, as S3 requires of object data. @default false */
  readonly requireLength?: boolean;
  /** Checksums to compute besides the declared one. */
  readonly compute?: readonly ChecksumAlgorithm[];
}

/**
 * Reads a request body, decoding `aws-chunked` framing (and verifying chunk signatures) on the way, and checks it
 * against what the request declared: its length, the signed `x-amz-content-sha256`, `Content-MD5` and its flexible
 * checksum. Nothing of a body that fails a check is kept; a staged file is removed before the error is thrown.
 */
export async function receiveBody(
  request: Readable & { headers: IncomingHttpHeaders },
  auth: AuthenticatedRequest,
  options: IntakeOptions,
): Promise<ReceivedBody> {
  const headers = request.headers;
  const declared = declaredChecksum(headers);
  const contentMd5 = headerValue(headers, 'content-md5');
  if (contentMd5 !== undefined && !isWellFormedMd5(contentMd5)) {
    throw s3Error('InvalidDigest', 'The Content-MD5 you specified was not valid.', { 'Content-MD5': contentMd5 });
  }
  const chunked = isAwsChunked(headers) || auth.payloadHash.startsWith('STREAMING-');
  if (declared && declared.value === undefined && !chunked) {
    throw invalidRequest('A trailing checksum requires an aws-chunked request body.');
  }
  const declaredLength = declaredBodyLength(headers, chunked);
  if (declaredLength === undefined && options.requireLength) {
    throw s3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  if (declaredLength !== undefined && declaredLength > options.maxBytes) throw options.tooLarge();

  const signedPayload = /^[0-9a-f]{64}$/.test(auth.payloadHash) ? createHash('sha256') : undefined;
  const md5 = createHash('md5');
  const algorithms = new Set<ChecksumAlgorithm>(options.compute ?? []);
  if (declared) algorithms.add(declared.algorithm);
  const checksummers = new Map<ChecksumAlgorithm, Checksummer>([...algorithms].map((a) => [a, createChecksummer(a)]));
  let size = 0;

  const stages: Array<NodeJS.ReadableStream | NodeJS.WritableStream> = [request];
  if (signedPayload) stages.push(tap((data) => signedPayload.update(data)));
  let decoder: AwsChunkedDecoder | undefined;
  if (chunked) {
    const streamingSigned = auth.payloadHash === STREAMING_SIGNED || auth.payloadHash === STREAMING_SIGNED_TRAILER;
    decoder = new AwsChunkedDecoder(
      declaredLength,
      streamingSigned
        ? {
            signing: auth.signing,
            seedSignature: auth.signature,
            signedTrailer: auth.payloadHash === STREAMING_SIGNED_TRAILER,
          }
        : undefined,
    );
    stages.push(decoder);
  }
  stages.push(
    tap((data) => {
      size += data.length;
      if (size > options.maxBytes) throw options.tooLarge();
      md5.update(data);
      for (const checksummer of checksummers.values()) checksummer.update(data);
    }),
  );
  const file = options.stagingDirectory ? path.join(options.stagingDirectory, randomUUID()) : undefined;
  const kept: Buffer[] = [];
  stages.push(
    file
      ? fs.createWriteStream(file, { flags: 'wx', mode: 0o600 })
      : new Writable({
          write(chunk: Buffer, _encoding, callback) {
            kept.push(chunk);
            callback();
          },
        }),
  );

  try {
    await pipeline(stages as unknown as [NodeJS.ReadableStream, ...NodeJS.WritableStream[]]);
    if (!chunked && declaredLength !== undefined && size !== declaredLength) throw incompleteLength();
    if (signedPayload) {
      const computed = signedPayload.digest('hex');
      if (computed !== auth.payloadHash) {
        throw s3Error(
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
          {
            ClientComputedContentSHA256: auth.payloadHash,
            S3ComputedContentSHA256: computed,
          },
        );
      }
    }
    const md5Digest = md5.digest();
    if (contentMd5 !== undefined && md5Digest.toString('base64') !== contentMd5) {
      throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', {
        ExpectedDigest: Buffer.from(contentMd5, 'base64').toString('hex'),
        CalculatedDigest: md5Digest.toString('hex'),
      });
    }
    const checksums = new Map<ChecksumAlgorithm, string>();
    for (const [algorithm, checksummer] of checksummers) {
      checksums.set(algorithm, (await checksummer.digest()).toString('base64'));
    }
    if (declared) {
      const sent = declared.value ?? trailerValue(decoder, declared.algorithm);
      if (sent !== checksums.get(declared.algorithm)) {
        throw s3Error('BadDigest', `The ${declared.algorithm} you specified did not match the calculated checksum.`);
      }
    }
    return {
      size,
      md5: md5Digest.toString('hex'),
      checksums,
      declared,
      file,
      data: file ? undefined : Buffer.concat(kept),
    };
  } catch (error) {
    if (file) await fs.promises.rm(file, { force: true });
    // A client that goes away mid-body gets no answer; S3 calls what it sent an incomplete body.
    const code = (error as NodeJS.ErrnoException).code;
    const gone =
      code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || (error as Error).message === 'aborted';
    throw !isS3Error(error) && gone ? incompleteLength() : error;
  }
}

/** Removes a staged body that will not be stored (a failed check after intake). */
export async function discard(body: ReceivedBody): Promise<void> {
  if (body.file) await fs.promises.rm(body.file, { force: true });
}

function trailerValue(decoder: AwsChunkedDecoder | undefined, algorithm: ChecksumAlgorithm): string {
  const header = checksumHeader(algorithm);
  const value = decoder?.trailers.get(header);
  if (value === undefined) throw invalidRequest(`The ${header} trailer was announced in x-amz-trailer but not sent.`);
  if (!isWellFormedChecksum(algorithm, value)) throw invalidRequest(`Value for ${header} trailing header is invalid.`);
  return value;
}

function incompleteLength(): Error {
  return s3Error(
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header',
  );
}

/** The length of the decoded body: `x-amz-decoded-content-length` for aws-chunked, else `Content-Length`. */
function declaredBodyLength(headers: IncomingHttpHeaders, chunked: boolean): number | undefined {
  const text = headerValue(headers, chunked ? 'x-amz-decoded-content-length' : 'content-length');
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw s3Error(
      'InvalidArgument',
      `The ${chunked ? 'x-amz-decoded-content-length' : 'Content-Length'} is not a number.`,
    );
  }
  return Number(text);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : String(value).trim();
}

function isWellFormedMd5(value: string): boolean {
  return /^[A-Za-z0-9+/]{22}==$/.test(value);
}

function tap(observe: (data: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        observe(chunk);
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
