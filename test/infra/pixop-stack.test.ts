import { Match } from 'aws-cdk-lib/assertions';
import { PIXOP_ROUTES } from '../../lambdas/pixop/routes';
import { VIDEOS_TABLE } from '../../lambdas/pixop/tables/videos';
import { defaultStackName, defaultTemplate, localModeTemplate } from '../support/app';

describe('Pixop stack', () => {
  const template = defaultTemplate('Pixop');
  const functions = template.findResources('AWS::Lambda::Function');
  const described = (prefix: string) =>
    Object.values(functions).filter((fn) => String(fn.Properties.Description ?? '').startsWith(prefix));

  it('is named Pixop and publishes the API root and each service root', () => {
    const outputs = template.findOutputs('*');

    expect(defaultStackName('Pixop')).toBe('Pixop');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['ApiEndpoint', 'AccountsApiEndpoint', 'VideosApiEndpoint', 'MediaApiEndpoint']),
    );
    expect(JSON.stringify(outputs.VideosApiEndpoint?.Value)).toContain('/videos');
    expect(outputs).not.toHaveProperty('DemoUserFile');
  });

  it('routes every Pixop path to one function behind Pixop’s own uncached REQUEST authorizer, none open', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const authorizers = Object.entries(template.findResources('AWS::ApiGateway::Authorizer'));

    expect(methods).toHaveLength(PIXOP_ROUTES.length);
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 0,
    });
    for (const method of methods) {
      expect(method.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    }
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'PixopApi', BinaryMediaTypes: ['*/*'] });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'api' });
  });

  it('answers a refused token or password in Pixop’s error shape with 401, the exception named by the authorizer', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'ACCESS_DENIED',
      StatusCode: '401',
      ResponseTemplates: {
        'application/json':
          '{"exception":"$context.authorizer.exception","errorMessage":"$context.authorizer.errorMessage"}',
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"exception":"NoJWTTokenFoundException"') },
    });
  });

  it('runs ffmpeg work on x86-64 media functions sized for long jobs, never in the API function', () => {
    const media = [...described('Pixop ingestion'), ...described('Pixop processing')];
    const [api] = described('Pixop Video Processing API');

    expect(media).toHaveLength(4);
    for (const fn of media) {
      expect(fn.Properties).toMatchObject({
        Timeout: 900,
        MemorySize: 3008,
        EphemeralStorage: { Size: 10240 },
        Architectures: ['x86_64'],
      });
    }
    expect(api?.Properties.Timeout).toBeLessThanOrEqual(30);
  });

  it('loads both state machines from statemachines/ with the media functions substituted in', () => {
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const substitutions = machines.map((machine) => Object.keys(machine.Properties.DefinitionSubstitutions).sort());

    expect(substitutions).toEqual(
      expect.arrayContaining([
        ['AssessFunctionArn', 'ProbeFunctionArn', 'RecordFailureFunctionArn'],
        ['EncodeSegmentFunctionArn', 'JoinFunctionArn', 'RecordFailureFunctionArn'],
      ]),
    );
    template.hasParameter('MaxParallelSegments', { Type: 'Number', Default: 16 });
  });

  it('keeps videos in a table with team, project and parent indexes, and media in a private bucket', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: Match.arrayWith(
        Object.values(VIDEOS_TABLE.indexes).map((index) => Match.objectLike({ IndexName: index.indexName })),
      ),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'work/', ExpirationInDays: 2 })]) },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'detail-type': ['Object Created'] }),
    });
  });

  it('adds the demo user only when synthesized for local mode', () => {
    const local = localModeTemplate('Pixop');

    local.resourceCountIs('Custom::PixopDemoUser', 1);
    template.resourceCountIs('Custom::PixopDemoUser', 0);
  });
});
