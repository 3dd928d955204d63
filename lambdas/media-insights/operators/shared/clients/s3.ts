import { S3Client } from '@aws-sdk/client-s3';

/** Created once per execution environment; the endpoint comes only from the standard AWS_ENDPOINT_URL_S3 variable. */
export const s3Client = new S3Client({});
