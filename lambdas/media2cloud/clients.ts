import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IoTClient } from '@aws-sdk/client-iot';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { NodeHttpHandler } from '@smithy/node-http-handler';
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

export const cognitoClient = /* @__PURE__ */ new CognitoIdentityProviderClient({});

export const rekognitionClient = /* @__PURE__ */ new RekognitionClient({});

export const iotClient = /* @__PURE__ */ new IoTClient({});

/** Over HTTP/1.1: the client defaults to HTTP/2 for its bidirectional streams, which InvokeModel does not use. */
export const bedrockRuntimeClient = /* @__PURE__ */ new BedrockRuntimeClient({
  requestHandler: /* @__PURE__ */ new NodeHttpHandler(),
});

/**
 * Region and credentials for signing OpenSearch requests, borrowed from an SDK client: its resolved configuration
 * holds the SDK's default provider chain (environment, then container or instance role), memoized and refreshed
 * before expiry, with no extra dependency.
 */
export const searchSigningIdentity: SigningIdentity = {
  region: () => s3Client.config.region(),
  credentials: () => s3Client.config.credentials(),
};
