import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CHECKSUM_ALGORITHMS,
  CHECKSUM_TYPE_HEADER,
  DEFAULT_CHECKSUM_ALGORITHM,
  checksumAlgorithm,
  checksumHeader,
  checksumTypesOf,
  compositeChecksum,
  createChecksummer,
  isWellFormedChecksum,
  type ChecksumAlgorithm,
  type ChecksumType,
} from './checksums';
import {
  hasQueryParameter,
  queryParameter,
  quoted,
  requireBucket,
  sendEmpty,
  sendXml,
  type KoaContext,
  type S3Engine,
} from './context';
import { invalidArgument, invalidRequest, malformedXml, noSuchUpload, s3Error } from './errors';
import { declaredChecksum, discard, receiveBody, type ReceivedBody } from './intake';
import { entityTooLarge, MAX_PUT_BYTES, recordChecksum, uploadMetadata, type ObjectTarget } from './objects';
import type { AuthenticatedRequest } from './sigv4';
import { StagedFile, type ObjectMetadata } from './store';
import { parseXmlBody, S3_XMLNS, textOf } from './xml';

/** The smallest a part other than the last may be. */
const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;

/** What CreateMultipartUpload recorded; kept as `upload.json` in s3rver's directory of the upload. */
interface Upload {
  readonly key: string;
  readonly metadata: ObjectMetadata;
  /** Set only when the client asked for one; parts must then carry it. */
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  readonly checksumType?: ChecksumType;
}

/** What UploadPart recorded of a part; kept beside it as `<n>.json`. */
interface Part {
  readonly number: number;
  readonly etag: string;
  readonly size: number;
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

function uploadDirectory(engine: S3Engine, bucket: string, uploadId: string): string {
  // Upload ids become a directory name: anything but the ids this engine (and s3rver) hand out is no upload.
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(uploadId)) throw noSuchUpload(uploadId);
  return path.join(engine.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
}

/** The upload, or `undefined`; an upload s3rver started (before this engine) has its key and headers as files. */
async function readUpload(directory: string): Promise<Upload | undefined> {
  try {
    return JSON.parse(await fs.promises.readFile(path.join(directory, 'upload.json'), 'utf8')) as Upload;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    const key = await fs.promises.readFile(path.join(directory, 'key'), 'utf8');
    const headers = JSON.parse(await fs.promises.readFile(path.join(directory, 'metadata'), 'utf8')) as Record<
      string,
      unknown
    >;
    return { key, metadata: uploadMetadata(headers) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function requireUpload(engine: S3Engine, target: ObjectTarget, uploadId: string) {
  const directory = uploadDirectory(engine, target.bucket, uploadId);
  const upload = await readUpload(directory);
  if (!upload || upload.key !== target.key) throw noSuchUpload(uploadId);
  return { directory, upload };
}

/**
 * CreateMultipartUpload. `x-amz-checksum-algorithm` chooses the checksum the parts must carry and
 * `x-amz-checksum-type` how the object's checksum is formed: COMPOSITE (a checksum of the parts' checksums, the
 * default for CRC32, CRC32C, SHA-1 and SHA-256) or FULL_OBJECT (of the whole object; CRC64NVME's only type).
 */
export async function createMultipartUpload(ctx: KoaContext, engine: S3Engine, target: ObjectTarget): Promise<void> {
  await requireBucket(engine, target.bucket);
  const metadata = uploadMetadata(ctx.headers);
  const algorithmHeader = ctx.get('x-amz-checksum-algorithm');
  const typeHeader = ctx.get(CHECKSUM_TYPE_HEADER).toUpperCase();
  const algorithm = algorithmHeader ? checksumAlgorithm(algorithmHeader) : undefined;
  if (algorithmHeader && !algorithm) {
    throw invalidRequest(
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: ' +
        `[${CHECKSUM_ALGORITHMS.join(', ')}]`,
    );
  }
  if (typeHeader && !algorithm) {
    throw invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
  }
  if (typeHeader && typeHeader !== 'COMPOSITE' && typeHeader !== 'FULL_OBJECT') {
    throw invalidRequest('Value for x-amz-checksum-type header is invalid.');
  }
  const type = algorithm ? (typeHeader as ChecksumType) || checksumTypesOf(algorithm)[0] : undefined;
  if (algorithm && type && !checksumTypesOf(algorithm).includes(type)) {
    throw invalidRequest(
      `The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
    );
  }

  const uploadId = randomBytes(16).toString('hex');
  const directory = uploadDirectory(engine, target.bucket, uploadId);
  await fs.promises.mkdir(directory, { recursive: true });
  const upload: Upload = { key: target.key, metadata, checksumAlgorithm: algorithm, checksumType: type };
  await fs.promises.writeFile(path.join(directory, 'upload.json'), JSON.stringify(upload, null, 2));
  if (algorithm && type) {
    ctx.set('x-amz-checksum-algorithm', algorithm);
    ctx.set(CHECKSUM_TYPE_HEADER, type);
  }
  sendXml(ctx, 'InitiateMultipartUploadResult', {
    '@_xmlns': S3_XMLNS,
    Bucket: target.bucket,
    Key: target.key,
    UploadId: uploadId,
  });
}

function partNumberOf(ctx: KoaContext): number {
  const text = queryParameter(ctx, 'partNumber') ?? '';
  const number = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(number >= 1 && number <= MAX_PART_NUMBER)) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', text);
  }
  return number;
}

/**
 * UploadPart. The part is received and checked like a PutObject body. An upload created with a checksum algorithm
 * takes parts with that checksum only (S3's "Checksum Type mismatch"); one created without takes any verified
 * checksum, as the SDKs send CRC32 by default. The part's checksum of the upload's algorithm is computed here when
 * the client sent none (FULL_OBJECT uploads allow that) and returned, so the client can list it on completion.
 */
export async function uploadPart(ctx: KoaContext, engine: S3Engine, target: ObjectTarget, auth: AuthenticatedRequest) {
  await requireBucket(engine, target.bucket);
  const number = partNumberOf(ctx);
  const uploadId = queryParameter(ctx, 'uploadId') ?? '';
  const { directory, upload } = await requireUpload(engine, target, uploadId);
  const declared = declaredChecksum(ctx.headers);
  const expected = upload.checksumAlgorithm;
  if (expected && declared?.algorithm !== expected && (declared || upload.checksumType === 'COMPOSITE')) {
    throw invalidRequest(
      `Checksum Type mismatch occurred, expected checksum Type: ${expected.toLowerCase()}, actual checksum Type: ` +
        `${declared?.algorithm.toLowerCase() ?? 'null'}`,
    );
  }
  const body = await receiveBody(ctx.req, auth, {
    stagingDirectory: engine.staging,
    maxBytes: MAX_PUT_BYTES,
    tooLarge: entityTooLarge(MAX_PUT_BYTES),
    requireLength: true,
    compute: expected ? [expected] : [],
  });
  const part: Part = { number, etag: body.md5, size: body.size, checksums: Object.fromEntries(body.checksums) };
  try {
    await fs.promises.writeFile(path.join(directory, `${number}.json`), JSON.stringify(part));
    await fs.promises.writeFile(path.join(directory, `${number}.md5`), body.md5);
    await fs.promises.rename(body.file as string, path.join(directory, String(number)));
  } catch (error) {
    await discard(body);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchUpload(uploadId);
    throw error;
  }
  ctx.set('ETag', quoted(body.md5));
  const reported = expected ?? body.declared?.algorithm;
  const checksum = reported && body.checksums.get(reported);
  if (reported && checksum) ctx.set(checksumHeader(reported), checksum);
  sendEmpty(ctx);
}

/** The parts a client lists in CompleteMultipartUpload, with any checksums it lists for them. */
interface CompletedPart {
  readonly number: number;
  readonly etag: string;
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

function completedParts(body: ReceivedBody): CompletedPart[] {
  const document = parseXmlBody(body.data ?? Buffer.alloc(0), ['Part']);
  const parts = (document.CompleteMultipartUpload as Record<string, unknown> | undefined)?.Part as
    unknown[] | undefined;
  if (!parts || parts.length === 0) throw malformedXml();
  return parts.map((part) => {
    const numberText = textOf(part, 'PartNumber')?.trim() ?? '';
    const etag = textOf(part, 'ETag');
    if (!/^\d+$/.test(numberText) || etag === undefined) throw malformedXml();
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = textOf(part, `Checksum${algorithm}`);
      if (value !== undefined) checksums[algorithm] = value.trim();
    }
    return { number: Number(numberText), etag: etag.replace(/"/g, '').trim(), checksums };
  });
}

async function readPart(directory: string, number: number): Promise<Part | undefined> {
  const file = path.join(directory, String(number));
  try {
    return JSON.parse(await fs.promises.readFile(`${file}.json`, 'utf8')) as Part;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // A part s3rver received (before this engine): its MD5 beside it, no checksums.
  try {
    const [etag, stat] = await Promise.all([fs.promises.readFile(`${file}.md5`, 'utf8'), fs.promises.stat(file)]);
    return { number, etag, size: stat.size, checksums: {} };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * CompleteMultipartUpload: the listed parts are checked as S3 checks them (ascending, uploaded, matching ETags and
 * checksums, all but the last at least 5 MiB), joined into the staging directory and committed as one object. Its
 * ETag is S3's multipart ETag (the MD5 of the parts' MD5s, `-` and the number of parts) and its checksum the
 * COMPOSITE or FULL_OBJECT checksum the upload was created for, or CRC-64/NVME of the whole for an upload created
 * without one.
 */
export async function completeMultipartUpload(
  ctx: KoaContext,
  engine: S3Engine,
  target: ObjectTarget,
  body: ReceivedBody,
): Promise<void> {
  await requireBucket(engine, target.bucket);
  const uploadId = queryParameter(ctx, 'uploadId') ?? '';
  const { directory, upload } = await requireUpload(engine, target, uploadId);
  const listed = completedParts(body);
  const algorithm = upload.checksumAlgorithm;
  const type = upload.checksumType ?? 'FULL_OBJECT';
  const requestedType = ctx.get(CHECKSUM_TYPE_HEADER).toUpperCase();
  if (requestedType && requestedType !== type) {
    throw invalidRequest(
      `The upload was created using the ${type} checksum mode. The complete request must use the same checksum mode.`,
    );
  }

  const parts: Part[] = [];
  for (const [index, entry] of listed.entries()) {
    if (index > 0 && entry.number <= (listed[index - 1] as CompletedPart).number) {
      throw s3Error(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
        { UploadId: uploadId },
      );
    }
    const part = await readPart(directory, entry.number);
    const invalidPart = () =>
      s3Error(
        'InvalidPart',
        'One or more of the specified parts could not be found.  The part may not have been uploaded, or the ' +
          "specified entity tag may not match the part's entity tag.",
        { UploadId: uploadId, PartNumber: entry.number, ETag: entry.etag },
      );
    if (!part || part.etag !== entry.etag) throw invalidPart();
    if (algorithm && type === 'COMPOSITE' && entry.checksums[algorithm] === undefined) {
      throw invalidRequest(
        `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the ` +
          `checksum for each part. It was missing for part ${entry.number} in the request.`,
      );
    }
    for (const [listedAlgorithm, value] of Object.entries(entry.checksums)) {
      if (part.checksums[listedAlgorithm as ChecksumAlgorithm] !== value) throw invalidPart();
    }
    parts.push(part);
  }
  parts.slice(0, -1).forEach((part) => {
    if (part.size < MIN_PART_BYTES) {
      throw s3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
        ProposedSize: part.size,
        MinSizeAllowed: MIN_PART_BYTES,
        PartNumber: part.number,
        ETag: part.etag,
      });
    }
  });
  const totalSize = parts.reduce((total, part) => total + part.size, 0);
  const declaredSize = ctx.get('x-amz-mp-object-size');
  if (declaredSize && declaredSize !== String(totalSize)) {
    throw invalidRequest("The provided 'x-amz-mp-object-size' header does not match what was computed");
  }

  const wholeAlgorithm = type === 'FULL_OBJECT' ? (algorithm ?? DEFAULT_CHECKSUM_ALGORITHM) : undefined;
  const joined = await joinParts(engine, directory, parts, wholeAlgorithm);
  const etag = `${createHash('md5')
    .update(Buffer.concat(parts.map((part) => Buffer.from(part.etag, 'hex'))))
    .digest('hex')}-${parts.length}`;
  const checksumAlgorithmOfObject = wholeAlgorithm ?? (algorithm as ChecksumAlgorithm);
  const checksum =
    wholeAlgorithm !== undefined
      ? (joined.checksum as string)
      : await compositeChecksum(
          checksumAlgorithmOfObject,
          parts.map((part) => part.checksums[checksumAlgorithmOfObject] ?? ''),
        );
  const sentWhole = ctx.get(checksumHeader(checksumAlgorithmOfObject));
  if (sentWhole && type === 'FULL_OBJECT') {
    if (!isWellFormedChecksum(checksumAlgorithmOfObject, sentWhole)) {
      await fs.promises.rm(joined.file, { force: true });
      throw invalidRequest(`Value for ${checksumHeader(checksumAlgorithmOfObject)} header is invalid.`);
    }
    if (sentWhole !== checksum) {
      await fs.promises.rm(joined.file, { force: true });
      throw s3Error(
        'BadDigest',
        `The ${checksumAlgorithmOfObject} you specified did not match the calculated checksum.`,
      );
    }
  }

  const metadata = { ...upload.metadata };
  recordChecksum(ctx, metadata, checksumAlgorithmOfObject, checksum, type);
  // The response's checksum is in its body; S3 sends no checksum headers with it.
  ctx.remove(checksumHeader(checksumAlgorithmOfObject));
  ctx.remove(CHECKSUM_TYPE_HEADER);
  await engine.store.putObject({
    bucket: target.bucket,
    key: target.key,
    content: new StagedFile(joined.file, totalSize, etag),
    metadata,
  });
  await fs.promises.rm(directory, { recursive: true, force: true });
  sendXml(ctx, 'CompleteMultipartUploadResult', {
    '@_xmlns': S3_XMLNS,
    Location: `${ctx.origin}/${target.bucket}/${target.key.split('/').map(encodeURIComponent).join('/')}`,
    Bucket: target.bucket,
    Key: target.key,
    ETag: quoted(etag),
    [`Checksum${checksumAlgorithmOfObject}`]: checksum,
    ChecksumType: type,
  });
}

/** Writes the parts one after another into a staging file, computing the whole object's checksum if asked. */
async function joinParts(
  engine: S3Engine,
  directory: string,
  parts: readonly Part[],
  algorithm: ChecksumAlgorithm | undefined,
): Promise<{ file: string; checksum?: string }> {
  const file = path.join(engine.staging, randomUUID());
  const checksummer = algorithm ? createChecksummer(algorithm) : undefined;
  async function* partBytes() {
    for (const part of parts) yield* fs.createReadStream(path.join(directory, String(part.number)));
  }
  try {
    await pipeline(
      Readable.from(partBytes()),
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          checksummer?.update(chunk);
          callback(null, chunk);
        },
      }),
      fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }),
    );
    return { file, checksum: checksummer ? (await checksummer.digest()).toString('base64') : undefined };
  } catch (error) {
    await fs.promises.rm(file, { force: true });
    throw error;
  }
}

/** AbortMultipartUpload: the upload and its parts are removed. */
export async function abortMultipartUpload(ctx: KoaContext, engine: S3Engine, target: ObjectTarget): Promise<void> {
  await requireBucket(engine, target.bucket);
  const uploadId = queryParameter(ctx, 'uploadId') ?? '';
  const { directory } = await requireUpload(engine, target, uploadId);
  await fs.promises.rm(directory, { recursive: true, force: true });
  sendEmpty(ctx, 204);
}

/** Whether a request is one of the multipart operations on an object (by its subresource). */
export function isMultipartRequest(ctx: KoaContext): boolean {
  return hasQueryParameter(ctx, 'uploads') || hasQueryParameter(ctx, 'uploadId');
}
