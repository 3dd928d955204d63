/** What an IAM policy says about one `execute-api:Invoke` of a method ARN. */
export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
}

/** A policy document that is not one API Gateway can evaluate: the authorizer is misconfigured. */
export class InvalidPolicyError extends Error {}

const ACTION = 'execute-api:Invoke';

/**
 * Evaluates a Lambda authorizer's `policyDocument` for invoking `methodArn`, with IAM's rules: an explicit Deny
 * wins, then any Allow, otherwise the request is implicitly denied. Actions match case-insensitively, resources
 * case-sensitively, both with `*` and `?` wildcards (a `*` in a resource spans `/`, so `…/stage/GET/*` covers
 * every GET path).
 */
export function evaluatePolicy(policyDocument: unknown, methodArn: string): PolicyDecision {
  const statements = readStatements(policyDocument);
  const applies = (statement: Statement) =>
    matchesAny(statement.Action, statement.NotAction, ACTION, true) &&
    matchesAny(statement.Resource, statement.NotResource, methodArn, false);
  if (statements.some((statement) => statement.Effect === 'Deny' && applies(statement))) return 'explicit-deny';
  if (statements.some((statement) => statement.Effect === 'Allow' && applies(statement))) return 'allow';
  return 'implicit-deny';
}

function readStatements(policyDocument: unknown): Statement[] {
  if (typeof policyDocument !== 'object' || policyDocument === null) {
    throw new InvalidPolicyError('policyDocument must be an object');
  }
  const raw = (policyDocument as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (statements.length === 0) throw new InvalidPolicyError('policyDocument has no Statement');
  return statements.map((statement: unknown) => {
    if (typeof statement !== 'object' || statement === null) throw new InvalidPolicyError('Statement not an object');
    const { Effect, Action, NotAction, Resource, NotResource } = statement as Record<string, unknown>;
    if (Effect !== 'Allow' && Effect !== 'Deny') throw new InvalidPolicyError(`Invalid Effect ${String(Effect)}`);
    if ((Action === undefined) === (NotAction === undefined)) {
      throw new InvalidPolicyError('A statement needs exactly one of Action and NotAction');
    }
    if ((Resource === undefined) === (NotResource === undefined)) {
      throw new InvalidPolicyError('A statement needs exactly one of Resource and NotResource');
    }
    for (const value of [Action, NotAction, Resource, NotResource]) {
      if (value !== undefined && !isStringOrStrings(value)) {
        throw new InvalidPolicyError('Action and Resource must be strings or lists of strings');
      }
    }
    return statement as Statement;
  });
}

function isStringOrStrings(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

function matchesAny(
  patterns: string | readonly string[] | undefined,
  notPatterns: string | readonly string[] | undefined,
  value: string,
  ignoreCase: boolean,
): boolean {
  const list = (items: string | readonly string[]) => (typeof items === 'string' ? [items] : items);
  if (patterns !== undefined) return list(patterns).some((pattern) => wildcardMatch(pattern, value, ignoreCase));
  return !list(notPatterns ?? []).some((pattern) => wildcardMatch(pattern, value, ignoreCase));
}

function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}
