import { S3Client } from '@aws-sdk/client-s3';

/**
 * Created once per execution environment; the endpoint comes only from the standard AWS_ENDPOINT_URL_S3 variable.
 * Checksums only where S3 demands them: the local S3 engine understands neither checksum trailers nor headers.
 */
export const s3Client = new S3Client({
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
