import { randomUUID } from 'node:crypto';

/** An HTTP response as the local endpoint sends it. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/** The kinds of answer API Gateway gives itself, each customizable with an `AWS::ApiGateway::GatewayResponse`. */
export type GatewayResponseType =
  | 'ACCESS_DENIED'
  | 'API_CONFIGURATION_ERROR'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'AUTHORIZER_FAILURE'
  | 'BAD_REQUEST_BODY'
  | 'BAD_REQUEST_PARAMETERS'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX'
  | 'EXPIRED_TOKEN'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'INVALID_API_KEY'
  | 'INVALID_SIGNATURE'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'QUOTA_EXCEEDED'
  | 'REQUEST_TOO_LARGE'
  | 'RESOURCE_NOT_FOUND'
  | 'THROTTLED'
  | 'UNAUTHORIZED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'WAF_FILTERED';

/** A stack's customization of one response type: `AWS::ApiGateway::GatewayResponse`. */
export interface GatewayResponseSpec {
  readonly statusCode?: number;
  /** `gatewayresponse.header.<name>` → a mapping expression (`'literal'`, `method.request.header.x`, …). */
  readonly responseParameters: Readonly<Record<string, string>>;
  /** Content type → template. */
  readonly responseTemplates: Readonly<Record<string, string>>;
}

/** One answer of API Gateway's own: which kind, the message its default body carries, the error type header. */
export interface GatewayError {
  readonly type: GatewayResponseType;
  readonly statusCode: number;
  /** `$context.error.message`; `null` where API Gateway sends `{"message": null}`. */
  readonly message: string | null;
  /** `x-amzn-ErrorType`. @default - none */
  readonly errorType?: string;
}

/** What `$context` and the request-side mapping expressions of a gateway response may read. */
export interface GatewayResponseContext {
  readonly requestId: string;
  /** `$context.*` values other than `error` and `requestId`. */
  readonly context?: Readonly<Record<string, unknown>>;
  readonly stageVariables?: Readonly<Record<string, string>>;
  /** `method.request.header.<name>` (case-insensitive) etc. */
  readonly request?: {
    readonly headers: ReadonlyArray<readonly [string, string]>;
    readonly query: ReadonlyArray<readonly [string, string]>;
    readonly pathParameters: Readonly<Record<string, string>>;
  };
}

const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

/**
 * API Gateway's default body for each type. ACCESS_DENIED alone capitalizes the key (`{"Message": …}`), which is
 * what AWS sends for a Lambda authorizer's Deny although its console shows the common template.
 */
const DEFAULT_TEMPLATES: Partial<Record<GatewayResponseType, string>> = {
  ACCESS_DENIED: '{"Message":$context.error.messageString}',
};

/**
 * Builds API Gateway's answer for `error`: the API's own gateway response for the type if the stack defines one,
 * else its DEFAULT_4XX / DEFAULT_5XX, else AWS's default. A customization's status code, headers and template
 * replace the default's; the error type and request id headers are always sent.
 */
export function renderGatewayError(
  error: GatewayError,
  customized: ReadonlyMap<GatewayResponseType, GatewayResponseSpec>,
  context: GatewayResponseContext = { requestId: randomUUID() },
): GatewayResponse {
  const spec =
    customized.get(error.type) ?? customized.get(error.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX') ?? undefined;
  const variables = {
    ...context.context,
    requestId: context.requestId,
    error: {
      message: error.message,
      messageString: JSON.stringify(error.message),
      responseType: error.type,
      validationErrorString: '',
    },
  };
  const [contentType, template] = chooseTemplate(spec?.responseTemplates) ?? [
    'application/json',
    DEFAULT_TEMPLATES[error.type] ?? DEFAULT_TEMPLATE,
  ];
  const headers: Record<string, string> = { 'Content-Type': contentType, 'x-amzn-RequestId': context.requestId };
  if (error.errorType) headers['x-amzn-ErrorType'] = error.errorType;
  for (const [key, expression] of Object.entries(spec?.responseParameters ?? {})) {
    const name = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
    const value = name ? mappingValue(expression, variables, context) : undefined;
    if (name && value !== undefined) headers[name] = value;
  }
  return {
    statusCode: spec?.statusCode ?? error.statusCode,
    headers,
    body: Buffer.from(renderTemplate(template, variables, context.stageVariables ?? {})),
  };
}

/** API Gateway picks the `application/json` template when there is one, as for a client that accepts anything. */
function chooseTemplate(templates: Readonly<Record<string, string>> | undefined): [string, string] | undefined {
  if (!templates) return undefined;
  const entries = Object.entries(templates);
  return entries.find(([type]) => type === 'application/json') ?? entries[0];
}

const UNSUPPORTED_TEMPLATE = /#(set|if|foreach|macro|define|parse|include|evaluate)\b|\$!?\{?(util|input)\b/;

/**
 * Throws unless local mode can render `template` exactly: gateway response templates here may use `$context.…` and
 * `$stageVariables.…` references (what API Gateway documents for them), not VTL directives or `$util`/`$input`.
 */
export function assertRenderableTemplate(template: string, where: string): void {
  if (UNSUPPORTED_TEMPLATE.test(template)) {
    throw new Error(
      `${where}: local mode renders gateway response templates with $context and $stageVariables references only`,
    );
  }
}

const MAPPING_EXPRESSION =
  /^('.*'|method\.request\.(header|querystring|path)\.[^.]+|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$/s;

/** Throws unless `expression` is a gateway response header mapping local mode evaluates. */
export function assertMappingExpression(expression: string, where: string): void {
  if (!MAPPING_EXPRESSION.test(expression)) {
    throw new Error(`${where}: unsupported gateway response header mapping ${expression}`);
  }
}

/** Replaces `$context.a.b` / `${context.a.b}` / `$stageVariables.x`; an undefined reference renders empty. */
function renderTemplate(
  template: string,
  variables: Readonly<Record<string, unknown>>,
  stageVariables: Readonly<Record<string, string>>,
): string {
  return template.replace(
    /\$!?(?:\{(context|stageVariables)((?:\.[A-Za-z0-9_-]+)+)\}|(context|stageVariables)((?:\.[A-Za-z0-9_]+)+))/g,
    (_match, bracedRoot: string | undefined, bracedPath: string | undefined, root: string, path: string) => {
      const keys = (bracedPath ?? path).slice(1).split('.');
      const value = lookup((bracedRoot ?? root) === 'context' ? variables : stageVariables, keys);
      return value === undefined ? '' : value === null ? 'null' : String(value);
    },
  );
}

function mappingValue(
  expression: string,
  variables: Readonly<Record<string, unknown>>,
  context: GatewayResponseContext,
): string | undefined {
  if (/^'.*'$/s.test(expression)) return expression.slice(1, -1);
  const request = context.request;
  const header = /^method\.request\.header\.(.+)$/.exec(expression)?.[1];
  if (header) return request?.headers.find(([name]) => name.toLowerCase() === header.toLowerCase())?.[1];
  const query = /^method\.request\.querystring\.(.+)$/.exec(expression)?.[1];
  if (query) return request?.query.filter(([name]) => name === query).pop()?.[1];
  const pathParameter = /^method\.request\.path\.(.+)$/.exec(expression)?.[1];
  if (pathParameter) return request?.pathParameters[pathParameter];
  const stageVariable = /^stageVariables\.(.+)$/.exec(expression)?.[1];
  if (stageVariable) return context.stageVariables?.[stageVariable];
  const contextPath = /^context\.(.+)$/.exec(expression)?.[1];
  if (contextPath) {
    const value = lookup(variables, contextPath.split('.'));
    return value === undefined || value === null ? undefined : String(value);
  }
  return undefined;
}

function lookup(root: Readonly<Record<string, unknown>>, keys: readonly string[]): unknown {
  let value: unknown = root;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
