import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * The SDK clients of every Media Insights function, created once per execution environment. Endpoints come only from
 * the standard `AWS_ENDPOINT_URL_*` variables, which is how local mode points them at its engines. Marked pure so
 * that a function's bundle keeps only the clients (and SDK packages) that function uses; for that reason the tables'
 * document client, whose package is not marked side-effect free, is built in `tables/document-client.ts`.
 */

export const dynamodbClient = /* @__PURE__ */ new DynamoDBClient({});

export const s3Client = /* @__PURE__ */ new S3Client({});

export const lambdaClient = /* @__PURE__ */ new LambdaClient({});

export const sfnClient = /* @__PURE__ */ new SFNClient({});
