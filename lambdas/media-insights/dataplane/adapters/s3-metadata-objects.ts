import { DeleteObjectsCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { MetadataObjectStore } from '../domain/ports';

export interface S3MetadataObjectsOptions {
  /** Keys per DeleteObjects request. @default 1000, the most S3 takes */
  readonly deleteBatchSize?: number;
}

/** Objects in the data plane bucket. */
export class S3MetadataObjects implements MetadataObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly options: S3MetadataObjectsOptions = {},
  ) {}

  async read(key: string): Promise<string | undefined> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Body ? await Body.transformToString('utf-8') : '';
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async write(key: string, json: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: json, ContentType: 'application/json' }),
    );
  }

  async writeMarker(key: string): Promise<void> {
    // An explicit length: without it the SDK cannot tell an empty body from a stream of unknown length.
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: '', ContentLength: 0 }));
  }

  async delete(keys: readonly string[]): Promise<string[]> {
    const batchSize = this.options.deleteBatchSize ?? 1000;
    const deleted: string[] = [];
    for (let start = 0; start < keys.length; start += batchSize) {
      const batch = keys.slice(start, start + batchSize);
      const { Deleted, Errors } = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((key) => ({ Key: key })) } }),
      );
      if (Errors && Errors.length > 0) {
        const failures = Errors.map((error) => `${error.Key}: ${error.Code}`).join(', ');
        throw new Error(`Unable to delete objects from ${this.bucket}: ${failures}`);
      }
      for (const entry of Deleted ?? []) if (entry.Key !== undefined) deleted.push(entry.Key);
    }
    return deleted;
  }
}
