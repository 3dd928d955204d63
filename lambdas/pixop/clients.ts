import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * The SDK clients of every Pixop function, created once per execution environment with default configuration.
 * Endpoints come only from the standard `AWS_ENDPOINT_URL_*` variables, which is how local mode points them at its
 * engines. Marked pure so that a function's bundle keeps only the clients it uses; the tables' document client is in
 * `tables/document-client.ts` for that reason.
 */

export const dynamodbClient = /* @__PURE__ */ new DynamoDBClient({});

export const s3Client = /* @__PURE__ */ new S3Client({});

export const sfnClient = /* @__PURE__ */ new SFNClient({});
