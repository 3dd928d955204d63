import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createDynalite } from '../../../lib/local/dynamodb/dynalite';
import { startS3 } from '../../../lib/local/engines';

/** The environment the stack gives the data plane function, with names local to these tests. */
export const DATAPLANE_ENV = {
  DATAPLANE_TABLE_NAME: 'mie-dataplane',
  DATAPLANE_LOCK_TABLE_NAME: 'mie-dataplane-locks',
  DATAPLANE_BUCKET: 'mie-dataplane-bucket',
  FRAMEWORK_VERSION: 'v5.1.8',
} as const;

/** A bucket outside the data plane, standing for where users keep their media. */
export const MEDIA_BUCKET = 'mie-source-media';

export interface LocalEngines {
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly s3: S3Client;
  readonly dynamo: DynamoDBClient;
  stop(): Promise<void>;
}

/** The key pair the local S3 engine accepts in these tests; dynalite accepts any. */
const CREDENTIALS = { accessKeyId: 'AKIAMEDIAPLANETEST00', secretAccessKey: 'mediaplane-test-secret' };

/**
 * Starts dynalite and the local S3 engine in this process on free ports and points the SDK at them through the
 * standard endpoint variables. Call it before the handler module is loaded: its clients read the environment.
 */
export async function startLocalEngines(): Promise<LocalEngines> {
  // dynalite as local mode runs it (with what it adds to dynalite), in memory.
  const dynalite = createDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynalite.listen(0, '127.0.0.1', resolve));
  const dynamoEndpoint = `http://127.0.0.1:${(dynalite.address() as AddressInfo).port}`;

  const directory = mkdtempSync(join(tmpdir(), 'mie-dataplane-s3-'));
  const s3Engine = await startS3(directory, 0, CREDENTIALS);
  const s3Endpoint = s3Engine.endpoint;

  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    // The SDK warns once per process that it will soon need Node 22; the project targets Node 20 on purpose.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;

  const s3 = new S3Client({});
  const dynamo = new DynamoDBClient({});
  return {
    dynamoEndpoint,
    s3Endpoint,
    s3,
    dynamo,
    async stop() {
      s3.destroy();
      dynamo.destroy();
      await s3Engine.close();
      await new Promise<void>((resolve) => dynalite.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The tables and buckets the stack creates, in the local engines. */
export async function provisionDataplane(engines: LocalEngines): Promise<void> {
  Object.assign(process.env, DATAPLANE_ENV);
  for (const TableName of [DATAPLANE_ENV.DATAPLANE_TABLE_NAME, DATAPLANE_ENV.DATAPLANE_LOCK_TABLE_NAME]) {
    await engines.dynamo.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'AssetId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'AssetId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  for (const Bucket of [DATAPLANE_ENV.DATAPLANE_BUCKET, MEDIA_BUCKET]) {
    await engines.s3.send(new CreateBucketCommand({ Bucket }));
  }
}

export type LambdaHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface ApiCall {
  /** The API Gateway resource template, e.g. `/metadata/{asset_id}`. */
  readonly resource: string;
  readonly method?: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** An API Gateway (REST, v1) proxy event as the deployed API would deliver it. */
export function apiEvent(call: ApiCall): APIGatewayProxyEvent {
  const method = call.method ?? 'GET';
  const pathParameters = call.pathParameters ?? null;
  const path = call.resource.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(call.pathParameters?.[name] ?? ''),
  );
  const query = call.query && Object.keys(call.query).length > 0 ? call.query : null;
  const body = call.body === undefined ? null : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const headers = { 'Content-Type': 'application/json', Host: 'api.example.com', ...call.headers };
  return {
    resource: call.resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]]))
      : null,
    pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'dataplane',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: '123456789012',
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'jest',
        userArn: 'arn:aws:iam::123456789012:user/tester',
      },
      path: `/api${path}`,
      stage: 'api',
      requestId: 'request-id',
      requestTimeEpoch: Date.now(),
      resourceId: 'resource-id',
      resourcePath: call.resource,
    },
  };
}

export interface ApiResult {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  readonly text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  readonly body: unknown;
}

/** Invokes the handler with an API Gateway event and parses what it returns. */
export async function callApi(handler: LambdaHandler, call: ApiCall): Promise<ApiResult> {
  const result = await handler(apiEvent(call));
  let body: unknown;
  try {
    body = JSON.parse(result.body);
  } catch {
    body = undefined;
  }
  return { statusCode: result.statusCode, headers: result.headers ?? {}, text: result.body, body };
}
