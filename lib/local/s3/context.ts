import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { invalidArgument, noSuchBucket, s3Error } from './errors';
import type { FilesystemStore } from './store';
import { xmlDocument } from './xml';

/** The parts of a Koa context (s3rver is a Koa application) the engine's handlers use. */
export interface KoaContext {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly querystring: string;
  readonly query: Record<string, string | string[] | undefined>;
  readonly headers: IncomingHttpHeaders;
  readonly origin: string;
  readonly ip: string;
  req: IncomingMessage | (Readable & { headers: IncomingHttpHeaders });
  status: number;
  body: unknown;
  type: string;
  readonly response: { get(name: string): string };
  get(name: string): string;
  set(name: string, value: string): void;
  remove(name: string): void;
}

/** What every handler works with: the store, where uploads are staged, and the engine's region and keys. */
export interface S3Engine {
  readonly store: FilesystemStore;
  readonly staging: string;
  readonly region: string;
  readonly lookupSecret: (accessKeyId: string) => string | undefined;
  readonly lookupSessionToken?: (accessKeyId: string) => string | undefined;
  readonly now: () => number;
}

/** The bucket and key a path-style request names; `key` is absent for requests to the bucket itself. */
export interface Target {
  readonly bucket?: string;
  readonly key?: string;
}

/** The largest object key S3 accepts, in bytes. */
const MAX_KEY_BYTES = 1024;
/** Keys are stored as files named after their last segment plus s3rver's suffix, within the file system's 255. */
const MAX_SEGMENT_BYTES = 200;

/**
 * The bucket and key of a path-style request (`/bucket/key…`), decoded, with the bucket name and key checked: a key
 * is stored as a path on disk, so segments that a path cannot hold distinctly (`.`, `..`, empty ones between
 * slashes, s3rver's own suffix) are refused with S3's `InvalidArgument` rather than stored under another name.
 */
export function parseTarget(rawPath: string): Target {
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (path === '') return {};
  const slash = path.indexOf('/');
  const bucket = decode(slash < 0 ? path : path.slice(0, slash));
  checkBucketName(bucket);
  if (slash < 0 || slash === path.length - 1) return { bucket };
  const key = decode(path.slice(slash + 1));
  checkKey(key);
  return { bucket, key };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw s3Error('InvalidURI', "Couldn't parse the specified URI.", { URI: text });
  }
}

export function checkBucketName(bucket: string): void {
  const valid =
    bucket.length >= 3 &&
    bucket.length <= 63 &&
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket) &&
    !bucket.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
  if (!valid) throw s3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
}

function checkKey(key: string): void {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) {
    throw s3Error('KeyTooLongError', 'Your key is too long', { Size: bytes, MaxSizeAllowed: MAX_KEY_BYTES });
  }
  const segments = key.split('/');
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '.' || segment === '..' || (segment === '' && !last) || segment.includes('._S3rver_')) {
      throw invalidArgument(
        `The local S3 engine stores keys as file paths and cannot store a key with the segment "${segment}".`,
        'key',
        key,
      );
    }
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw s3Error('KeyTooLongError', 'Your key is too long', {
        Size: bytes,
        MaxSizeAllowed: MAX_KEY_BYTES,
        LocalMaxSegmentBytes: MAX_SEGMENT_BYTES,
      });
    }
  });
}

export async function requireBucket(engine: S3Engine, bucket: string): Promise<void> {
  if (!(await engine.store.getBucket(bucket))) throw noSuchBucket(bucket);
}

/** Whether the raw query has a parameter, with or without a value (`?uploads`, `?uploads=`). */
export function hasQueryParameter(ctx: KoaContext, name: string): boolean {
  return ctx.query[name] !== undefined;
}

export function queryParameter(ctx: KoaContext, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sendXml(ctx: KoaContext, root: string, body: Record<string, unknown>, status = 200): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = xmlDocument(root, body);
}

export function sendEmpty(ctx: KoaContext, status = 200): void {
  ctx.status = status;
  ctx.body = '';
}

/** An ETag as S3 writes it in headers and documents: the hex digest in double quotes. */
export function quoted(etag: string): string {
  return `"${etag}"`;
}
