import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FaceImages } from '../domain/face-indexer';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** The face images the indexer keeps, in the proxy bucket (the web app shows them next to the names). */
export class S3FaceImages implements FaceImages {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, image: Uint8Array): Promise<void> {
    const png = Buffer.from(image.subarray(0, 4)).equals(PNG_SIGNATURE);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: image,
        ContentType: png ? 'image/png' : 'image/jpeg',
      }),
    );
  }
}
