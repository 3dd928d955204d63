import type { GatewayError } from './gateway-responses';
import { evaluatePolicy, InvalidPolicyError } from './policy';

/** Where an authorizer reads the caller's identity: `method.request.header.X`, `…querystring.X`, … */
export type IdentitySource =
  | { readonly kind: 'header' | 'querystring' | 'stageVariables'; readonly name: string }
  | { readonly kind: 'context'; readonly path: readonly string[] };

/** A Lambda authorizer (`AWS::ApiGateway::Authorizer` of type TOKEN or REQUEST) as deployed. */
export interface LocalAuthorizer {
  readonly id: string;
  readonly name: string;
  readonly type: 'TOKEN' | 'REQUEST';
  readonly functionArn: string;
  readonly identitySources: readonly IdentitySource[];
  /** TOKEN only: a token that does not match is refused without invoking the function. */
  readonly validationExpression?: RegExp;
  /** `AuthorizerResultTtlInSeconds`; 0 turns the cache off. */
  readonly resultTtlSeconds: number;
}

/** The parts of a request an authorizer reads. */
export interface AuthorizerRequest {
  /** `arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<path>` */
  readonly methodArn: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly stageVariables: Readonly<Record<string, string>>;
  /** `$context`, for `context.*` identity sources. */
  readonly context: Readonly<Record<string, unknown>>;
  /** The Lambda proxy event without its body: the rest of a REQUEST authorizer's input. */
  readonly requestEvent: Readonly<Record<string, unknown>>;
}

/** `$context.authorizer`: the principal and the authorizer's context, every value a string as API Gateway has it. */
export type AuthorizerContext = Readonly<Record<string, string>>;

export type AuthorizerOutcome =
  | {
      readonly allowed: true;
      readonly context: AuthorizerContext;
      readonly usageIdentifierKey?: string;
      /** How long the function took; 0 for a cached result. */
      readonly latencyMs: number;
    }
  | {
      readonly allowed: false;
      readonly error: GatewayError;
      /** Set when the authorizer answered (a Deny): gateway response templates may read it. */
      readonly context?: AuthorizerContext;
    };

export interface LambdaAuthorizersOptions {
  readonly invoke: (functionArn: string, event: unknown, timeoutMs: number) => Promise<unknown>;
  readonly timeoutMs: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** Where an authorizer's failure is explained to the developer (the caller only gets API Gateway's answer). */
  readonly log?: (message: string) => void;
}

/** What an authorizer function returned, once checked: cached as is, evaluated against each request's method. */
interface AuthorizerOutput {
  readonly principalId: string;
  readonly policyDocument: unknown;
  readonly context: AuthorizerContext;
  readonly usageIdentifierKey?: string;
}

const MAX_CACHED_RESULTS = 10_000;

const UNAUTHORIZED: GatewayError = {
  type: 'UNAUTHORIZED',
  statusCode: 401,
  message: 'Unauthorized',
  errorType: 'UnauthorizedException',
};
const CONFIGURATION_ERROR: GatewayError = {
  type: 'AUTHORIZER_CONFIGURATION_ERROR',
  statusCode: 500,
  message: null,
  errorType: 'AuthorizerConfigurationException',
};

/**
 * Runs Lambda authorizers as API Gateway does for REST APIs: identity sources checked before the function is
 * called, TOKEN validation expressions, the result cache keyed by the token (TOKEN) or the identity source values
 * (REQUEST) for `AuthorizerResultTtlInSeconds`, the returned policy evaluated against the request's method ARN
 * (so a cached policy may allow one method and deny the next), and API Gateway's 401 / 403 / 500 answers.
 */
export class LambdaAuthorizers {
  private readonly cache = new Map<string, { readonly expiresAt: number; readonly output: AuthorizerOutput }>();

  constructor(private readonly options: LambdaAuthorizersOptions) {}

  async authorize(authorizer: LocalAuthorizer, request: AuthorizerRequest): Promise<AuthorizerOutcome> {
    const identity = authorizer.identitySources.map((source) => identityValue(source, request));
    if (identity.some((value) => value === undefined || value === '')) return { allowed: false, error: UNAUTHORIZED };
    const token = identity[0] ?? '';
    if (
      authorizer.type === 'TOKEN' &&
      authorizer.validationExpression &&
      !authorizer.validationExpression.test(token)
    ) {
      return { allowed: false, error: UNAUTHORIZED };
    }

    const now = this.options.now ?? Date.now;
    const cacheKey = `${authorizer.id}\n${JSON.stringify(identity)}`;
    const cached = authorizer.resultTtlSeconds > 0 ? this.cache.get(cacheKey) : undefined;
    let output: AuthorizerOutput;
    let latencyMs = 0;
    if (cached && cached.expiresAt > now()) {
      output = cached.output;
    } else {
      const started = now();
      const event =
        authorizer.type === 'TOKEN'
          ? { type: 'TOKEN', methodArn: request.methodArn, authorizationToken: token }
          : { type: 'REQUEST', methodArn: request.methodArn, ...request.requestEvent };
      let result: unknown;
      try {
        result = await this.options.invoke(authorizer.functionArn, event, this.options.timeoutMs);
      } catch (error) {
        // The one error message API Gateway reads: the function's way of saying 401.
        if ((error as Error).message === 'Unauthorized') return { allowed: false, error: UNAUTHORIZED };
        this.log(authorizer, `function error: ${(error as Error).message}`);
        return { allowed: false, error: CONFIGURATION_ERROR };
      }
      latencyMs = now() - started;
      const checked = readOutput(result);
      if (typeof checked === 'string') {
        this.log(authorizer, `invalid response: ${checked}`);
        return { allowed: false, error: CONFIGURATION_ERROR };
      }
      output = checked;
      if (authorizer.resultTtlSeconds > 0) {
        if (this.cache.size >= MAX_CACHED_RESULTS) this.dropExpired(now());
        this.cache.set(cacheKey, { expiresAt: now() + authorizer.resultTtlSeconds * 1000, output });
      }
    }

    const context = { principalId: output.principalId, ...output.context };
    let decision;
    try {
      decision = evaluatePolicy(output.policyDocument, request.methodArn);
    } catch (error) {
      if (!(error instanceof InvalidPolicyError)) throw error;
      this.log(authorizer, `invalid policy: ${error.message}`);
      return { allowed: false, error: CONFIGURATION_ERROR };
    }
    if (decision === 'allow') {
      return { allowed: true, context, usageIdentifierKey: output.usageIdentifierKey, latencyMs };
    }
    const message =
      decision === 'explicit-deny'
        ? 'User is not authorized to access this resource with an explicit deny'
        : 'User is not authorized to access this resource';
    return {
      allowed: false,
      context,
      error: { type: 'ACCESS_DENIED', statusCode: 403, message, errorType: 'AccessDeniedException' },
    };
  }

  /** A long-running local mode sees many tokens; results past their TTL are never read again. */
  private dropExpired(now: number): void {
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
  }

  private log(authorizer: LocalAuthorizer, message: string): void {
    (this.options.log ?? console.error)(`[authorizer ${authorizer.name}] ${message}`);
  }
}

/** Reads `method.request.header.Authorization, method.request.querystring.token, …`. */
export function parseIdentitySources(value: string, where: string): IdentitySource[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part): IdentitySource => {
      const request = /^method\.request\.(header|querystring)\.(.+)$/.exec(part);
      if (request?.[1] && request[2]) return { kind: request[1] as 'header' | 'querystring', name: request[2] };
      const stage = /^stageVariables\.(.+)$/.exec(part)?.[1];
      if (stage) return { kind: 'stageVariables', name: stage };
      const context = /^context\.(.+)$/.exec(part)?.[1];
      if (context) return { kind: 'context', path: context.split('.') };
      throw new Error(`${where}: unsupported identity source ${part}`);
    });
}

function identityValue(source: IdentitySource, request: AuthorizerRequest): string | undefined {
  switch (source.kind) {
    case 'header': {
      const values = request.headers
        .filter(([name]) => name.toLowerCase() === source.name.toLowerCase())
        .map(([, value]) => value);
      return values.length === 0 ? undefined : values.join(',');
    }
    case 'querystring':
      return request.query.filter(([name]) => name === source.name).pop()?.[1];
    case 'stageVariables':
      return request.stageVariables[source.name];
    case 'context': {
      let value: unknown = request.context;
      for (const key of source.path) value = (value as Record<string, unknown> | undefined)?.[key];
      return value === undefined || value === null ? undefined : String(value);
    }
  }
}

/** The authorizer's answer, or why API Gateway would refuse it. */
function readOutput(result: unknown): AuthorizerOutput | string {
  if (typeof result !== 'object' || result === null) return 'not a JSON object';
  const { principalId, policyDocument, context, usageIdentifierKey } = result as Record<string, unknown>;
  if (principalId === undefined || principalId === null) return 'principalId is missing';
  if (typeof principalId === 'object') return 'principalId must be a string';
  if (typeof policyDocument !== 'object' || policyDocument === null) return 'policyDocument is missing';
  if (usageIdentifierKey !== undefined && typeof usageIdentifierKey !== 'string') {
    return 'usageIdentifierKey must be a string';
  }
  const values: Record<string, string> = {};
  if (context !== undefined && context !== null) {
    if (typeof context !== 'object' || Array.isArray(context)) return 'context must be an object';
    for (const [key, value] of Object.entries(context)) {
      if (value === null || value === undefined) continue;
      // API Gateway passes strings, numbers and booleans on as strings, and refuses anything nested.
      if (typeof value === 'object') return `context.${key} must be a string, number or boolean`;
      values[key] = String(value);
    }
  }
  return { principalId: String(principalId), policyDocument, context: values, usageIdentifierKey };
}
