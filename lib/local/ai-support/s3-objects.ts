import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { LocalCloud } from '../service-module';

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

const BUCKET = '[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]';

/**
 * The ways the AI services accept an S3 object: `s3://bucket/key` and the virtual-hosted and path-style HTTPS
 * URLs (`https://bucket.s3.us-east-1.amazonaws.com/key`, `https://s3.us-east-1.amazonaws.com/bucket/key`, with or
 * without the region). The key of an HTTPS URL is percent-decoded, as S3 decodes it.
 */
export function parseS3Uri(uri: string): S3Location | undefined {
  const s3 = new RegExp(`^s3://(${BUCKET})/(.*)$`).exec(uri);
  if (s3) return { bucket: s3[1] as string, key: s3[2] as string };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  };
  const virtual = new RegExp(`^(${BUCKET})\\.s3([.-][a-z0-9-]+)?(\\.dualstack\\.[a-z0-9-]+)?\\.amazonaws\\.com$`).exec(
    url.hostname,
  );
  if (virtual) {
    const key = decode(url.pathname.slice(1));
    return key === undefined ? undefined : { bucket: virtual[1] as string, key };
  }
  if (/^s3([.-][a-z0-9-]+)?(\.dualstack\.[a-z0-9-]+)?\.amazonaws\.com$/.test(url.hostname)) {
    const match = new RegExp(`^/(${BUCKET})/(.*)$`).exec(url.pathname);
    const key = match ? decode(match[2] as string) : undefined;
    return match && key !== undefined ? { bucket: match[1] as string, key } : undefined;
  }
  return undefined;
}

/** `https://s3.<region>.amazonaws.com/<bucket>/<key>`: how the services name an object they wrote. */
export function s3HttpsUrl(region: string, location: S3Location): string {
  const key = location.key.split('/').map(encodeURIComponent).join('/');
  return `https://s3.${region}.amazonaws.com/${location.bucket}/${key}`;
}

/** Why an object could not be read or written, for the service to report in its own words. */
export class ObjectAccessError extends Error {
  constructor(
    readonly reason: 'NoSuchBucket' | 'NoSuchKey' | 'AccessDenied' | 'Other',
    readonly location: S3Location,
    message: string,
  ) {
    super(message);
    this.name = 'ObjectAccessError';
  }
}

/**
 * S3 as an AI service uses it on a caller's behalf: reading the media it is pointed at and writing its results,
 * through the S3 API like the service does (local mode's S3 endpoint, with the deploying user's keys). The client
 * is made on first use: S3 may start after the service that needs it.
 */
export class ServiceObjects {
  private client?: S3Client;

  constructor(private readonly cloud: Pick<LocalCloud, 'region' | 'credentials' | 'endpoint'>) {}

  async read(location: S3Location, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
    const response = await this.s3()
      .send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }))
      .catch((error: unknown) => Promise.reject(accessError(error, location)));
    if ((response.ContentLength ?? 0) > maxBytes) {
      (response.Body as Readable | undefined)?.destroy();
      throw new ObjectAccessError('Other', location, `s3://${location.bucket}/${location.key} is too large`);
    }
    return Buffer.from(await (response.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array(0))));
  }

  async download(location: S3Location, file: string): Promise<void> {
    const response = await this.s3()
      .send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }))
      .catch((error: unknown) => Promise.reject(accessError(error, location)));
    if (!(response.Body instanceof Readable)) throw new ObjectAccessError('Other', location, 'The object has no body');
    await pipeline(response.Body, createWriteStream(file));
  }

  async write(location: S3Location, body: Buffer | string, contentType: string): Promise<void> {
    await this.s3()
      .send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body, ContentType: contentType }))
      .catch((error: unknown) => Promise.reject(accessError(error, location)));
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.s3().send(new HeadBucketCommand({ Bucket: bucket }));
      return true;
    } catch {
      return false;
    }
  }

  /** Every object whose key starts with `prefix`, in key order (a prefix is how the services take a set of files). */
  async list(bucket: string, prefix: string): Promise<Array<{ key: string; size: number }>> {
    const objects: Array<{ key: string; size: number }> = [];
    let token: string | undefined;
    do {
      const response = await this.s3()
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
        .catch((error: unknown) => Promise.reject(accessError(error, { bucket, key: prefix })));
      for (const object of response.Contents ?? []) {
        if (object.Key !== undefined && !object.Key.endsWith('/'))
          objects.push({ key: object.Key, size: object.Size ?? 0 });
      }
      token = response.IsTruncated ? response.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  close(): void {
    this.client?.destroy();
  }

  private s3(): S3Client {
    this.client ??= new S3Client({
      region: this.cloud.region,
      credentials: this.cloud.credentials,
      endpoint: this.cloud.endpoint('s3'),
      forcePathStyle: true,
    });
    return this.client;
  }
}

function accessError(error: unknown, location: S3Location): ObjectAccessError {
  const name = (error as { name?: string }).name ?? '';
  const where = `s3://${location.bucket}/${location.key}`;
  if (name === 'NoSuchBucket')
    return new ObjectAccessError('NoSuchBucket', location, `The bucket of ${where} does not exist`);
  if (name === 'NoSuchKey' || name === 'NotFound')
    return new ObjectAccessError('NoSuchKey', location, `${where} does not exist`);
  if (name === 'AccessDenied' || name === 'Forbidden')
    return new ObjectAccessError('AccessDenied', location, `Access to ${where} was denied`);
  return new ObjectAccessError(
    'Other',
    location,
    `${where} could not be accessed: ${(error as Error).message ?? name}`,
  );
}
