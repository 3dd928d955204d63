import * as http from 'node:http';
import { rawRequest, readBody } from '../http-request';
import { closeServer, listen } from '../protocol/endpoint';
import type { LambdaService } from '../lambda/module';
import type { LocalService, LocalServiceModule } from '../service-module';
import { ApiGatewayEmulator, gatewayError, MAX_REQUEST_BYTES, readRestApis, type GatewayResponse } from './emulator';

const EXECUTE_API_URL = /^https:\/\/([^.]+)\.execute-api\.[^./]+\.amazonaws\.com\//;

/**
 * API Gateway (REST APIs): every API of the templates at `http://127.0.0.1:<port>/<api id>/<stage>/…`, with its
 * resources, methods, authorization and Lambda proxy integrations, behind the emulator (route matching, SigV4 for
 * `AWS_IAM` methods, Lambda authorizers, API Gateway's limits and its own answers with the API's gateway
 * responses). Its port is `MEDIAPLANE_PORT`, the first of all.
 */
export const apiGatewayModule: LocalServiceModule = {
  name: 'apigateway',
  listens: true,
  outputKey: 'Endpoint',
  resourceTypes: {
    'AWS::ApiGateway::RestApi': {
      // The API id, which local mode puts in the path where API Gateway puts it in the host name.
      physicalId: ({ explicit, generated }) => slug(explicit('Name') ?? generated),
      attributes: { RootResourceId: ({ name }) => `${name}-root` },
    },
    'AWS::ApiGateway::Resource': {},
    'AWS::ApiGateway::Method': {},
    'AWS::ApiGateway::Deployment': {},
    'AWS::ApiGateway::Stage': { physicalId: ({ explicit, logicalId }) => explicit('StageName') ?? logicalId },
    'AWS::ApiGateway::RequestValidator': {},
    'AWS::ApiGateway::Authorizer': {},
    'AWS::ApiGateway::GatewayResponse': {},
    'AWS::ApiGateway::Account': {},
  },
  async start({ cloud, port }): Promise<LocalService> {
    const gateway = new ApiGatewayEmulator({
      region: cloud.region,
      accountId: cloud.accountId,
      principals: cloud.principals,
      invoke: (arn, event) => cloud.service<LambdaService>('lambda').invoke(arn, event),
    });
    const server = http.createServer((request, response) => {
      void serve(gateway, request, response);
    });
    const endpoint = await listen(server, port);
    return {
      endpoint,
      deployed(stacks) {
        for (const resolver of stacks) for (const api of readRestApis(resolver)) gateway.register(api);
      },
      rewriteOutput: (value) => value.replace(EXECUTE_API_URL, `${endpoint}/$1/`),
      close: () => closeServer(server),
    };
  },
};

async function serve(gateway: ApiGatewayEmulator, request: http.IncomingMessage, response: http.ServerResponse) {
  let result: GatewayResponse;
  try {
    const body = await readBody(request, MAX_REQUEST_BYTES);
    const raw = body === undefined ? undefined : rawRequest(request, body);
    if (raw === undefined) {
      result = gatewayError(413, 'RequestTooLongException', 'Request Too Long');
    } else if (raw.rawPath === '/_mediaplane/health') {
      result = {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from('{"status":"ok"}'),
      };
    } else {
      result =
        (await gateway.handle(raw, request.socket.remoteAddress ?? '127.0.0.1')) ??
        gatewayError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
  } catch (error) {
    console.error('Local gateway error', error);
    result = gatewayError(500, undefined, 'Internal server error');
  }
  // A HEAD answer has no body but may state the length a GET would send.
  const headLength = request.method === 'HEAD' ? headerOf(result.headers, 'content-length') : undefined;
  response.writeHead(result.statusCode, {
    ...result.headers,
    'Content-Length': headLength ?? String(result.body.length),
  });
  response.end(result.body);
}

function headerOf(headers: GatewayResponse['headers'], name: string): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return entry === undefined ? undefined : String(entry[1]);
}

function slug(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
