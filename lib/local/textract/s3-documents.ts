import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AwsError } from '../protocol/wire';

/** An `S3Object` as Textract requests name it. */
export interface S3ObjectRef {
  readonly Bucket: string;
  readonly Name: string;
  readonly Version?: string;
}

/** Textract's answer for an object it cannot read, whatever the reason (missing, denied, another region). */
export function invalidS3Object(): AwsError {
  return new AwsError(
    'InvalidS3ObjectException',
    'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
  );
}

/** S3 as Textract uses it: the size of a document, its bytes, and the results a job writes. */
export class S3Documents {
  constructor(private readonly s3: () => S3Client) {}

  async size(object: S3ObjectRef): Promise<number> {
    const head = await this.s3()
      .send(new HeadObjectCommand({ Bucket: object.Bucket, Key: object.Name, VersionId: object.Version }))
      .catch(() => Promise.reject(invalidS3Object()));
    return head.ContentLength ?? 0;
  }

  async read(object: S3ObjectRef): Promise<Uint8Array> {
    const response = await this.s3()
      .send(new GetObjectCommand({ Bucket: object.Bucket, Key: object.Name, VersionId: object.Version }))
      .catch(() => Promise.reject(invalidS3Object()));
    if (!response.Body) throw invalidS3Object();
    return response.Body.transformToByteArray();
  }

  async write(bucket: string, key: string, body: string): Promise<void> {
    await this.s3().send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  }
}
