import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizeRequest } from '../../lambdas/pixop/authorizer/authorizer';
import { hashPassword } from '../../lambdas/pixop/domain/passwords';
import type { UserRecord } from '../../lambdas/pixop/domain/records';
import { issueToken, newSigningKey } from '../../lambdas/pixop/domain/tokens';

const NOW = Date.UTC(2026, 0, 1);
const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc/api/GET/videos/v1/projects';

function event(
  method: string,
  resource: string,
  authorization?: string,
  query: Record<string, string> = {},
): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: ARN,
    resource,
    path: resource,
    httpMethod: method,
    headers: authorization ? { Authorization: authorization } : {},
    multiValueHeaders: {},
    pathParameters: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

describe('Pixop REQUEST authorizer', () => {
  let ada: UserRecord;
  let lookups: {
    userById: (id: string) => Promise<UserRecord | undefined>;
    userByEmail: (email: string) => Promise<UserRecord | undefined>;
  };

  beforeAll(async () => {
    ada = {
      id: 'user-1',
      email: 'ada@example.com',
      name: 'Ada',
      emailConfirmed: true,
      passwordHash: await hashPassword('correct horse'),
      signingKey: newSigningKey(),
      apiRequestSignatureSecret: 's',
      apiRequestSignatureMethod: 'HmacSHA256',
      banned: false,
      teamIds: ['team-1'],
      dateCreated: '',
      timeLastUpdated: '',
    };
    lookups = {
      userById: async (id) => (id === ada.id ? ada : undefined),
      userByEmail: async (email) => (email === ada.email ? ada : undefined),
    };
  });

  it('allows a valid bearer token and passes the principal on', async () => {
    const token = await issueToken(ada, 'team-1', NOW);
    const result = await authorizeRequest(event('GET', '/videos/v1/projects', `Bearer ${token}`), lookups, NOW);

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: ARN });
    expect(result.context).toEqual({ userId: 'user-1', teamId: 'team-1', scheme: 'bearer' });
  });

  it('denies with Pixop’s exception name for the gateway response to render', async () => {
    const missing = await authorizeRequest(event('GET', '/videos/v1/projects'), lookups, NOW);
    const expired = await authorizeRequest(
      event('GET', '/videos/v1/projects', `Bearer ${await issueToken(ada, 'team-1', NOW - 3_600_000)}`),
      lookups,
      NOW,
    );

    expect(missing.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(missing.context).toEqual({ exception: 'NoJWTTokenFoundException', errorMessage: expect.any(String) });
    expect(expired.context?.exception).toBe('ExpiredJWTTokenException');
  });

  it('takes HTTP Basic only on the routes that accept it', async () => {
    const basic = `Basic ${Buffer.from('ada@example.com:correct horse').toString('base64')}`;
    const token = await authorizeRequest(event('GET', '/accounts/v1/token', basic), lookups, NOW);
    const videos = await authorizeRequest(event('GET', '/videos/v1/projects', basic), lookups, NOW);

    expect(token.context).toMatchObject({ userId: 'user-1', scheme: 'basic' });
    expect(videos.context?.exception).toBe('NoJWTTokenFoundException');
  });

  it('reports a failing account store as AuthException', async () => {
    const token = await issueToken(ada, 'team-1', NOW);
    const broken = { userById: async () => Promise.reject(new Error('down')), userByEmail: async () => undefined };
    const result = await authorizeRequest(event('GET', '/videos/v1/projects', `Bearer ${token}`), broken, NOW);

    expect(result.context?.exception).toBe('AuthException');
  });

  it('carries the message JSON-escaped, so the gateway response template stays valid JSON', async () => {
    const banned = { ...ada, banned: true, bannedReason: 'said "no" \\ twice' };
    const token = await issueToken(banned, 'team-1', NOW);
    const result = await authorizeRequest(
      event('GET', '/videos/v1/projects', `Bearer ${token}`),
      { userById: async () => banned, userByEmail: async () => banned },
      NOW,
    );
    const rendered = `{"exception":"${result.context?.exception}","errorMessage":"${result.context?.errorMessage}"}`;

    expect(JSON.parse(rendered)).toEqual({
      exception: 'UserBannedException',
      errorMessage: 'User user-1 is banned: said "no" \\ twice',
    });
  });
});
