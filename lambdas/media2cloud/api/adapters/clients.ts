import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SigningIdentity } from './opensearch-search';

/**
 * SDK clients, created once per container. Endpoints come only from the standard AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SFN and AWS_ENDPOINT_URL_LAMBDA variables, which is how local mode points
 * them at its engines.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

export const s3Client = new S3Client({});

export const sfnClient = new SFNClient({});

export const lambdaClient = new LambdaClient({});

/**
 * Region and credentials for signing OpenSearch requests, borrowed from an SDK client: its resolved configuration
 * holds the SDK's default provider chain (environment, then container or instance role), memoized and refreshed
 * before expiry, with no extra dependency.
 */
export const searchSigningIdentity: SigningIdentity = {
  region: () => sfnClient.config.region(),
  credentials: () => sfnClient.config.credentials(),
};
