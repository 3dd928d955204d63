import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ArchiveStore } from '../domain/ports';

export class S3Archive implements ArchiveStore {
  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Buffer, metadata: Readonly<Record<string, string>>): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: 'video/x-matroska',
        Metadata: { ...metadata },
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const output = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!output.Body) throw new Error(`Archived object ${key} has no body`);
    return Buffer.from(await output.Body.transformToByteArray());
  }
}
