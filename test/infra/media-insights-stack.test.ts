import { Match } from 'aws-cdk-lib/assertions';
import { DATAPLANE_ROUTES } from '../../lambdas/media-insights/dataplane/routes';
import { defaultStackName, defaultTemplate, testApp } from '../support/app';

describe('MediaInsights stack', () => {
  const template = defaultTemplate('MediaInsights');

  it('is named MediaInsights, or <prefix>-MediaInsights with the prefix context', () => {
    const prefixed = testApp({ prefix: 'dev' }, { nag: false });

    expect(defaultStackName('MediaInsights')).toBe('MediaInsights');
    expect(prefixed.stacks.mediaInsights.stackName).toBe('dev-MediaInsights');
  });

  it('rejects a prefix that is not a valid stack name start', () => {
    expect(() => testApp({ prefix: '1 bad' }, { nag: false })).toThrow(/Context "prefix"/);
  });

  it('exposes the original output keys DataplaneApiEndpoint and DataplaneBucket', () => {
    const outputs = template.findOutputs('*');

    expect(userOutputs(outputs)).toEqual([
      'AlarmTopicArn',
      'DataplaneApiEndpoint',
      'DataplaneBucket',
      'WorkflowApiEndpoint',
    ]);
    const parts = outputs.DataplaneApiEndpoint?.Value['Fn::Join'][1] as unknown[];
    const stageRef = (parts.at(-2) as { Ref: string }).Ref;
    expect(parts.at(-1)).toBe('/');
    expect(template.findResources('AWS::ApiGateway::Stage')[stageRef]?.Properties.StageName).toBe('api');
  });

  it('deploys the data plane API to the stage "api"', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'api',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  /** The methods of one REST API, by the logical id prefix of its construct path. */
  const methodsOf = (apiPrefix: string) =>
    Object.fromEntries(
      Object.entries(template.findResources('AWS::ApiGateway::Method')).filter(([, method]) =>
        String(method.Properties.RestApiId.Ref).startsWith(apiPrefix),
      ),
    );

  it('requires SigV4 on every data plane method except GET / and CORS preflights', () => {
    const methods = methodsOf('DataplaneApi');
    const unauthenticated = Object.values(methods)
      .filter((method) => method.Properties.AuthorizationType !== 'AWS_IAM')
      .map((method) => method.Properties.HttpMethod as string);

    expect(unauthenticated.filter((verb) => verb !== 'OPTIONS')).toEqual(['GET']);
    const iamMethods = Object.values(methods).filter((m) => m.Properties.AuthorizationType === 'AWS_IAM');
    expect(iamMethods).toHaveLength(DATAPLANE_ROUTES.filter((route) => route.auth === 'iam').length);
  });

  it('creates one API method per listed data plane route', () => {
    const methods = Object.values(methodsOf('DataplaneApi')).filter(
      (method) => method.Properties.HttpMethod !== 'OPTIONS',
    );

    expect(methods).toHaveLength(DATAPLANE_ROUTES.length);
  });

  it('runs the handler on nodejs22.x arm64 with the data plane environment and tracing', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          DATAPLANE_TABLE_NAME: Match.anyValue(),
          DATAPLANE_LOCK_TABLE_NAME: Match.anyValue(),
          DATAPLANE_BUCKET: Match.anyValue(),
          FRAMEWORK_VERSION: Match.stringLikeRegexp('^v\\d+\\.\\d+\\.\\d+$'),
        }),
      },
    });
  });

  it('keeps assets in on-demand tables keyed by AssetId with point-in-time recovery', () => {
    const tables = Object.fromEntries(
      Object.entries(template.findResources('AWS::DynamoDB::Table')).filter(([id]) => id.startsWith('Dataplane')),
    );

    expect(Object.keys(tables)).toHaveLength(2);
    for (const table of Object.values(tables)) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'AssetId', KeyType: 'HASH' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it('keeps the dataplane bucket private, encrypted, TLS-only and retained on stack deletion', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'dataplane/' }),
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('gives functions a role that writes only to their own log group (no AWSLambdaBasicExecutionRole)', () => {
    const roles = template.findResources('AWS::IAM::Role');

    for (const role of Object.values(roles)) {
      expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
    }
  });
});

/** The stack's own outputs, without the exports CDK adds for the stacks that reference it (KvsConsumer). */
function userOutputs(outputs: Record<string, { Export?: unknown }>): string[] {
  return Object.keys(outputs)
    .filter((key) => outputs[key]?.Export === undefined)
    .sort();
}
