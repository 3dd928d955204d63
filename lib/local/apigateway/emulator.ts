import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Principal, Principals } from '../principals';
import { LambdaAuthorizers, type AuthorizerContext } from './authorizers';
import { renderGatewayError, type GatewayError, type GatewayResponse } from './gateway-responses';
import type { LocalMethod, LocalRestApi, MethodAuthorization } from './rest-api';
import { matchRoute, parseInvokePath, type InvokePath, type RouteMatch } from './routing';
import { parseQuery, verifySigV4, type RawRequest, type VerifyResult } from './sigv4';

export { readRestApis, type LocalRestApi } from './rest-api';
export type { GatewayResponse } from './gateway-responses';

export interface GatewayOptions {
  readonly region: string;
  /** The account the APIs are deployed in. */
  readonly accountId: string;
  /** Whose signatures `AWS_IAM` methods accept; the signer becomes `requestContext.identity`. */
  readonly principals: Principals;
  /** Invokes a local function (an integration or a Lambda authorizer); a function error is a rejection. */
  readonly invoke: (functionArn: string, event: unknown, timeoutMs: number) => Promise<unknown>;
  /** @default 29 s, API Gateway's maximum integration timeout */
  readonly integrationTimeoutMs?: number;
  /** The clock of the authorizer result cache. @default Date.now */
  readonly now?: () => number;
}

/** API Gateway's own limits and answers, which clients of any API behind it may rely on. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const MAX_LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

const MISSING_AUTHENTICATION_TOKEN: GatewayError = {
  type: 'MISSING_AUTHENTICATION_TOKEN',
  statusCode: 403,
  message: 'Missing Authentication Token',
  errorType: 'MissingAuthenticationTokenException',
};
const REQUEST_TOO_LARGE: GatewayError = {
  type: 'REQUEST_TOO_LARGE',
  statusCode: 413,
  message: 'Request Too Long',
  errorType: 'RequestTooLongException',
};
const INTERNAL_SERVER_ERROR: GatewayError = { type: 'DEFAULT_5XX', statusCode: 502, message: 'Internal server error' };
const INTEGRATION_TIMEOUT: GatewayError = {
  type: 'INTEGRATION_TIMEOUT',
  statusCode: 504,
  message: 'Endpoint request timed out',
};

type Fail = (error: GatewayError) => GatewayResponse;

/**
 * Serves REST APIs at `/<api id>/<stage>/…` the way API Gateway serves them at
 * `https://<api id>.execute-api.<region>.amazonaws.com/<stage>/…`: routing (empty path segments ignored), IAM
 * (SigV4) and Lambda authorizers, the Lambda proxy event, limits, and API Gateway's own answers with the API's
 * gateway responses applied.
 */
export class ApiGatewayEmulator {
  private readonly apis = new Map<string, LocalRestApi>();
  private readonly authorizers: LambdaAuthorizers;

  constructor(private readonly options: GatewayOptions) {
    this.authorizers = new LambdaAuthorizers({
      invoke: options.invoke,
      timeoutMs: options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS,
      now: options.now,
    });
  }

  register(api: LocalRestApi): void {
    this.apis.set(api.id, api);
  }

  get registered(): readonly LocalRestApi[] {
    return [...this.apis.values()];
  }

  /** Handles a request whose path starts with `/<api id>/`; `undefined` if no API has that id. */
  async handle(request: RawRequest, sourceIp: string): Promise<GatewayResponse | undefined> {
    const target = parseInvokePath(request.rawPath);
    const api = this.apis.get(target.apiId);
    if (!api) return undefined;
    const requestId = randomUUID();
    const httpMethod = request.method.toUpperCase();
    // Until a route matches, API Gateway's answers know only the request.
    let errorContext: Record<string, unknown> = {
      apiId: api.id,
      stage: target.stageName,
      httpMethod,
      path: `/${api.id}${target.stagePath}`,
      identity: { sourceIp },
    };
    const fail: Fail = (error) =>
      renderGatewayError(error, api.gatewayResponses, {
        requestId,
        context: errorContext,
        stageVariables: api.stageVariables,
        request: { headers: request.headers, query: parseQuery(request.rawQuery), pathParameters: {} },
      });

    if (target.stageName !== api.stageName) return fail(MISSING_AUTHENTICATION_TOKEN);
    const matched = matchRoute(api.root, target.segments, httpMethod);
    if (!matched) return fail(MISSING_AUTHENTICATION_TOKEN);
    if (request.body.length > MAX_REQUEST_BYTES) return fail(REQUEST_TOO_LARGE);

    const event = this.buildEvent(api, matched, request, target, sourceIp, requestId);
    errorContext = { ...event.requestContext };
    const refused = await this.authorize(api, matched.method.authorization, request, target, event);
    if (refused) {
      errorContext = { ...errorContext, authorizer: refused.authorizer };
      return fail(refused.error);
    }
    errorContext = { ...event.requestContext };

    if (matched.method.kind === 'mock') {
      return {
        statusCode: matched.method.statusCode,
        headers: { ...matched.method.headers, 'x-amzn-RequestId': requestId },
        body: Buffer.alloc(0),
      };
    }
    if (mayExceedPayloadLimit(request) && Buffer.byteLength(JSON.stringify(event)) > MAX_LAMBDA_PAYLOAD_BYTES) {
      return fail(REQUEST_TOO_LARGE);
    }

    const timeoutMs = this.options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = Symbol('timeout');
    let result: unknown;
    try {
      result = await Promise.race([
        this.options.invoke(matched.method.functionArn, event, timeoutMs),
        new Promise<typeof timedOut>((resolve) => {
          timer = setTimeout(() => resolve(timedOut), timeoutMs);
        }),
      ]);
    } catch (error) {
      // A function error (an uncaught exception, a crash, a Lambda timeout) is a 502 in API Gateway.
      console.error(`[${api.name}] ${request.method} ${target.path}: function error`, (error as Error).message);
      return fail(INTERNAL_SERVER_ERROR);
    } finally {
      clearTimeout(timer);
    }
    if (result === timedOut) return fail(INTEGRATION_TIMEOUT);
    return toGatewayResponse(result, requestId, api.name, fail);
  }

  /**
   * Checks the caller as the method requires and fills the event's `requestContext.identity` / `.authorizer`;
   * returns API Gateway's refusal otherwise.
   */
  private async authorize(
    api: LocalRestApi,
    authorization: MethodAuthorization,
    request: RawRequest,
    target: InvokePath,
    event: APIGatewayProxyEvent,
  ): Promise<{ error: GatewayError; authorizer?: AuthorizerContext } | undefined> {
    if (authorization.type === 'AWS_IAM') {
      const verdict = verifySigV4(request, {
        region: this.options.region,
        service: 'execute-api',
        lookupSecret: this.options.principals.lookupSecret,
        lookupSessionToken: this.options.principals.lookupSessionToken,
      });
      if (!verdict.ok) return { error: signatureError(verdict) };
      const principal = this.options.principals.lookup(verdict.accessKeyId);
      if (principal) Object.assign(event.requestContext.identity, callerIdentity(principal));
      return undefined;
    }
    if (authorization.type === 'NONE') return undefined;

    const { body: _body, isBase64Encoded: _encoded, ...requestEvent } = event;
    const outcome = await this.authorizers.authorize(authorization.authorizer, {
      methodArn: methodArn(this.options, api, event.httpMethod, target.path),
      headers: request.headers,
      query: parseQuery(request.rawQuery),
      stageVariables: api.stageVariables,
      context: { ...event.requestContext },
      requestEvent,
    });
    if (!outcome.allowed) return { error: outcome.error, authorizer: outcome.context };
    event.requestContext.authorizer = { ...outcome.context, integrationLatency: outcome.latencyMs };
    if (api.apiKeySource === 'AUTHORIZER' && outcome.usageIdentifierKey !== undefined) {
      event.requestContext.identity.apiKey = outcome.usageIdentifierKey;
    }
    return undefined;
  }

  private buildEvent(
    api: LocalRestApi,
    matched: RouteMatch<LocalMethod>,
    request: RawRequest,
    target: InvokePath,
    sourceIp: string,
    requestId: string,
  ): APIGatewayProxyEvent {
    // API Gateway adds these for the integration; the local endpoint is plain HTTP.
    const forwarded: Array<[string, string]> = [
      ['X-Forwarded-Proto', 'http'],
      ['X-Forwarded-For', sourceIp],
    ];
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, value] of [...request.headers, ...forwarded]) {
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    const query = parseQuery(request.rawQuery);
    const queryStringParameters: Record<string, string> = {};
    const multiValueQueryStringParameters: Record<string, string[]> = {};
    for (const [name, value] of query) {
      queryStringParameters[name] = value;
      (multiValueQueryStringParameters[name] ??= []).push(value);
    }
    const contentType = (headerValue(request.headers, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
    const binary = request.body.length > 0 && isBinaryType(contentType, api.binaryMediaTypes);
    const now = new Date();
    const host = headerValue(request.headers, 'host') ?? '127.0.0.1';
    return {
      resource: matched.resource.path,
      path: target.path,
      httpMethod: request.method.toUpperCase(),
      headers,
      multiValueHeaders,
      queryStringParameters: query.length > 0 ? queryStringParameters : null,
      multiValueQueryStringParameters: query.length > 0 ? multiValueQueryStringParameters : null,
      pathParameters: Object.keys(matched.pathParameters).length > 0 ? matched.pathParameters : null,
      stageVariables: Object.keys(api.stageVariables).length > 0 ? { ...api.stageVariables } : null,
      requestContext: {
        accountId: this.options.accountId,
        apiId: api.id,
        authorizer: undefined,
        domainName: host,
        domainPrefix: api.id,
        extendedRequestId: requestId,
        httpMethod: request.method.toUpperCase(),
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
          sourceIp,
          user: null,
          userAgent: headerValue(request.headers, 'user-agent') ?? null,
          userArn: null,
        },
        // The path as the client requested it, as API Gateway reports it behind a custom domain: local URLs carry the
        // API id before the stage, and functions that build links from it must keep it.
        path: `/${api.id}${target.stagePath}`,
        protocol: 'HTTP/1.1',
        requestId,
        requestTime: now.toUTCString(),
        requestTimeEpoch: now.getTime(),
        resourceId: matched.resource.path,
        resourcePath: matched.resource.path,
        stage: api.stageName,
      },
      body: request.body.length === 0 ? null : request.body.toString(binary ? 'base64' : 'utf8'),
      isBase64Encoded: binary,
    };
  }
}

/**
 * Whether the event of this request may exceed Lambda's payload limit, so that it must be measured: Node's HTTP server
 * takes at most 16 KiB of request line and headers, and JSON escaping writes a character as at most 6 bytes, so with
 * a body under a twelfth of the limit the event (body once, each header, path and query a few times) stays under it.
 */
function mayExceedPayloadLimit(request: RawRequest): boolean {
  return request.body.length >= MAX_LAMBDA_PAYLOAD_BYTES / 12;
}

/** What `requestContext.identity` says about a SigV4-verified caller. */
function callerIdentity(principal: Principal) {
  return {
    accessKey: principal.accessKeyId,
    accountId: principal.accountId,
    caller: principal.userId,
    user: principal.userId,
    userArn: principal.arn,
  };
}

/** The method ARN a Lambda authorizer receives and its policy is evaluated against. */
function methodArn(options: GatewayOptions, api: LocalRestApi, httpMethod: string, path: string): string {
  return `arn:aws:execute-api:${options.region}:${options.accountId}:${api.id}/${api.stageName}/${httpMethod}${path}`;
}

function signatureError(verdict: Extract<VerifyResult, { ok: false }>): GatewayError {
  const type =
    verdict.errorType === 'MissingAuthenticationTokenException'
      ? 'MISSING_AUTHENTICATION_TOKEN'
      : verdict.errorType === 'InvalidSignatureException' || verdict.errorType === 'IncompleteSignatureException'
        ? 'INVALID_SIGNATURE'
        : 'DEFAULT_4XX';
  return { type, statusCode: 403, message: verdict.message, errorType: verdict.errorType };
}

function toGatewayResponse(result: unknown, requestId: string, apiName: string, fail: Fail): GatewayResponse {
  if (
    typeof result !== 'object' ||
    result === null ||
    typeof (result as { statusCode?: unknown }).statusCode !== 'number'
  ) {
    console.error(`[${apiName}] malformed Lambda proxy response`);
    return fail(INTERNAL_SERVER_ERROR);
  }
  const response = result as {
    statusCode: number;
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown[]>;
    body?: unknown;
    isBase64Encoded?: boolean;
  };
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) {
    if (Array.isArray(values)) headers[name] = values.map(String);
  }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  headers['x-amzn-RequestId'] = requestId;
  const body =
    response.body === undefined || response.body === null
      ? Buffer.alloc(0)
      : Buffer.from(String(response.body), response.isBase64Encoded ? 'base64' : 'utf8');
  if (body.length > MAX_LAMBDA_PAYLOAD_BYTES) return fail(INTERNAL_SERVER_ERROR);
  return { statusCode: response.statusCode, headers, body };
}

export function gatewayError(
  statusCode: number,
  errorType: string | undefined,
  message: string,
  requestId: string = randomUUID(),
): GatewayResponse {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  return { statusCode, headers, body: Buffer.from(JSON.stringify({ message })) };
}

function headerValue(headers: RawRequest['headers'], name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

function isBinaryType(contentType: string, binaryMediaTypes: readonly string[]): boolean {
  return binaryMediaTypes.some((pattern) => {
    if (pattern === '*/*') return true;
    const [type, subtype] = pattern.split('/');
    const [actualType, actualSubtype] = contentType.split('/');
    return (type === '*' || type === actualType) && (subtype === '*' || subtype === actualSubtype);
  });
}
