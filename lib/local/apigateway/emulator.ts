import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { StackResolver } from '../intrinsics';
import type { Principal, Principals } from '../principals';
import { parseQuery, verifySigV4, type RawRequest } from './sigv4';

/** A REST API as deployed: its id, stage and methods, read from the synthesized template. */
export interface LocalRestApi {
  readonly id: string;
  readonly name: string;
  readonly stageName: string;
  readonly binaryMediaTypes: readonly string[];
  readonly root: ResourceNode;
}

interface ResourceNode {
  readonly path: string;
  readonly pathPart: string;
  readonly children: ResourceNode[];
  readonly methods: Map<string, LocalMethod>;
}

type LocalMethod =
  | {
      readonly kind: 'lambda-proxy';
      readonly httpMethod: string;
      readonly authorizationType: string;
      /** The Lambda function the proxy integration invokes. */
      readonly functionArn: string;
    }
  | {
      /** A MOCK integration (CDK's CORS preflight): a fixed status and headers, no backend. */
      readonly kind: 'mock';
      readonly httpMethod: string;
      readonly authorizationType: string;
      readonly statusCode: number;
      readonly headers: Record<string, string>;
    };

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export interface GatewayOptions {
  readonly region: string;
  /** The account the APIs are deployed in. */
  readonly accountId: string;
  /** Whose signatures `AWS_IAM` methods accept; the signer becomes `requestContext.identity`. */
  readonly principals: Principals;
  readonly invoke: (functionArn: string, event: unknown, timeoutMs: number) => Promise<unknown>;
  /** @default 29 s, API Gateway's maximum integration timeout */
  readonly integrationTimeoutMs?: number;
}

/** API Gateway's own limits and answers, which clients of any API behind it may rely on. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const MAX_LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

/** Reads every `AWS::ApiGateway::RestApi` of a stack with its resources, methods, stage and integrations. */
export function readRestApis(resolver: StackResolver): LocalRestApi[] {
  const apis: LocalRestApi[] = [];
  for (const [apiLogicalId, apiResource] of resolver.resourcesOfType('AWS::ApiGateway::RestApi')) {
    const id = resolver.physicalId(apiLogicalId);
    const props = (resolver.resolve(apiResource.Properties ?? {}) ?? {}) as Record<string, unknown>;
    const root: ResourceNode = { path: '/', pathPart: '', children: [], methods: new Map() };
    const nodes = new Map<string, ResourceNode>([[`${id}-root`, root]]);

    const resources = resolver
      .resourcesOfType('AWS::ApiGateway::Resource')
      .filter(([, r]) => resolver.resolve(r.Properties?.RestApiId) === id);
    // Parents may come after children in the template: attach until nothing changes.
    let pending = resources;
    while (pending.length > 0) {
      const next = pending.filter(([logicalId, resource]) => {
        const parent = nodes.get(String(resolver.resolve(resource.Properties?.ParentId)));
        if (!parent) return true;
        const pathPart = String(resolver.resolve(resource.Properties?.PathPart));
        const node: ResourceNode = {
          path: parent.path === '/' ? `/${pathPart}` : `${parent.path}/${pathPart}`,
          pathPart,
          children: [],
          methods: new Map(),
        };
        parent.children.push(node);
        nodes.set(resolver.physicalId(logicalId), node);
        return false;
      });
      if (next.length === pending.length) throw new Error(`API ${id}: resources with unknown parents`);
      pending = next;
    }

    for (const [, method] of resolver.resourcesOfType('AWS::ApiGateway::Method')) {
      const methodProps = resolver.resolve(method.Properties ?? {}) as Record<string, unknown>;
      if (methodProps.RestApiId !== id) continue;
      const node = nodes.get(String(methodProps.ResourceId));
      if (!node) throw new Error(`API ${id}: method on unknown resource ${String(methodProps.ResourceId)}`);
      const integration = (methodProps.Integration ?? {}) as Record<string, unknown>;
      const httpMethod = String(methodProps.HttpMethod).toUpperCase();
      const authorizationType = String(methodProps.AuthorizationType ?? 'NONE');
      if (integration.Type === 'MOCK') {
        node.methods.set(httpMethod, { kind: 'mock', httpMethod, authorizationType, ...mockResponse(integration) });
        continue;
      }
      if (integration.Type !== 'AWS_PROXY') {
        throw new Error(
          `API ${id}: local mode serves Lambda proxy and mock integrations, not ${String(integration.Type)}`,
        );
      }
      const uri = String(integration.Uri);
      const match = /functions\/(arn:aws:lambda:[^/]+)\/invocations$/.exec(uri);
      if (!match?.[1]) throw new Error(`API ${id}: unsupported integration URI ${uri}`);
      node.methods.set(httpMethod, { kind: 'lambda-proxy', httpMethod, authorizationType, functionArn: match[1] });
    }

    const stage = resolver
      .resourcesOfType('AWS::ApiGateway::Stage')
      .find(([, s]) => resolver.resolve(s.Properties?.RestApiId) === id);
    apis.push({
      id,
      name: String(props.Name ?? id),
      stageName: stage ? String(resolver.resolve(stage[1].Properties?.StageName)) : 'prod',
      binaryMediaTypes: Array.isArray(props.BinaryMediaTypes) ? (props.BinaryMediaTypes as string[]) : [],
      root,
    });
  }
  return apis;
}

/**
 * Serves REST APIs at `/<api id>/<stage>/…` the way API Gateway serves them at
 * `https://<api id>.execute-api.<region>.amazonaws.com/<stage>/…`: route matching, IAM (SigV4) authorization,
 * the Lambda proxy event, limits, and API Gateway's own error bodies.
 */
export class ApiGatewayEmulator {
  private readonly apis = new Map<string, LocalRestApi>();

  constructor(private readonly options: GatewayOptions) {}

  register(api: LocalRestApi): void {
    this.apis.set(api.id, api);
  }

  get registered(): readonly LocalRestApi[] {
    return [...this.apis.values()];
  }

  /** Handles a request whose path starts with `/<api id>/`; `undefined` if no API has that id. */
  async handle(request: RawRequest, sourceIp: string): Promise<GatewayResponse | undefined> {
    const [, apiId = '', stageName = '', ...rest] = request.rawPath.split('/');
    const api = this.apis.get(apiId);
    if (!api) return undefined;
    const requestId = randomUUID();
    if (stageName !== api.stageName)
      return gatewayError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', requestId);

    // Segments are decoded one by one so an encoded '/' inside a path parameter stays inside it.
    const segments = rest.map(safeDecode);
    const resourcePath = `/${segments.join('/')}`;
    const matched = matchRoute(api.root, segments, request.method.toUpperCase());
    if (!matched)
      return gatewayError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', requestId);

    if (request.body.length > MAX_REQUEST_BYTES) {
      return gatewayError(413, 'RequestTooLongException', 'Request Too Long', requestId);
    }

    let identity: Principal | undefined;
    if (matched.method.authorizationType === 'AWS_IAM') {
      const verdict = verifySigV4(request, {
        region: this.options.region,
        service: 'execute-api',
        lookupSecret: this.options.principals.lookupSecret,
        lookupSessionToken: this.options.principals.lookupSessionToken,
      });
      if (!verdict.ok) return gatewayError(403, verdict.errorType, verdict.message, requestId);
      identity = this.options.principals.lookup(verdict.accessKeyId);
    }

    if (matched.method.kind === 'mock') {
      return {
        statusCode: matched.method.statusCode,
        headers: { ...matched.method.headers, 'x-amzn-RequestId': requestId },
        body: Buffer.alloc(0),
      };
    }
    const functionArn = matched.method.functionArn;
    const event = this.buildEvent(api, matched, request, resourcePath, identity, sourceIp, requestId);
    if (Buffer.byteLength(JSON.stringify(event)) > MAX_LAMBDA_PAYLOAD_BYTES) {
      return gatewayError(413, 'RequestTooLongException', 'Request Too Long', requestId);
    }

    const timeoutMs = this.options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = Symbol('timeout');
    let result: unknown;
    try {
      result = await Promise.race([
        this.options.invoke(functionArn, event, timeoutMs),
        new Promise<typeof timedOut>((resolve) => {
          timer = setTimeout(() => resolve(timedOut), timeoutMs);
        }),
      ]);
    } catch (error) {
      // A function error (an uncaught exception, a crash, a Lambda timeout) is a 502 in API Gateway.
      console.error(`[${api.name}] ${request.method} ${resourcePath}: function error`, (error as Error).message);
      return gatewayError(502, undefined, 'Internal server error', requestId);
    } finally {
      clearTimeout(timer);
    }
    if (result === timedOut) return gatewayError(504, undefined, 'Endpoint request timed out', requestId);
    return toGatewayResponse(result, requestId, api.name);
  }

  private buildEvent(
    api: LocalRestApi,
    matched: RouteMatch,
    request: RawRequest,
    resourcePath: string,
    identity: Principal | undefined,
    sourceIp: string,
    requestId: string,
  ): APIGatewayProxyEvent {
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, value] of request.headers) {
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
      path: resourcePath,
      httpMethod: request.method.toUpperCase(),
      headers,
      multiValueHeaders,
      queryStringParameters: query.length > 0 ? queryStringParameters : null,
      multiValueQueryStringParameters: query.length > 0 ? multiValueQueryStringParameters : null,
      pathParameters: Object.keys(matched.pathParameters).length > 0 ? matched.pathParameters : null,
      stageVariables: null,
      requestContext: {
        accountId: this.options.accountId,
        apiId: api.id,
        authorizer: undefined,
        domainName: host,
        domainPrefix: api.id,
        extendedRequestId: requestId,
        httpMethod: request.method.toUpperCase(),
        identity: {
          accessKey: identity?.accessKeyId ?? null,
          accountId: identity?.accountId ?? null,
          apiKey: null,
          apiKeyId: null,
          caller: identity?.userId ?? null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp,
          user: identity?.userId ?? null,
          userAgent: headerValue(request.headers, 'user-agent') ?? null,
          userArn: identity?.arn ?? null,
        },
        // The path as the client requested it, as API Gateway reports it behind a custom domain: local URLs carry the
        // API id before the stage, and functions that build links from it must keep it.
        path: `/${api.id}/${api.stageName}${resourcePath}`,
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

interface RouteMatch {
  readonly resource: ResourceNode;
  readonly method: LocalMethod;
  readonly pathParameters: Record<string, string>;
}

/** API Gateway's precedence: a literal path part beats `{param}`, which beats a greedy `{param+}`. */
function matchRoute(node: ResourceNode, segments: string[], httpMethod: string): RouteMatch | undefined {
  if (segments.length === 0 || (segments.length === 1 && segments[0] === '')) {
    const method = node.methods.get(httpMethod) ?? node.methods.get('ANY');
    return method ? { resource: node, method, pathParameters: {} } : undefined;
  }
  const [segment = '', ...rest] = segments;
  const literal = node.children.find((child) => child.pathPart === segment);
  if (literal) {
    const found = matchRoute(literal, rest, httpMethod);
    if (found) return found;
  }
  for (const child of node.children) {
    const param = /^\{([^}+]+)\}$/.exec(child.pathPart);
    if (param?.[1] && segment !== '') {
      const found = matchRoute(child, rest, httpMethod);
      if (found) return { ...found, pathParameters: { [param[1]]: segment, ...found.pathParameters } };
    }
  }
  for (const child of node.children) {
    const greedy = /^\{([^}]+)\+\}$/.exec(child.pathPart);
    if (greedy?.[1]) {
      const method = child.methods.get(httpMethod) ?? child.methods.get('ANY');
      if (method) return { resource: child, method, pathParameters: { [greedy[1]]: segments.join('/') } };
    }
  }
  return undefined;
}

/** The first integration response of a MOCK integration: its status and its static header values. */
function mockResponse(integration: Record<string, unknown>): { statusCode: number; headers: Record<string, string> } {
  const responses = (integration.IntegrationResponses ?? []) as Array<{
    StatusCode?: string;
    ResponseParameters?: Record<string, string>;
  }>;
  const first = responses[0] ?? {};
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(first.ResponseParameters ?? {})) {
    const header = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
    // Static values are quoted literals in API Gateway mapping expressions.
    if (header && /^'.*'$/.test(value)) headers[header] = value.slice(1, -1);
  }
  return { statusCode: Number(first.StatusCode ?? 200), headers };
}

function toGatewayResponse(result: unknown, requestId: string, apiName: string): GatewayResponse {
  if (
    typeof result !== 'object' ||
    result === null ||
    typeof (result as { statusCode?: unknown }).statusCode !== 'number'
  ) {
    console.error(`[${apiName}] malformed Lambda proxy response`);
    return gatewayError(502, undefined, 'Internal server error', requestId);
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
  if (body.length > MAX_LAMBDA_PAYLOAD_BYTES) return gatewayError(502, undefined, 'Internal server error', requestId);
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

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
