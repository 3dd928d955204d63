import type { APIGatewayProxyEvent } from 'aws-lambda';
import { stringifyExactJson } from '../../shared/json/exact';

/** One call of the data plane API, addressed by its API Gateway resource template. */
export interface DataplaneCall {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** e.g. `/metadata/{asset_id}` */
  readonly resource: string;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly userAgent?: string;
  readonly requestId?: string;
  readonly now?: number;
}

/**
 * The API Gateway (REST, v1) proxy event the deployed data plane API (stage `api`) would send for `call`. The
 * original's workflow API and operators invoke the data plane function directly with such events instead of
 * making SigV4-signed HTTP calls; so do ours.
 */
export function dataplaneEvent(call: DataplaneCall): APIGatewayProxyEvent {
  const path = call.resource.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(call.pathParameters?.[name] ?? ''),
  );
  const query = call.query && Object.keys(call.query).length > 0 ? { ...call.query } : null;
  return {
    resource: call.resource,
    path,
    httpMethod: call.method,
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: { 'Content-Type': ['application/json'] },
    queryStringParameters: query,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]]))
      : null,
    pathParameters: call.pathParameters ? { ...call.pathParameters } : null,
    stageVariables: null,
    body: call.body === undefined ? null : stringifyExactJson(call.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '',
      apiId: '',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: call.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '',
        user: null,
        userAgent: call.userAgent ?? null,
        userArn: null,
      },
      path: `/api${path}`,
      stage: 'api',
      requestId: call.requestId ?? '',
      requestTimeEpoch: call.now ?? Date.now(),
      resourceId: '',
      resourcePath: call.resource,
    },
  };
}
