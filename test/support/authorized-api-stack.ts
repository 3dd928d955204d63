import * as path from 'node:path';
import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RestApiFromRoutes, type RouteSpec } from '../../lib/constructs/rest-api-from-routes';

/** The routes of the test API: one of each kind of authorization. */
export const AUTHORIZED_API_ROUTES = [
  { method: 'GET', path: '/public', auth: 'none' },
  { method: 'GET', path: '/signed', auth: 'iam' },
  { method: 'GET', path: '/jobs', auth: { authorizer: 'jwt' }, cors: true },
  { method: 'DELETE', path: '/jobs/{id}', auth: { authorizer: 'jwt' } },
  { method: 'GET', path: '/tenants/{tenant}', auth: { authorizer: 'tenant' } },
] as const satisfies readonly RouteSpec[];

/**
 * A stack with two REST APIs whose routes use SigV4, no auth, a TOKEN authorizer (given as a bare function) and a
 * REQUEST authorizer (given as a construct). `Api` has Pixop-style gateway responses: the shape a backend with its
 * own token auth deploys; `DefaultsApi` has the same routes and authorizer functions and keeps API Gateway's default
 * answers. Functions are plain JavaScript from `fixtures/authorized-api`, so no bundling is needed.
 */
export function authorizedApiStack(app: App): { stack: Stack; api: RestApiFromRoutes; defaults: RestApiFromRoutes } {
  const stack = new Stack(app, 'AuthorizedApi');
  const code = lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'authorized-api'));
  const fn = (id: string, handler: string) =>
    new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler, code });
  const handler = fn('Handler', 'index.echo');
  const tokenAuthorizer = fn('TokenAuthorizerFunction', 'index.token');
  const requestAuthorizer = fn('RequestAuthorizerFunction', 'index.request');
  // An authorizer construct belongs to one REST API; each API gets its own over the same function.
  const tenantAuthorizer = (id: string) =>
    new apigateway.RequestAuthorizer(stack, id, {
      handler: requestAuthorizer,
      identitySources: [apigateway.IdentitySource.header('X-Tenant'), apigateway.IdentitySource.queryString('plan')],
      resultsCacheTtl: Duration.minutes(1),
    });

  const errorBody = (exception: string, message: string) => `{"exception":"${exception}","errorMessage":${message}}`;
  const api = new RestApiFromRoutes(stack, 'Api', {
    restApiName: 'AuthorizedApi',
    stageName: 'v1',
    routes: AUTHORIZED_API_ROUTES,
    handler,
    authorizers: { jwt: tokenAuthorizer, tenant: tenantAuthorizer('TenantAuthorizer') },
    gatewayResponses: [
      {
        type: apigateway.ResponseType.UNAUTHORIZED,
        templates: { 'application/json': errorBody('Unauthorized', '$context.error.messageString') },
      },
      {
        type: apigateway.ResponseType.ACCESS_DENIED,
        responseHeaders: { 'Access-Control-Allow-Origin': "'*'" },
        templates: {
          'application/json': errorBody('$context.authorizer.exception', '"$context.authorizer.reason"'),
        },
      },
    ],
  });
  const defaults = new RestApiFromRoutes(stack, 'DefaultsApi', {
    restApiName: 'AuthorizedDefaultsApi',
    stageName: 'v1',
    routes: AUTHORIZED_API_ROUTES,
    handler,
    authorizers: { jwt: tokenAuthorizer, tenant: tenantAuthorizer('DefaultsTenantAuthorizer') },
  });
  new CfnOutput(stack, 'ApiEndpoint', { value: api.url });
  new CfnOutput(stack, 'DefaultsApiEndpoint', { value: defaults.url });
  return { stack, api, defaults };
}
