import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3Objects } from '../../../shared/media/s3-objects';
import type { ObjectLocation } from '../domain/records';
import type { ObjectHead, ObjectStore, ObjectSummary } from '../ports';

const DELETE_BATCH = 1000;

/** The pipeline's S3 access; streamed transfers and ranged reads go through the shared media `S3Objects`. */
export class S3ObjectStore implements ObjectStore {
  private readonly transfers: S3Objects;

  constructor(private readonly s3: S3Client) {
    this.transfers = new S3Objects(s3);
  }

  async head(location: ObjectLocation): Promise<ObjectHead | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
      return {
        size: head.ContentLength ?? 0,
        lastModified: head.LastModified?.getTime() ?? 0,
        storageClass: head.StorageClass ?? 'STANDARD',
        contentType: head.ContentType,
        etag: head.ETag,
        serverSideEncryption: head.ServerSideEncryption,
        metadata: Object.fromEntries(
          Object.entries(head.Metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
        ),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  readRange(location: ObjectLocation, offset: number, length: number): Promise<Uint8Array> {
    return this.transfers.readRange(location, offset, length);
  }

  async *stream(location: ObjectLocation): AsyncIterable<Uint8Array> {
    const response = await this.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    if (!(response.Body instanceof Readable)) throw new Error(`s3://${location.bucket}/${location.key} has no body`);
    for await (const chunk of response.Body) yield chunk as Uint8Array;
  }

  download(location: ObjectLocation, filePath: string): Promise<void> {
    return this.transfers.download(location, filePath);
  }

  uploadFile(location: ObjectLocation, filePath: string, contentType: string): Promise<void> {
    return this.transfers.upload(location, filePath, contentType);
  }

  async putText(location: ObjectLocation, body: string, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body, ContentType: contentType }),
    );
  }

  async getText(location: ObjectLocation): Promise<string | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
      return response.Body ? await response.Body.transformToString('utf-8') : '';
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(bucket: string, prefix: string): Promise<ObjectSummary[]> {
    const objects: ObjectSummary[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        objects.push({
          key: object.Key,
          size: object.Size ?? 0,
          lastModified: object.LastModified?.getTime() ?? 0,
          storageClass: object.StorageClass ?? 'STANDARD',
        });
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return objects;
  }

  async deleteKeys(bucket: string, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const result = await this.s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(
          `could not delete ${failed.length} objects from ${bucket}, e.g. ${failed[0]?.Key}: ${failed[0]?.Message}`,
        );
      }
    }
  }

  presignGet(location: ObjectLocation, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), {
      expiresIn: expiresInSeconds,
    });
  }
}

function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: string }).name;
  return status === 404 || name === 'NoSuchKey' || name === 'NotFound';
}
