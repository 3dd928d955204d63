import type { AssemblyStack, TemplateResource } from '../../lib/local/assembly';
import { ApiGatewayEmulator, readRestApis } from '../../lib/local/apigateway/emulator';
import type { RawRequest } from '../../lib/local/apigateway/sigv4';
import { StackResolver } from '../../lib/local/intrinsics';
import { LOCAL_RESOURCE_TYPES } from '../../lib/local/services';
import { principalsFor } from '../support/principals';
import {
  signLikeBotocore,
  signLikeRequestsAws4Auth,
  signPathAsSent,
  signWithAws4,
  signWithSdk,
  type Signer,
} from '../support/signers';

const lambdaUri = (functionLogicalId: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:aws:apigateway:',
      { Ref: 'AWS::Region' },
      ':lambda:path/2015-03-31/functions/',
      { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
      '/invocations',
    ],
  ],
});

/** The template pieces of one REST API, as CDK synthesizes them. */
function resource(api: string, parent: string | undefined, pathPart: string): TemplateResource {
  const ParentId = parent ? { Ref: parent } : { 'Fn::GetAtt': [api, 'RootResourceId'] };
  return { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: api }, ParentId, PathPart: pathPart } };
}

function method(
  api: string,
  resourceId: string,
  httpMethod: string,
  auth: 'NONE' | 'AWS_IAM' | { authorizer: string },
): TemplateResource {
  return {
    Type: 'AWS::ApiGateway::Method',
    Properties: {
      RestApiId: { Ref: api },
      ResourceId: { Ref: resourceId },
      HttpMethod: httpMethod,
      AuthorizationType: typeof auth === 'string' ? auth : 'CUSTOM',
      ...(typeof auth === 'string' ? {} : { AuthorizerId: { Ref: auth.authorizer } }),
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: lambdaUri('Fn') },
    },
  };
}

function authorizer(api: string, properties: Record<string, unknown>): TemplateResource {
  return {
    Type: 'AWS::ApiGateway::Authorizer',
    Properties: { RestApiId: { Ref: api }, AuthorizerUri: lambdaUri('AuthFn'), ...properties },
  };
}

const stack: AssemblyStack = {
  id: 'Test',
  stackName: 'Test',
  template: {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      AuthFn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Api: {
        Type: 'AWS::ApiGateway::RestApi',
        Properties: { Name: 'TestApi', BinaryMediaTypes: ['video/*'], ApiKeySourceType: 'AUTHORIZER' },
      },
      Items: resource('Api', undefined, 'items'),
      Item: resource('Api', 'Items', '{id}'),
      Special: resource('Api', 'Items', 'special'),
      Files: resource('Api', undefined, 'files'),
      Proxy: resource('Api', 'Files', '{key+}'),
      Secure: resource('Api', undefined, 'secure'),
      SecureItem: resource('Api', 'Secure', '{id}'),
      Tenant: resource('Api', undefined, 'tenant'),
      Fresh: resource('Api', undefined, 'fresh'),
      GetItem: method('Api', 'Item', 'GET', 'NONE'),
      GetSpecial: method('Api', 'Special', 'GET', 'NONE'),
      PostItems: method('Api', 'Items', 'POST', 'AWS_IAM'),
      AnyFile: method('Api', 'Proxy', 'ANY', 'NONE'),
      GetSecure: method('Api', 'Secure', 'GET', { authorizer: 'TokenAuth' }),
      DeleteSecureItem: method('Api', 'SecureItem', 'DELETE', { authorizer: 'TokenAuth' }),
      GetTenant: method('Api', 'Tenant', 'GET', { authorizer: 'RequestAuth' }),
      GetFresh: method('Api', 'Fresh', 'GET', { authorizer: 'UncachedAuth' }),
      TokenAuth: authorizer('Api', {
        Name: 'Jwt',
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        IdentityValidationExpression: 'Bearer [-0-9a-zA-Z._]+',
        AuthorizerResultTtlInSeconds: 300,
      }),
      RequestAuth: authorizer('Api', {
        Name: 'Tenant',
        Type: 'REQUEST',
        IdentitySource: 'method.request.header.X-Tenant, method.request.querystring.key',
        AuthorizerResultTtlInSeconds: 60,
      }),
      UncachedAuth: authorizer('Api', {
        Name: 'Uncached',
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 0,
      }),
      Stage: {
        Type: 'AWS::ApiGateway::Stage',
        Properties: { RestApiId: { Ref: 'Api' }, StageName: 'v1', Variables: { tier: 'gold' } },
      },

      // A second API that answers in its own error format, as Pixop's does.
      Custom: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'CustomApi' } },
      Jobs: resource('Custom', undefined, 'jobs'),
      GetJobs: method('Custom', 'Jobs', 'GET', { authorizer: 'CustomAuth' }),
      CustomAuth: authorizer('Custom', {
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 0,
      }),
      Unauthorized: {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: {
          RestApiId: { Ref: 'Custom' },
          ResponseType: 'UNAUTHORIZED',
          ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
          ResponseTemplates: {
            'application/json': '{"exception":"Unauthorized","errorMessage":$context.error.messageString}',
          },
        },
      },
      AccessDenied: {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: {
          RestApiId: { Ref: 'Custom' },
          ResponseType: 'ACCESS_DENIED',
          StatusCode: '401',
          ResponseParameters: { 'gatewayresponse.header.X-Request-Id': 'context.requestId' },
          ResponseTemplates: {
            'application/json':
              '{"exception":"$context.authorizer.exception","errorMessage":"$context.authorizer.reason"}',
          },
        },
      },
      Default4xx: {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: {
          RestApiId: { Ref: 'Custom' },
          ResponseType: 'DEFAULT_4XX',
          ResponseTemplates: { 'application/json': '{"exception":"$context.error.responseType"}' },
        },
      },
      CustomStage: {
        Type: 'AWS::ApiGateway::Stage',
        Properties: { RestApiId: { Ref: 'Custom' }, StageName: 'v1' },
      },
    },
  },
};

const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local/secret+key' };
const environment = { region: 'us-east-1', accountId: '000000000000', resourceTypes: LOCAL_RESOURCE_TYPES };

function raw(method: string, target: string, body = '', headers: Array<[string, string]> = []): RawRequest {
  const [rawPath = '/', rawQuery = ''] = target.split('?');
  return { method, rawPath, rawQuery, headers: [['Host', '127.0.0.1'], ...headers], body: Buffer.from(body) };
}

async function signed(signer: Signer, method: string, target: string, body = ''): Promise<RawRequest> {
  const [rawPath = '/', rawQuery = ''] = target.split('?');
  const headers = await signer({
    method,
    host: '127.0.0.1',
    path: rawPath,
    query: rawQuery,
    body,
    headers: { 'content-type': 'application/json' },
    credentials,
  });
  return { method, rawPath, rawQuery, headers: Object.entries(headers), body: Buffer.from(body) };
}

function json(response: { body: Buffer } | undefined): unknown {
  return JSON.parse(response?.body.toString() ?? '');
}

type Policy = { Effect: 'Allow' | 'Deny'; Resource: string | string[] };

function authorizerResult(principalId: string, statements: Policy[], context?: Record<string, unknown>) {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: statements.map((statement) => ({ Action: 'execute-api:Invoke', ...statement })),
    },
    ...(context ? { context } : {}),
  };
}

describe('API Gateway emulator', () => {
  const resolver = new StackResolver(stack, environment);
  const functionArn = resolver.arn('Fn');
  const events: any[] = [];
  const authorizerEvents: any[] = [];
  let clock = 1_000_000;
  let respond: (event: any) => Promise<unknown> = async () => ({ statusCode: 200, body: '{}' });
  let authorize: (event: any) => Promise<unknown> = async () => {
    throw new Error('no authorizer set');
  };
  const gateway = new ApiGatewayEmulator({
    region: 'us-east-1',
    accountId: '000000000000',
    principals: principalsFor(credentials),
    invoke: async (arn, event) => {
      if (arn !== functionArn) {
        authorizerEvents.push(event);
        return authorize(event);
      }
      events.push(event);
      return respond(event);
    },
    integrationTimeoutMs: 200,
    now: () => clock,
  });
  for (const api of readRestApis(resolver)) gateway.register(api);

  beforeEach(() => {
    events.length = 0;
    authorizerEvents.length = 0;
    clock += 3_600_000; // every test starts with an empty authorizer cache
    respond = async () => ({ statusCode: 200, body: '{}' });
  });

  it('builds the v1 proxy event: resource template, decoded path parameters, multi-value query and headers', async () => {
    await gateway.handle(
      raw('GET', '/test-api/v1/items/a%20b?tag=x&tag=y&q=1+2', '', [
        ['X-Multi', 'one'],
        ['X-Multi', 'two'],
      ]),
      '10.0.0.1',
    );

    expect(events[0]).toMatchObject({
      resource: '/items/{id}',
      path: '/items/a b',
      httpMethod: 'GET',
      pathParameters: { id: 'a b' },
      queryStringParameters: { tag: 'y', q: '1+2' },
      multiValueQueryStringParameters: { tag: ['x', 'y'], q: ['1+2'] },
      multiValueHeaders: { 'X-Multi': ['one', 'two'] },
      stageVariables: { tier: 'gold' },
      requestContext: {
        stage: 'v1',
        path: '/test-api/v1/items/a b',
        identity: { sourceIp: '10.0.0.1', userArn: null },
      },
      isBase64Encoded: false,
    });
  });

  it('prefers a literal path part over a parameter, and a greedy parameter takes the rest of the path', async () => {
    await gateway.handle(raw('GET', '/test-api/v1/items/special'), '');
    await gateway.handle(raw('DELETE', '/test-api/v1/files/a/b/c.mp4'), '');

    expect(events[0].resource).toBe('/items/special');
    expect(events[1]).toMatchObject({
      resource: '/files/{key+}',
      pathParameters: { key: 'a/b/c.mp4' },
      httpMethod: 'DELETE',
    });
  });

  it('delivers bodies of binary media types base64-encoded', async () => {
    await gateway.handle(raw('PUT', '/test-api/v1/files/x.mp4', '\u0000\u0001', [['Content-Type', 'video/mp4']]), '');

    expect(events[0]).toMatchObject({ isBase64Encoded: true, body: Buffer.from('\u0000\u0001').toString('base64') });
  });

  it('decodes a base64-encoded function response and keeps its headers', async () => {
    respond = async () => ({
      statusCode: 201,
      headers: { 'X-A': '1' },
      body: Buffer.from('bin').toString('base64'),
      isBase64Encoded: true,
    });

    const response = await gateway.handle(raw('GET', '/test-api/v1/items/1'), '');

    expect(response).toMatchObject({ statusCode: 201, headers: { 'X-A': '1' } });
    expect(response?.body.toString()).toBe('bin');
  });

  it('answers 502 Internal server error when the function throws or returns a malformed response', async () => {
    respond = async () => {
      throw new Error('boom');
    };
    const thrown = await gateway.handle(raw('GET', '/test-api/v1/items/1'), '');
    respond = async () => 'not a proxy response';
    const malformed = await gateway.handle(raw('GET', '/test-api/v1/items/1'), '');

    for (const response of [thrown, malformed]) {
      expect(response?.statusCode).toBe(502);
      expect(json(response)).toEqual({ message: 'Internal server error' });
    }
  });

  it('answers 504 Endpoint request timed out when the integration exceeds its timeout', async () => {
    respond = () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 1000));

    const response = await gateway.handle(raw('GET', '/test-api/v1/items/1'), '');

    expect(response?.statusCode).toBe(504);
    expect(json(response)).toEqual({ message: 'Endpoint request timed out' });
  });

  it('leaves paths of other APIs to the caller', async () => {
    expect(await gateway.handle(raw('GET', '/other-api/v1/items/1'), '')).toBeUndefined();
  });

  describe('empty path segments and trailing slashes', () => {
    it('routes /stage//route to /route; path drops the slashes after the stage, requestContext.path keeps them', async () => {
      const response = await gateway.handle(raw('GET', '/test-api/v1//items/special'), '');

      expect(response?.statusCode).toBe(200);
      expect(events[0]).toMatchObject({
        resource: '/items/special',
        path: '/items/special',
        requestContext: { path: '/test-api/v1//items/special', resourcePath: '/items/special' },
      });
    });

    it('ignores repeated slashes before the API id and the stage', async () => {
      const response = await gateway.handle(raw('GET', '//test-api//v1/items/7'), '');

      expect(response?.statusCode).toBe(200);
      expect(events[0]).toMatchObject({ resource: '/items/{id}', pathParameters: { id: '7' } });
    });

    it('routes an inner empty segment and a trailing slash, which stay in path but not in the parameter', async () => {
      await gateway.handle(raw('GET', '/test-api/v1/items//7/'), '');

      expect(events[0]).toMatchObject({
        resource: '/items/{id}',
        path: '/items//7/',
        pathParameters: { id: '7' },
        requestContext: { path: '/test-api/v1/items//7/' },
      });
    });

    it('gives a greedy parameter the rest as sent, inner empty segments kept, outer slashes dropped', async () => {
      await gateway.handle(raw('GET', '/test-api/v1/files//a//b.mp4/'), '');

      expect(events[0]).toMatchObject({
        resource: '/files/{key+}',
        path: '/files//a//b.mp4/',
        pathParameters: { key: 'a//b.mp4' },
      });
    });

    it('answers Missing Authentication Token where only slashes would fill a parameter', async () => {
      const emptyId = await gateway.handle(raw('GET', '/test-api/v1/items//'), '');
      const emptyKey = await gateway.handle(raw('GET', '/test-api/v1/files/'), '');

      for (const response of [emptyId, emptyKey]) {
        expect(response?.statusCode).toBe(403);
        expect(json(response)).toEqual({ message: 'Missing Authentication Token' });
      }
      expect(events).toHaveLength(0);
    });

    it.each([
      ['aws4', signWithAws4],
      ['the AWS SDK v3 signer', signWithSdk],
      ["Python's requests_aws4auth (reproduced)", signLikeRequestsAws4Auth],
      ['botocore (reproduced; the AWS CLI and boto3)', signLikeBotocore],
      ['a signer that signs the path as sent', signPathAsSent],
    ])('verifies a SigV4 request to /stage//route signed by %s', async (_name, signer) => {
      const request = await signed(signer, 'POST', '/test-api/v1//items', '{"a":1}');

      const response = await gateway.handle(request, '');

      expect(response?.statusCode).toBe(200);
      expect(events[0]).toMatchObject({
        resource: '/items',
        path: '/items',
        requestContext: { path: '/test-api/v1//items' },
      });
      expect(events[0].requestContext.identity).toMatchObject({
        accessKey: credentials.accessKeyId,
        caller: 'AIDATESTUSER',
        userArn: 'arn:aws:iam::000000000000:user/test',
      });
    });

    it('still rejects a //-path request whose body changed after signing', async () => {
      const request = await signed(signLikeRequestsAws4Auth, 'POST', '/test-api/v1//items', '{"a":1}');

      const response = await gateway.handle({ ...request, body: Buffer.from('{"a":2}') }, '');

      expect(response?.statusCode).toBe(403);
      expect(response?.headers['x-amzn-ErrorType']).toBe('InvalidSignatureException');
      expect(events).toHaveLength(0);
    });
  });

  describe('Lambda authorizers', () => {
    const methodArn = (verbAndPath: string) => `arn:aws:execute-api:us-east-1:000000000000:test-api/v1/${verbAndPath}`;
    const bearer = (token: string): Array<[string, string]> => [['Authorization', `Bearer ${token}`]];

    it('calls a TOKEN authorizer with the token and method ARN and passes principal and context on as strings', async () => {
      authorize = async () =>
        authorizerResult('user-1', [{ Effect: 'Allow', Resource: methodArn('GET/secure') }], {
          tenant: 'acme',
          admin: true,
          quota: 5,
        });

      const response = await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('abc.def')), '');

      expect(response?.statusCode).toBe(200);
      expect(authorizerEvents).toEqual([
        { type: 'TOKEN', authorizationToken: 'Bearer abc.def', methodArn: methodArn('GET/secure') },
      ]);
      expect(events[0].requestContext.authorizer).toEqual({
        principalId: 'user-1',
        tenant: 'acme',
        admin: 'true',
        quota: '5',
        integrationLatency: expect.any(Number),
      });
    });

    it('answers 401 Unauthorized without calling the authorizer when the token is missing or fails validation', async () => {
      authorize = async () => authorizerResult('user-1', [{ Effect: 'Allow', Resource: '*' }]);

      const missing = await gateway.handle(raw('GET', '/test-api/v1/secure'), '');
      const empty = await gateway.handle(raw('GET', '/test-api/v1/secure', '', [['Authorization', '']]), '');
      const malformed = await gateway.handle(raw('GET', '/test-api/v1/secure', '', [['Authorization', 'abc']]), '');

      for (const response of [missing, empty, malformed]) {
        expect(response?.statusCode).toBe(401);
        expect(json(response)).toEqual({ message: 'Unauthorized' });
        expect(response?.headers['x-amzn-ErrorType']).toBe('UnauthorizedException');
      }
      expect(authorizerEvents).toHaveLength(0);
      expect(events).toHaveLength(0);
    });

    it('answers 401 when the authorizer fails with "Unauthorized"', async () => {
      authorize = async () => {
        throw new Error('Unauthorized');
      };

      const response = await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('x')), '');

      expect(response?.statusCode).toBe(401);
      expect(json(response)).toEqual({ message: 'Unauthorized' });
      expect(events).toHaveLength(0);
    });

    it('answers 403 with the explicit-deny message when the policy denies the method', async () => {
      authorize = async () => authorizerResult('user-1', [{ Effect: 'Deny', Resource: methodArn('*') }]);

      const response = await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('x')), '');

      expect(response?.statusCode).toBe(403);
      expect(json(response)).toEqual({
        Message: 'User is not authorized to access this resource with an explicit deny',
      });
      expect(response?.headers['x-amzn-ErrorType']).toBe('AccessDeniedException');
      expect(events).toHaveLength(0);
    });

    it('answers 403 when no statement allows the method (implicit deny)', async () => {
      authorize = async () => authorizerResult('user-1', [{ Effect: 'Allow', Resource: methodArn('POST/secure') }]);

      const response = await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('x')), '');

      expect(response?.statusCode).toBe(403);
      expect(json(response)).toEqual({ Message: 'User is not authorized to access this resource' });
    });

    it.each([
      ['throws another error', async () => Promise.reject(new Error('jwks unreachable'))],
      ['returns no policy', async () => ({ principalId: 'user-1' })],
      ['returns no principal', async () => ({ policyDocument: { Statement: [] } })],
      [
        'returns a nested context value',
        async () => authorizerResult('u', [{ Effect: 'Allow', Resource: '*' }], { roles: ['admin'] }),
      ],
      ['returns a statement without Effect', async () => ({ principalId: 'u', policyDocument: { Statement: [{}] } })],
    ])('answers 500 {"message": null} AuthorizerConfigurationException when the authorizer %s', async (_case, fn) => {
      authorize = fn;
      const log = jest.spyOn(console, 'error').mockImplementation(() => {});

      const response = await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('x')), '');

      log.mockRestore();
      expect(response?.statusCode).toBe(500);
      expect(response?.body.toString()).toBe('{"message":null}');
      expect(response?.headers['x-amzn-ErrorType']).toBe('AuthorizerConfigurationException');
      expect(events).toHaveLength(0);
    });

    it("caches a TOKEN authorizer's policy by token and evaluates it against each method (wildcards included)", async () => {
      authorize = async () =>
        authorizerResult('user-1', [
          { Effect: 'Allow', Resource: 'arn:aws:execute-api:*:*:test-api/v1/*' },
          { Effect: 'Deny', Resource: methodArn('DELETE/secure/locked-?') },
        ]);

      const get = await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('t1')), '');
      const remove = await gateway.handle(raw('DELETE', '/test-api/v1/secure/open', '', bearer('t1')), '');
      const locked = await gateway.handle(raw('DELETE', '/test-api/v1/secure/locked-1', '', bearer('t1')), '');
      const otherToken = await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('t2')), '');

      expect([get, remove, locked, otherToken].map((response) => response?.statusCode)).toEqual([200, 200, 403, 200]);
      expect(authorizerEvents.map((event) => event.authorizationToken)).toEqual(['Bearer t1', 'Bearer t2']);
      expect(events[1].requestContext.authorizer.integrationLatency).toBe(0);
    });

    it('calls the authorizer again once AuthorizerResultTtlInSeconds has passed, and every time with a TTL of 0', async () => {
      authorize = async () => authorizerResult('user-1', [{ Effect: 'Allow', Resource: '*' }]);

      await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('t')), '');
      clock += 299_000;
      await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('t')), '');
      clock += 2_000;
      await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('t')), '');
      await gateway.handle(raw('GET', '/test-api/v1/fresh', '', bearer('t')), '');
      await gateway.handle(raw('GET', '/test-api/v1/fresh', '', bearer('t')), '');

      expect(authorizerEvents).toHaveLength(4);
    });

    it('calls a REQUEST authorizer with the request, keyed in its cache by every identity source', async () => {
      authorize = async (event) =>
        authorizerResult(String(event.headers['X-Tenant']), [{ Effect: 'Allow', Resource: '*' }]);
      const tenant = (name: string): Array<[string, string]> => [['X-Tenant', name]];

      await gateway.handle(raw('GET', '/test-api/v1/tenant?key=k1', '', tenant('acme')), '1.2.3.4');
      await gateway.handle(raw('GET', '/test-api/v1/tenant?key=k1', '', tenant('acme')), '1.2.3.4');
      await gateway.handle(raw('GET', '/test-api/v1/tenant?key=k2', '', tenant('acme')), '1.2.3.4');
      const missingKey = await gateway.handle(raw('GET', '/test-api/v1/tenant', '', tenant('acme')), '');

      expect(authorizerEvents).toHaveLength(2);
      expect(authorizerEvents[0]).toMatchObject({
        type: 'REQUEST',
        methodArn: methodArn('GET/tenant'),
        resource: '/tenant',
        path: '/tenant',
        httpMethod: 'GET',
        headers: { 'X-Tenant': 'acme' },
        queryStringParameters: { key: 'k1' },
        stageVariables: { tier: 'gold' },
        requestContext: { stage: 'v1', identity: { sourceIp: '1.2.3.4' } },
      });
      expect(authorizerEvents[0]).not.toHaveProperty('body');
      expect(events[0].requestContext.authorizer.principalId).toBe('acme');
      expect(missingKey?.statusCode).toBe(401);
    });

    it("makes the authorizer's usageIdentifierKey the caller's API key where the API's key source is AUTHORIZER", async () => {
      authorize = async () => ({
        ...authorizerResult('user-1', [{ Effect: 'Allow', Resource: '*' }]),
        usageIdentifierKey: 'key-123',
      });

      await gateway.handle(raw('GET', '/test-api/v1/secure', '', bearer('k')), '');

      expect(events[0].requestContext.identity.apiKey).toBe('key-123');
    });
  });

  describe('gateway responses of the template', () => {
    const jobs = (headers: Array<[string, string]> = []) => raw('GET', '/custom-api/v1/jobs', '', headers);

    it("renders the API's UNAUTHORIZED response with its headers and $context.error.messageString", async () => {
      const response = await gateway.handle(jobs(), '');

      expect(response?.statusCode).toBe(401);
      expect(json(response)).toEqual({ exception: 'Unauthorized', errorMessage: 'Unauthorized' });
      expect(response?.headers).toMatchObject({
        'Access-Control-Allow-Origin': '*',
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'UnauthorizedException',
      });
    });

    it("renders ACCESS_DENIED with the status code it sets and the Deny's $context.authorizer values", async () => {
      authorize = async () =>
        authorizerResult('user-1', [{ Effect: 'Deny', Resource: '*' }], {
          exception: 'TokenExpired',
          reason: 'The token has expired',
        });

      const response = await gateway.handle(jobs([['Authorization', 'old']]), '');

      expect(response?.statusCode).toBe(401);
      expect(json(response)).toEqual({ exception: 'TokenExpired', errorMessage: 'The token has expired' });
      expect(response?.headers['X-Request-Id']).toBe(response?.headers['x-amzn-RequestId']);
    });

    it('falls back to DEFAULT_4XX for a 4xx type the API does not customize', async () => {
      const response = await gateway.handle(raw('GET', '/custom-api/v1/nothing-here'), '');

      expect(response?.statusCode).toBe(403);
      expect(json(response)).toEqual({ exception: 'MISSING_AUTHENTICATION_TOKEN' });
    });
  });

  describe('templates local mode cannot serve', () => {
    const withResource = (name: string, extra: TemplateResource) =>
      new StackResolver(
        { ...stack, template: { Resources: { ...stack.template.Resources, [name]: extra } } },
        environment,
      );

    it('refuses a Cognito authorizer at start-up, naming the resource', () => {
      const resolver = withResource(
        'Cognito',
        authorizer('Api', { Type: 'COGNITO_USER_POOLS', ProviderARNs: ['arn:aws:cognito-idp:pool'] }),
      );

      expect(() => readRestApis(resolver)).toThrow('Test/Cognito: local mode runs Lambda authorizers');
    });

    it('refuses a gateway response template with VTL directives at start-up', () => {
      const resolver = withResource('Vtl', {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ResponseType: 'DEFAULT_5XX',
          ResponseTemplates: { 'application/json': '#if($context.error.message)x#end' },
        },
      });

      expect(() => readRestApis(resolver)).toThrow('Test/Vtl: local mode renders gateway response templates');
    });
  });
});
