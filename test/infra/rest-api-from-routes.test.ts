import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RestApiFromRoutes } from '../../lib/constructs/rest-api-from-routes';
import { authorizedApiStack } from '../support/authorized-api-stack';

describe('RestApiFromRoutes', () => {
  // The stack's first API (`Api`, with gateway responses); `DefaultsApi` repeats its routes.
  const { stack, api } = authorizedApiStack(new App());
  const template = Template.fromStack(stack);
  const restApiId = { Ref: stack.getLogicalId(api.api.node.defaultChild as CfnElement) };
  const methodOf = (httpMethod: string, pathPart: string) => {
    const resources = template.findResources('AWS::ApiGateway::Resource', {
      Properties: { PathPart: pathPart, RestApiId: restApiId },
    });
    const [resourceId] = Object.keys(resources);
    const methods = template.findResources('AWS::ApiGateway::Method', {
      Properties: { HttpMethod: httpMethod, ResourceId: { Ref: resourceId } },
    });
    return Object.values(methods)[0]?.Properties as Record<string, any>;
  };

  it('lets API Gateway invoke the handler through one permission for the whole API, not two per method', () => {
    const permissions = Object.values(
      template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'apigateway.amazonaws.com' } }),
    ).filter((permission) => JSON.stringify(permission.Properties.SourceArn).includes(restApiId.Ref));
    const handlerInvokes = permissions.filter(
      (permission) => !JSON.stringify(permission.Properties.FunctionName).includes('Authorizer'),
    );
    expect(handlerInvokes).toHaveLength(1);
    expect(JSON.stringify(handlerInvokes[0]!.Properties.SourceArn)).toContain('/*/*/*');
  });

  it('makes a bare function a TOKEN authorizer on the Authorization header with the default 300 s cache', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('uses an authorizer construct as given, and creates each authorizer once however many routes name it', () => {
    const authorizers = template.findResources('AWS::ApiGateway::Authorizer', { Properties: { RestApiId: restApiId } });
    expect(Object.keys(authorizers)).toHaveLength(2);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.X-Tenant,method.request.querystring.plan',
      AuthorizerResultTtlInSeconds: 60,
    });
    expect(methodOf('GET', 'jobs').AuthorizerId).toEqual(methodOf('DELETE', '{id}').AuthorizerId);
  });

  it('gives each route its authorization: CUSTOM with the authorizer, AWS_IAM, or NONE', () => {
    expect(methodOf('GET', 'jobs')).toMatchObject({
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: expect.stringMatching(/^ApiAuthorizerJwt/) },
    });
    expect(methodOf('GET', '{tenant}')).toMatchObject({ AuthorizationType: 'CUSTOM' });
    expect(methodOf('GET', 'signed')).toMatchObject({ AuthorizationType: 'AWS_IAM' });
    expect(methodOf('GET', 'public').AuthorizationType).toBe('NONE');
    expect(methodOf('GET', 'public').AuthorizerId).toBeUndefined();
    expect(methodOf('OPTIONS', 'jobs').AuthorizationType).toBe('NONE');
  });

  it("adds the API's gateway responses with their templates and headers", () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      ResponseTemplates: {
        'application/json': '{"exception":"Unauthorized","errorMessage":$context.error.messageString}',
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'ACCESS_DENIED',
      ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
    });
  });

  it('refuses a route that names an authorizer it was not given', () => {
    const scope = new Stack(new App(), 'Invalid');
    const handler = new lambda.Function(scope, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    });

    expect(
      () =>
        new RestApiFromRoutes(scope, 'Api', {
          restApiName: 'Invalid',
          stageName: 'v1',
          handler,
          routes: [{ method: 'GET', path: '/x', auth: { authorizer: 'jwt' } }],
        }),
    ).toThrow('Route GET /x names an authorizer that is not in authorizers: jwt');
  });

  it('reports no cdk-nag finding on the API, its authorizers or gateway responses', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rest-api-nag-')) });
    authorizedApiStack(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

    // The fixture's plain functions have findings of their own (managed policy, runtime); the construct must not.
    try {
      app.synth({ force: true });
    } catch {
      // The report below lists what failed.
    }
    const reportFile = path.join(app.outdir, 'validation-report.json');
    const report = fs.existsSync(reportFile)
      ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as {
          pluginReports: Array<{
            violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }>;
          }>;
        })
      : { pluginReports: [] };
    fs.rmSync(app.outdir, { recursive: true, force: true });
    const findings = report.pluginReports
      .flatMap((plugin) => plugin.violations)
      .flatMap((violation) =>
        violation.violatingConstructs.map((construct) => `${violation.ruleName} ${construct.constructPath}`),
      )
      .filter((finding) => /AuthorizedApi\/(Defaults)?(Api|TenantAuthorizer)\//.test(finding));

    expect(findings).toEqual([]);
  });
});
