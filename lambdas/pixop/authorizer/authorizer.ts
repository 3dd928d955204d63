import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authenticate, type AccountLookups } from '../domain/auth';
import { AuthExceptions, AuthFailure } from '../domain/errors';
import { logger } from '../logger';
import { routeScheme } from '../routes';

/**
 * Pixop's authentication as an API Gateway REQUEST authorizer: the same check the API function makes, so the
 * gateway can refuse a request before it reaches the function. An accepted call carries the principal in the
 * authorizer context (`userId`, `teamId`, `scheme`); a refused one is a Deny whose context holds Pixop's
 * `exception` and `errorMessage`, for the gateway responses to render as `{exception, errorMessage}` with 401.
 * The authorizer answers per request (no caching): a rotated key, a new password or a ban takes effect at once.
 *
 * Gateway response templates insert context values as they are (no `$util` there), so `errorMessage` is carried
 * JSON-escaped, ready to sit between the template's quotes.
 */
export async function authorizeRequest(
  event: APIGatewayRequestAuthorizerEvent,
  lookups: AccountLookups,
  nowMs: number,
): Promise<APIGatewayAuthorizerResult> {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const key = `${event.httpMethod.toUpperCase()} ${event.resource}`;
  const scheme = routeScheme(key) ?? 'bearer';
  const teamId = key === 'GET /accounts/v1/token' ? (event.queryStringParameters?.['team-id'] ?? undefined) : undefined;
  try {
    const principal = await authenticate(headers['authorization'], scheme, lookups, nowMs, teamId);
    return policy(principal.user.id, 'Allow', event.methodArn, {
      userId: principal.user.id,
      teamId: principal.teamId,
      scheme: principal.scheme,
    });
  } catch (error) {
    const failure =
      error instanceof AuthFailure
        ? error
        : new AuthFailure(AuthExceptions.General, 'The request could not be authenticated');
    if (!(error instanceof AuthFailure)) logger.error('Authorizer failure', { errorName: (error as Error).name });
    return policy('anonymous', 'Deny', event.methodArn, {
      exception: failure.exception,
      errorMessage: JSON.stringify(failure.message).slice(1, -1),
    });
  }
}

function policy(
  principalId: string,
  effect: 'Allow' | 'Deny',
  methodArn: string,
  context: Record<string, string>,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }],
    },
    context,
  };
}
