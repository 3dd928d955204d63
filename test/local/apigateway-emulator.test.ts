import { LOCAL_RESOURCE_TYPES } from '../../lib/local/services';
import { principalsFor } from '../support/principals';
import type { AssemblyStack } from '../../lib/local/assembly';
import { ApiGatewayEmulator, readRestApis } from '../../lib/local/apigateway/emulator';
import type { RawRequest } from '../../lib/local/apigateway/sigv4';
import { StackResolver } from '../../lib/local/intrinsics';

const functionArn = { 'Fn::GetAtt': ['Fn', 'Arn'] };
const integration = {
  Type: 'AWS_PROXY',
  Uri: {
    'Fn::Join': [
      '',
      [
        'arn:aws:apigateway:',
        { Ref: 'AWS::Region' },
        ':lambda:path/2015-03-31/functions/',
        functionArn,
        '/invocations',
      ],
    ],
  },
};
const stack: AssemblyStack = {
  id: 'Test',
  stackName: 'Test',
  template: {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'TestApi', BinaryMediaTypes: ['video/*'] } },
      Items: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
          PathPart: 'items',
        },
      },
      Item: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { RestApiId: { Ref: 'Api' }, ParentId: { Ref: 'Items' }, PathPart: '{id}' },
      },
      Special: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { RestApiId: { Ref: 'Api' }, ParentId: { Ref: 'Items' }, PathPart: 'special' },
      },
      Files: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
          PathPart: 'files',
        },
      },
      Proxy: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { RestApiId: { Ref: 'Api' }, ParentId: { Ref: 'Files' }, PathPart: '{key+}' },
      },
      GetItem: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ResourceId: { Ref: 'Item' },
          HttpMethod: 'GET',
          AuthorizationType: 'NONE',
          Integration: integration,
        },
      },
      GetSpecial: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ResourceId: { Ref: 'Special' },
          HttpMethod: 'GET',
          AuthorizationType: 'NONE',
          Integration: integration,
        },
      },
      AnyFile: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ResourceId: { Ref: 'Proxy' },
          HttpMethod: 'ANY',
          AuthorizationType: 'NONE',
          Integration: integration,
        },
      },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'v1' } },
    },
  },
};

function raw(method: string, target: string, body = '', headers: Array<[string, string]> = []): RawRequest {
  const [rawPath = '/', rawQuery = ''] = target.split('?');
  return { method, rawPath, rawQuery, headers: [['Host', '127.0.0.1'], ...headers], body: Buffer.from(body) };
}

describe('API Gateway emulator', () => {
  const resolver = new StackResolver(stack, {
    region: 'us-east-1',
    accountId: '000000000000',
    resourceTypes: LOCAL_RESOURCE_TYPES,
  });
  const events: any[] = [];
  let respond: (event: any) => Promise<unknown> = async () => ({ statusCode: 200, body: '{}' });
  const gateway = new ApiGatewayEmulator({
    region: 'us-east-1',
    accountId: '0',
    principals: principalsFor({ accessKeyId: 'AK', secretAccessKey: 'SK' }),
    invoke: async (_arn, event) => {
      events.push(event);
      return respond(event);
    },
    integrationTimeoutMs: 200,
  });
  for (const api of readRestApis(resolver)) gateway.register(api);

  beforeEach(() => {
    events.length = 0;
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
      expect(JSON.parse(response?.body.toString() ?? '')).toEqual({ message: 'Internal server error' });
    }
  });

  it('answers 504 Endpoint request timed out when the integration exceeds its timeout', async () => {
    respond = () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 1000));

    const response = await gateway.handle(raw('GET', '/test-api/v1/items/1'), '');

    expect(response?.statusCode).toBe(504);
    expect(JSON.parse(response?.body.toString() ?? '')).toEqual({ message: 'Endpoint request timed out' });
  });

  it('leaves paths of other APIs to the caller', async () => {
    expect(await gateway.handle(raw('GET', '/other-api/v1/items/1'), '')).toBeUndefined();
  });
});
