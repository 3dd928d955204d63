import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { storedContentEncoding } from './aws-chunked';
import {
  CHECKSUM_ALGORITHMS,
  CHECKSUM_METADATA_KEYS,
  CHECKSUM_TYPE_HEADER,
  DEFAULT_CHECKSUM_ALGORITHM,
  checksumAlgorithm,
  checksumHeader,
  createChecksummer,
  type ChecksumAlgorithm,
  type ChecksumType,
} from './checksums';
import {
  checkBucketName,
  parseTarget,
  queryParameter,
  quoted,
  requireBucket,
  sendEmpty,
  sendXml,
  type KoaContext,
  type S3Engine,
} from './context';
import { invalidArgument, invalidRequest, malformedXml, noSuchKey, s3Error } from './errors';
import { declaredChecksum, receiveBody, type ReceivedBody } from './intake';
import type { AuthenticatedRequest } from './sigv4';
import { objectMetadata, StagedCopy, StagedFile, storedMetadata, type ObjectMetadata } from './store';
import { parseXmlBody, S3_XMLNS, textOf } from './xml';

/** The largest object a single PUT (or a part) may carry. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;
/** S3's limit on the user-defined metadata of an object (`x-amz-meta-*` names and values). */
const MAX_USER_METADATA_BYTES = 2048;
const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
];

export interface ObjectTarget {
  readonly bucket: string;
  readonly key: string;
}

export function entityTooLarge(maxBytes: number): () => Error {
  return () =>
    s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { MaxSizeAllowed: maxBytes });
}

/**
 * The metadata an upload stores from its headers (or POST form fields): content headers, storage class and
 * `x-amz-meta-*`, checked as S3 checks them. `aws-chunked` is dropped from the content encoding.
 */
export function uploadMetadata(headers: Record<string, unknown>): ObjectMetadata {
  const metadata = storedMetadata(headers);
  for (const key of CHECKSUM_METADATA_KEYS) delete metadata[key];
  const encoding = storedContentEncoding(metadata['content-encoding']);
  if (encoding) metadata['content-encoding'] = encoding;
  else delete metadata['content-encoding'];
  metadata['content-type'] ??= 'binary/octet-stream';
  const storageClass = metadata['x-amz-storage-class'];
  if (storageClass !== undefined && !STORAGE_CLASSES.includes(storageClass)) {
    throw s3Error('InvalidStorageClass', 'The storage class you specified is not valid', {
      StorageClassRequested: storageClass,
    });
  }
  const userBytes = Object.entries(metadata)
    .filter(([name]) => name.startsWith('x-amz-meta-'))
    .reduce(
      (total, [name, value]) => total + Buffer.byteLength(name.slice('x-amz-meta-'.length)) + Buffer.byteLength(value),
      0,
    );
  if (userBytes > MAX_USER_METADATA_BYTES) {
    throw s3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size', {
      Size: userBytes,
      MaxSizeAllowed: MAX_USER_METADATA_BYTES,
    });
  }
  return metadata;
}

/** Adds an object's checksum to its metadata and to the response, as S3 reports it after a write. */
export function recordChecksum(
  ctx: KoaContext,
  metadata: ObjectMetadata,
  algorithm: ChecksumAlgorithm,
  value: string,
  type: ChecksumType,
): void {
  metadata[checksumHeader(algorithm)] = value;
  metadata[CHECKSUM_TYPE_HEADER] = type;
  ctx.set(checksumHeader(algorithm), value);
  ctx.set(CHECKSUM_TYPE_HEADER, type);
}

/** The checksum an object was stored with, if any. */
export function storedChecksum(
  metadata: Record<string, string | number>,
): { algorithm: ChecksumAlgorithm; value: string; type: ChecksumType } | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = metadata[checksumHeader(algorithm)];
    if (typeof value === 'string') {
      const type = metadata[CHECKSUM_TYPE_HEADER] === 'COMPOSITE' ? 'COMPOSITE' : 'FULL_OBJECT';
      return { algorithm, value, type };
    }
  }
  return undefined;
}

/**
 * PutObject: the body is received into the staging directory, checked against its declared length, signed payload
 * hash, Content-MD5 and flexible checksum, and only then replaces the stored object. An object uploaded without a
 * checksum gets S3's default, CRC-64/NVME.
 */
export async function putObject(ctx: KoaContext, engine: S3Engine, target: ObjectTarget, auth: AuthenticatedRequest) {
  await requireBucket(engine, target.bucket);
  await checkWritePreconditions(ctx, engine, target);
  const metadata = uploadMetadata(ctx.headers);
  const declared = declaredChecksum(ctx.headers);
  const body = await receiveBody(ctx.req, auth, {
    stagingDirectory: engine.staging,
    maxBytes: MAX_PUT_BYTES,
    tooLarge: entityTooLarge(MAX_PUT_BYTES),
    requireLength: true,
    compute: declared ? [] : [DEFAULT_CHECKSUM_ALGORITHM],
  });
  const algorithm = body.declared?.algorithm ?? DEFAULT_CHECKSUM_ALGORITHM;
  recordChecksum(ctx, metadata, algorithm, body.checksums.get(algorithm) ?? '', 'FULL_OBJECT');
  const file = body.file as string;
  await engine.store.putObject({
    bucket: target.bucket,
    key: target.key,
    content: new StagedFile(file, body.size, body.md5),
    metadata,
  });
  ctx.set('ETag', quoted(body.md5));
  sendEmpty(ctx);
}

/** `If-None-Match: *` (create only) and `If-Match: <etag>` (replace only that version), S3's conditional writes. */
async function checkWritePreconditions(ctx: KoaContext, engine: S3Engine, target: ObjectTarget): Promise<void> {
  const ifNoneMatch = ctx.get('if-none-match');
  const ifMatch = ctx.get('if-match');
  if (!ifNoneMatch && !ifMatch) return;
  if (ifNoneMatch && ifNoneMatch !== '*') {
    throw s3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', {
      Header: 'If-None-Match',
    });
  }
  const existing = await objectMetadata(engine.store, target.bucket, target.key);
  if (ifNoneMatch && existing) throw preconditionFailed('If-None-Match');
  if (ifMatch) {
    if (!existing) throw noSuchKey(target.key);
    if (!etagMatches(ifMatch, String(existing.etag))) throw preconditionFailed('If-Match');
  }
}

function preconditionFailed(condition: string): Error {
  return s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });
}

function etagMatches(condition: string, etag: string): boolean {
  const bare = etag.replace(/"/g, '');
  return condition.split(',').some((candidate) => {
    const value = candidate.trim().replace(/"/g, '');
    return value === '*' || value === bare;
  });
}

/**
 * CopyObject: the source's bytes are copied into the staging directory (with a new checksum when
 * `x-amz-checksum-algorithm` asks for one) and committed like an upload. The copy keeps the source's metadata, or
 * takes the request's with `x-amz-metadata-directive: REPLACE`; a FULL_OBJECT checksum travels with the bytes.
 */
export async function copyObject(ctx: KoaContext, engine: S3Engine, target: ObjectTarget): Promise<void> {
  await requireBucket(engine, target.bucket);
  const source = parseCopySource(ctx.get('x-amz-copy-source'));
  await requireBucket(engine, source.bucket);
  const sourceMetadata = await objectMetadata(engine.store, source.bucket, source.key);
  if (!sourceMetadata) throw noSuchKey(source.key);
  checkCopyPreconditions(ctx, sourceMetadata);

  const directive = (ctx.get('x-amz-metadata-directive') || 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  }
  const requested = requestedAlgorithm(ctx.get('x-amz-checksum-algorithm'));
  const changesStorage = Boolean(ctx.get('x-amz-storage-class') || ctx.get('x-amz-website-redirect-location'));
  if (
    source.bucket === target.bucket &&
    source.key === target.key &&
    directive === 'COPY' &&
    !requested &&
    !changesStorage
  ) {
    throw invalidRequest(
      'This copy request is illegal because it is trying to copy an object to itself without changing the ' +
        "object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }

  const sourceChecksum = storedChecksum(sourceMetadata);
  // A COMPOSITE checksum describes the parts of the source, which the copy (one part) does not have.
  const kept = !requested && sourceChecksum?.type === 'FULL_OBJECT' ? sourceChecksum : undefined;
  const algorithm = requested ?? kept?.algorithm ?? DEFAULT_CHECKSUM_ALGORITHM;
  const copied = await stageCopy(
    engine,
    engine.store.getResourcePath(source.bucket, source.key, 'object'),
    kept ? undefined : algorithm,
  );

  const metadata = directive === 'REPLACE' ? uploadMetadata(ctx.headers) : storedMetadata(sourceMetadata);
  for (const key of CHECKSUM_METADATA_KEYS) delete metadata[key];
  if (directive === 'COPY') {
    for (const header of ['x-amz-storage-class', 'x-amz-website-redirect-location']) {
      if (ctx.get(header)) metadata[header] = ctx.get(header);
    }
  }
  const checksum = kept?.value ?? copied.checksum ?? '';
  metadata[checksumHeader(algorithm)] = checksum;
  metadata[CHECKSUM_TYPE_HEADER] = 'FULL_OBJECT';
  const stored = await engine.store.copyObject(
    source.bucket,
    source.key,
    target.bucket,
    target.key,
    new StagedCopy(new StagedFile(copied.file, copied.size, copied.md5), metadata),
  );
  sendXml(ctx, 'CopyObjectResult', {
    '@_xmlns': S3_XMLNS,
    LastModified: new Date(String(stored['last-modified'])).toISOString(),
    ETag: quoted(copied.md5),
    [`Checksum${algorithm}`]: checksum,
    ChecksumType: 'FULL_OBJECT',
  });
}

function requestedAlgorithm(header: string): ChecksumAlgorithm | undefined {
  if (!header) return undefined;
  const algorithm = checksumAlgorithm(header);
  if (!algorithm) {
    throw invalidRequest(
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: ' +
        `[${CHECKSUM_ALGORITHMS.join(', ')}]`,
    );
  }
  return algorithm;
}

/** `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=…` (only `null` exists locally). */
function parseCopySource(header: string): ObjectTarget {
  const [rawPath = '', rawQuery = ''] = header.split('?', 2);
  const invalid = () => invalidArgument('Invalid copy source object key', 'x-amz-copy-source', header);
  if (!header) throw invalid();
  let target;
  try {
    target = parseTarget(rawPath.startsWith('/') ? rawPath : `/${rawPath}`);
  } catch {
    throw invalid();
  }
  if (!target.bucket || !target.key) throw invalid();
  checkBucketName(target.bucket);
  const versionId = new URLSearchParams(rawQuery).get('versionId');
  if (versionId !== null && versionId !== 'null') {
    throw invalidArgument('Invalid version id specified', 'x-amz-copy-source', header);
  }
  return { bucket: target.bucket, key: target.key };
}

function checkCopyPreconditions(ctx: KoaContext, source: Record<string, string | number>): void {
  const etag = String(source.etag);
  const modified = new Date(String(source['last-modified'])).getTime();
  const ifMatch = ctx.get('x-amz-copy-source-if-match');
  const ifNoneMatch = ctx.get('x-amz-copy-source-if-none-match');
  const ifModifiedSince = Date.parse(ctx.get('x-amz-copy-source-if-modified-since'));
  const ifUnmodifiedSince = Date.parse(ctx.get('x-amz-copy-source-if-unmodified-since'));
  if (ifMatch && !etagMatches(ifMatch, etag)) throw preconditionFailed('x-amz-copy-source-If-Match');
  if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) throw preconditionFailed('x-amz-copy-source-If-None-Match');
  if (!ifMatch && !Number.isNaN(ifUnmodifiedSince) && modified > ifUnmodifiedSince) {
    throw preconditionFailed('x-amz-copy-source-If-Unmodified-Since');
  }
  if (!ifNoneMatch && !Number.isNaN(ifModifiedSince) && modified <= ifModifiedSince) {
    throw preconditionFailed('x-amz-copy-source-If-Modified-Since');
  }
}

/** Copies a stored object's file into the staging directory, computing its MD5 and, if asked, a checksum. */
async function stageCopy(
  engine: S3Engine,
  sourcePath: string,
  algorithm: ChecksumAlgorithm | undefined,
): Promise<{ file: string; size: number; md5: string; checksum?: string }> {
  const file = path.join(engine.staging, randomUUID());
  const md5 = createHash('md5');
  const checksummer = algorithm ? createChecksummer(algorithm) : undefined;
  let size = 0;
  try {
    await pipeline(
      fs.createReadStream(sourcePath),
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          md5.update(chunk);
          checksummer?.update(chunk);
          callback(null, chunk);
        },
      }),
      fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }),
    );
    return {
      file,
      size,
      md5: md5.digest('hex'),
      checksum: checksummer ? (await checksummer.digest()).toString('base64') : undefined,
    };
  } catch (error) {
    await fs.promises.rm(file, { force: true });
    throw error;
  }
}

/** The most keys one DeleteObjects request may name. */
const MAX_DELETE_KEYS = 1000;

/**
 * DeleteObjects: S3 requires the body's integrity to be declared (Content-MD5 or a flexible checksum, verified on
 * intake), deletes each key, and reports every key it was asked to delete as deleted (unless `Quiet`), existing or
 * not. Keys the local engine cannot address are reported as errors.
 */
export async function deleteObjects(ctx: KoaContext, engine: S3Engine, bucket: string, body: ReceivedBody) {
  await requireBucket(engine, bucket);
  if (ctx.headers['content-md5'] === undefined && !body.declared) {
    throw invalidRequest('Missing required header for this request: Content-MD5 OR x-amz-checksum-*');
  }
  const document = parseXmlBody(body.data ?? Buffer.alloc(0), ['Object']);
  const request = document.Delete as Record<string, unknown> | undefined;
  const objects = (request?.Object as unknown[] | undefined) ?? [];
  if (!request || objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw malformedXml();
  const quiet = textOf(request, 'Quiet')?.trim().toLowerCase() === 'true';

  const deleted: Array<Record<string, string>> = [];
  const errors: Array<Record<string, string>> = [];
  for (const object of objects) {
    const key = textOf(object, 'Key');
    if (key === undefined) throw malformedXml();
    const versionId = textOf(object, 'VersionId');
    const failure = await deleteOne(engine, bucket, key, versionId);
    if (failure) errors.push({ Key: key, ...(versionId ? { VersionId: versionId } : {}), ...failure });
    else if (!quiet) deleted.push({ Key: key, ...(versionId ? { VersionId: versionId } : {}) });
  }
  sendXml(ctx, 'DeleteResult', { '@_xmlns': S3_XMLNS, Deleted: deleted, Error: errors });
}

async function deleteOne(
  engine: S3Engine,
  bucket: string,
  key: string,
  versionId: string | undefined,
): Promise<{ Code: string; Message: string } | undefined> {
  if (versionId !== undefined && versionId !== 'null') {
    return { Code: 'NoSuchVersion', Message: 'The specified version does not exist.' };
  }
  try {
    parseTarget(`/${bucket}/${encodeURIComponent(key)}`);
  } catch (error) {
    return { Code: (error as { code?: string }).code ?? 'InvalidArgument', Message: (error as Error).message };
  }
  if (await engine.store.existsObject(bucket, key)) await engine.store.deleteObject(bucket, key);
  return undefined;
}

/**
 * Before s3rver answers a GetObject or HeadObject: a suffix range (`bytes=-500`, the last 500 bytes) is turned into
 * the explicit range it stands for, which s3rver would read as the first 500.
 */
export async function prepareGetObject(ctx: KoaContext, engine: S3Engine, target: ObjectTarget): Promise<void> {
  const suffix = /^bytes=-(\d+)$/.exec(String(ctx.headers.range ?? '').trim());
  if (!suffix) return;
  const metadata = await objectMetadata(engine.store, target.bucket, target.key);
  if (!metadata) return;
  const size = Number(metadata['content-length']);
  const length = Number(suffix[1]);
  if (length === 0 || size === 0) {
    throw s3Error('InvalidRange', 'The requested range is not satisfiable', {
      RangeRequested: String(ctx.headers.range),
      ActualObjectSize: size,
    });
  }
  (ctx.headers as IncomingHttpHeaders).range = `bytes=${Math.max(0, size - length)}-${size - 1}`;
}

/**
 * After s3rver has answered a GetObject or HeadObject: the object's checksum is returned only when the client asked
 * for it (`x-amz-checksum-mode: ENABLED`, as the SDKs do for GetObject) and the response carries the whole object,
 * as S3 does; a checksum on part of an object would fail the client's validation.
 */
export function finishGetObject(ctx: KoaContext): void {
  const mode = ctx.get('x-amz-checksum-mode') || queryParameter(ctx, 'x-amz-checksum-mode');
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(ctx.response.get('content-range'));
  const whole = ctx.status === 200 || (range !== null && range[1] === '0' && Number(range[2]) + 1 === Number(range[3]));
  if (mode?.toUpperCase() === 'ENABLED' && whole && (ctx.status === 200 || ctx.status === 206)) return;
  for (const header of CHECKSUM_METADATA_KEYS) ctx.remove(header);
}
