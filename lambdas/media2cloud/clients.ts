import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { SigningIdentity } from './api/adapters/opensearch-search';

/**
 * The SDK clients of every Media2Cloud function, created once per execution environment. Endpoints come only from
 * the standard `AWS_ENDPOINT_URL_*` variables, which is how local mode points them at its engines. Marked pure so
 * that a function's bundle keeps only the clients (and SDK packages) that function uses; for that reason the tables'
 * document client, whose package is not marked side-effect free, is built in `tables/document-client.ts`.
 */

export const dynamodbClient = /* @__PURE__ */ new DynamoDBClient({});

export const s3Client = /* @__PURE__ */ new S3Client({});

export const sfnClient = /* @__PURE__ */ new SFNClient({});

export const lambdaClient = /* @__PURE__ */ new LambdaClient({});

/**
 * Region and credentials for signing OpenSearch requests, borrowed from an SDK client: its resolved configuration
 * holds the SDK's default provider chain (environment, then container or instance role), memoized and refreshed
 * before expiry, with no extra dependency.
 */
export const searchSigningIdentity: SigningIdentity = {
  region: () => s3Client.config.region(),
  credentials: () => s3Client.config.credentials(),
};
