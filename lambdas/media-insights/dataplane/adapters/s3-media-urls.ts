import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { MediaObjectRef, MediaUrlSigner, PresignOptions, PresignedUpload } from '../domain/ports';

/** Presigned URLs for media in any bucket the function's role can reach; nothing is read or written here. */
export class S3MediaUrls implements MediaUrlSigner {
  constructor(private readonly client: S3Client) {}

  async presignedPost(
    ref: MediaObjectRef,
    options: PresignOptions & { readonly maxContentLength: number },
  ): Promise<PresignedUpload> {
    const { url, fields } = await createPresignedPost(this.client, {
      Bucket: ref.bucket,
      Key: ref.key,
      Conditions: [['content-length-range', 0, options.maxContentLength]],
      Expires: options.expiresInSeconds,
    });
    return { url, fields };
  }

  presignedGet(ref: MediaObjectRef, options: PresignOptions): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }), {
      expiresIn: options.expiresInSeconds,
    });
  }
}
