import { Match, Template } from 'aws-cdk-lib/assertions';
import { M2A_ROUTES } from '../../lambdas/m2a-mediapackage/routes';
import { testApp } from '../support/app';

describe('M2aMediapackage stack', () => {
  const { stacks } = testApp(
    {
      m2aCallbackAllowedHosts: '127.0.0.1,receiver.test:8443',
      m2aPermissions: { 'arn:aws:iam::123456789012:role/Ops': [{ permission: 'read', 'resource-type': 'packager' }] },
    },
    { nag: false },
  );
  const stack = stacks.m2aMediapackage;
  const template = Template.fromStack(stack);
  const functionDescribed = (prefix: string) => {
    const found = Object.values(template.findResources('AWS::Lambda::Function')).filter((fn) =>
      String(fn.Properties.Description ?? '').startsWith(prefix),
    );
    expect(found).toHaveLength(1);
    return found[0] as { Properties: Record<string, any> };
  };

  it('is named M2aMediapackage and publishes ApiEndpoint with stage v1', () => {
    const outputs = template.findOutputs('*');

    expect(stack.stackName).toBe('M2aMediapackage');
    expect(Object.keys(outputs).sort()).toEqual([
      'AlarmTopicArn',
      'ApiEndpoint',
      'PermissionsTableName',
      'TargetAccountsTableName',
    ]);
    const parts = outputs.ApiEndpoint?.Value['Fn::Join'][1] as unknown[];
    const stageRef = (parts.at(-1) as { Ref: string }).Ref;
    expect(template.findResources('AWS::ApiGateway::Stage')[stageRef]?.Properties.StageName).toBe('v1');
  });

  it('serves every route with SigV4 and nothing without', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));

    expect(methods).toHaveLength(M2A_ROUTES.length);
    expect(methods.every((method) => method.Properties.AuthorizationType === 'AWS_IAM')).toBe(true);
  });

  it('hands the deploy-time allow-list and permissions to the functions that use them', () => {
    const api = functionDescribed('M2A Mediapackage v1 API');
    const worker = functionDescribed('M2A Mediapackage: orchestration');

    expect(api.Properties.Environment.Variables.CALLBACK_ALLOWED_HOSTS).toBe('127.0.0.1,receiver.test:8443');
    expect(worker.Properties.Environment.Variables.CALLBACK_ALLOWED_HOSTS).toBe('127.0.0.1,receiver.test:8443');
    expect(JSON.parse(api.Properties.Environment.Variables.PERMISSIONS)).toEqual({
      'arn:aws:iam::123456789012:role/Ops': [{ permission: 'read', 'resource-type': 'packager' }],
    });
    expect(worker.Properties.Timeout).toBe(60);
  });

  it('lets the worker assume only roles named with the M2A prefix', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sts:AssumeRole',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/M2aMediapackage*']] },
          }),
        ]),
      },
    });
  });

  it('runs the packager ASL with the worker substituted in, logging without execution data', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: { WorkerArn: Match.anyValue() },
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('keeps every table on demand, encrypted and recoverable, and lists templates by owner', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));

    expect(tables).toHaveLength(4);
    for (const table of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'owner-listkey', Projection: { ProjectionType: 'ALL' } })],
    });
  });

  it('refuses a malformed permissions context at synthesis', () => {
    expect(() => testApp({ m2aPermissions: '[1,2]' }, { nag: false })).toThrow(/m2aPermissions/);
  });
});
