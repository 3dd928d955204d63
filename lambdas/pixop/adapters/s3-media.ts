import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { MediaObjectHead, MediaStore } from '../domain/ports';

/** Media objects in the media bucket. */
export class S3MediaStore implements MediaStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async presignedPost(
    key: string,
    options: { contentType: string; maxBytes: number; metadata: Record<string, string>; expiresSeconds: number },
  ) {
    const metadataFields = Object.fromEntries(
      Object.entries(options.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    );
    const fields = { 'Content-Type': options.contentType, ...metadataFields };
    return createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: key,
      // The uploader may choose nothing but the bytes: key, type and ingestion mode are fixed by the signature.
      Conditions: [
        ['content-length-range', 1, options.maxBytes],
        ...Object.entries(fields).map(([name, value]) => ['eq', `$${name}`, value] as ['eq', string, string]),
      ],
      Fields: fields,
      Expires: options.expiresSeconds,
    });
  }

  async put(key: string, body: Buffer, contentType: string, metadata: Record<string, string>): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata }),
    );
  }

  async head(key: string): Promise<MediaObjectHead | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: head.ContentLength ?? 0,
        etag: head.ETag ?? '',
        contentType: head.ContentType ?? 'application/octet-stream',
        lastModified: head.LastModified ?? new Date(0),
        metadata: head.Metadata ?? {},
      };
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
      throw error;
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Buffer> {
    const object = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
    );
    return Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
  }

  presignedGet(key: string, options: { fileName: string; expiresSeconds: number }): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${options.fileName.replace(/"/g, '')}"`,
      }),
      { expiresIn: options.expiresSeconds },
    );
  }

  async deletePrefix(prefix: string): Promise<void> {
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key as string }));
      if (keys.length > 0) {
        await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
