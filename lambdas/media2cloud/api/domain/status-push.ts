import type { ApiRequest } from '../../../shared/http';
import { invalid } from './errors';
import type { StatusPush } from './console-ports';

/**
 * `POST /attach-policy`: the web portal, signed in through a Cognito identity pool, asks for the AWS IoT policy
 * that lets its identity subscribe to status messages. The identity is the caller's own (API Gateway puts it in the
 * request context) or, as the original also accepts, a `requester` query value.
 */

/** The original's `validateCognitoIdentityId`: `<region>:<uuid>`. */
const COGNITO_IDENTITY_ID = /^[a-z]{2,}-[a-z]{2,}-[0-9]{1}:[a-fA-F0-9]{8}(-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}$/;

export function callerIdentityId(request: ApiRequest): string {
  const raw = request.event.requestContext?.identity?.cognitoIdentityId ?? request.query.requester;
  let identity: string | undefined;
  try {
    identity = raw ? decodeURIComponent(raw) : undefined;
  } catch {
    identity = undefined;
  }
  if (identity === undefined || !COGNITO_IDENTITY_ID.test(identity)) throw invalid('invalid user id');
  return identity;
}

export async function attachStatusPolicy(push: StatusPush, identityId: string): Promise<Record<string, unknown>> {
  return { status: 'COMPLETED', ...(await push.attachPolicy(identityId)) };
}
