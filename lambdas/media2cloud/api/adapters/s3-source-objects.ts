import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectRef, SourceObject, SourceObjects } from '../domain/ports';

/** The media (and batch manifests) callers ask to ingest, in the ingest bucket or any bucket the role may read. */
export class S3SourceObjects implements SourceObjects {
  constructor(private readonly client: S3Client) {}

  async head(ref: ObjectRef): Promise<SourceObject | 'missing' | 'denied'> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return {
        contentLength: head.ContentLength ?? 0,
        lastModified: head.LastModified?.getTime() ?? 0,
        // S3 leaves the header out for STANDARD objects.
        storageClass: head.StorageClass ?? 'STANDARD',
        ...(head.ETag === undefined ? {} : { etag: head.ETag }),
        ...(head.ServerSideEncryption === undefined ? {} : { serverSideEncryption: head.ServerSideEncryption }),
        metadata: head.Metadata ?? {},
      };
    } catch (error) {
      // A HEAD response has no body, so S3's answer is only its status code.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return 'missing';
      if (status === 403) return 'denied';
      throw error;
    }
  }

  async readText(ref: ObjectRef): Promise<string> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    return Body ? Body.transformToString('utf-8') : '';
  }
}
