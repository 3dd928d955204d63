import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BUILT_IN_OPERATORS, TEST_OPERATORS } from '../../lambdas/media-insights/operators/catalog';
import { WORKFLOW_API_ROUTES } from '../../lambdas/media-insights/workflow/routes';
import { PROJECT_ROOT } from '../../lib/project-root';
import { defaultTemplate, localModeTemplate, testApp } from '../support/app';

describe('MediaInsights workflow engine', () => {
  const template = defaultTemplate('MediaInsights');
  const functions = template.findResources('AWS::Lambda::Function');
  const functionIdWithEnv = (name: string) =>
    Object.keys(functions).find((id) => functions[id]?.Properties.Environment?.Variables?.[name] !== undefined);

  it('exposes the original output key WorkflowApiEndpoint and the MaxConcurrentWorkflows parameter (default 5, 1 to 1000)', () => {
    template.hasOutput('WorkflowApiEndpoint', {});
    template.hasParameter('MaxConcurrentWorkflows', { Type: 'Number', Default: 5, MinValue: 1, MaxValue: 1000 });
  });

  it('serves every workflow route, signed except GET /', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (method) =>
        String(method.Properties.RestApiId.Ref).startsWith('WorkflowApi') && method.Properties.HttpMethod !== 'OPTIONS',
    );

    expect(methods).toHaveLength(WORKFLOW_API_ROUTES.length);
    expect(methods.filter((method) => method.Properties.AuthorizationType !== 'AWS_IAM')).toHaveLength(1);
  });

  it('lets the API manage vocabularies, terminologies and parallel data by resource type, and list them', () => {
    const statement = (actions: string[], resource: string) =>
      Match.objectLike({
        Action: Match.arrayWith(actions),
        Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(resource)])] },
      });

    const apiPolicyWith = (statement: object) =>
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^WorkflowApiHandler') }],
        PolicyDocument: { Statement: Match.arrayWith([statement]) },
      });

    apiPolicyWith(
      statement(
        ['transcribe:CreateVocabulary', 'transcribe:DeleteVocabulary', 'transcribe:GetVocabulary'],
        ':vocabulary/\\*$',
      ),
    );
    apiPolicyWith(
      statement(
        ['translate:DeleteTerminology', 'translate:GetTerminology', 'translate:ImportTerminology'],
        ':terminology/\\*$',
      ),
    );
    apiPolicyWith(
      Match.objectLike({
        Action: Match.arrayWith([
          'transcribe:ListLanguageModels',
          'transcribe:ListVocabularies',
          'translate:ListParallelData',
          'translate:ListTerminologies',
        ]),
        Resource: '*',
      }),
    );
  });

  it('runs every workflow on one runner state machine defined by the ASL file, with logging and tracing', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const [runner] = Object.values(machines);

    expect(Object.keys(machines)).toHaveLength(1);
    expect(runner?.Properties).toMatchObject({
      StateMachineName: 'MediaInsights-WorkflowRunner',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: expect.objectContaining({ Level: 'ALL' }),
      DefinitionSubstitutions: {
        EngineFunctionArn: { 'Fn::GetAtt': [expect.stringMatching(/^WorkflowEngine/), 'Arn'] },
      },
    });
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'statemachines', 'mie-workflow-runner.asl.json'))).toBe(true);
  });

  it('lets the engine invoke only functions tagged as operators, however many there are', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Condition: { StringEquals: { 'aws:ResourceTag/mediaplane:mie-operator': 'true' } },
          }),
        ]),
      },
    });
    const operatorFunctions = Object.values(functions).filter((fn) =>
      (fn.Properties.Tags ?? []).some(
        (tag: { Key: string; Value: string }) => tag.Key === 'mediaplane:mie-operator' && tag.Value === 'true',
      ),
    );
    const handlers = new Set(
      BUILT_IN_OPERATORS.flatMap((operator) => [operator.start, operator.monitor].filter(Boolean)),
    );
    expect(operatorFunctions).toHaveLength(handlers.size);
  });

  it('runs one scheduler at a time, fed by runner failures and a one-minute tick', () => {
    const schedulerId = Object.keys(functions).find((id) => id.startsWith('WorkflowScheduler')) ?? '';

    expect(functions[schedulerId]?.Properties.ReservedConcurrentExecutions).toBe(1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: Match.anyValue() },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [schedulerId, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it('registers the built-in operators at deploy time with their default configuration', () => {
    const [registration] = Object.values(template.findResources('Custom::MediaInsightsRegistration'));

    expect(registration?.Properties.Operations.map((operation: { Name: string }) => operation.Name)).toEqual(
      BUILT_IN_OPERATORS.map((operator) => operator.Name),
    );
    expect(registration?.Properties.MaxConcurrentWorkflows).toEqual({ Ref: 'MaxConcurrentWorkflows' });
  });

  it('lets operators read media from the dataplane bucket only, unless more buckets (or any: *) are configured', () => {
    // The API reads vocabulary and parallel data files from the dataplane bucket only (for /service/*).
    const operatorPolicies = (stack: Template) =>
      Object.values(stack.findResources('AWS::IAM::Policy')).filter(
        (policy) => !JSON.stringify(policy.Properties.Roles).includes('WorkflowApiHandler'),
      );
    const reads = (stack: Template) =>
      operatorPolicies(stack).flatMap((policy) =>
        (policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
          .filter((statement) => statement.Action === 's3:GetObject')
          .map((statement) => JSON.stringify(statement.Resource)),
      );
    const anyBucket = Template.fromStack(
      testApp({ mediaInsightsMediaBuckets: 'my-media,*' }, { nag: false }).stacks.mediaInsights,
    );

    expect(reads(template).length).toBeGreaterThan(0);
    for (const resource of reads(template)) {
      expect(resource).toMatch(
        /^\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["DataplaneBucket[0-9A-F]+","Arn"\]\},"\/\*"\]\]\}$/,
      );
    }
    for (const resource of reads(anyBucket)) {
      expect(resource).toContain(':s3:::my-media/*');
      expect(resource).toContain(':s3:::*/*');
    }
  });

  it('deploys the test operators only with -c mieTestOperators=true', () => {
    // The global setup's assembly is synthesized with mieTestOperators=true.
    const withTests = localModeTemplate('MediaInsights');
    const [registration] = Object.values(withTests.findResources('Custom::MediaInsightsRegistration'));

    expect(registration?.Properties.Operations).toHaveLength(BUILT_IN_OPERATORS.length + TEST_OPERATORS.length);
  });

  it('gives the ffmpeg layer and x86_64 (the npm ffmpeg is an x86-64 build) only to handlers that run ffmpeg', () => {
    const thumbnail = (handler: string) =>
      Object.values(functions).find((fn) =>
        String(fn.Properties.Description).endsWith(`thumbnail/handler.ts#${handler}`),
      );

    expect([
      thumbnail('startThumbnail')?.Properties.Architectures,
      thumbnail('startThumbnail')?.Properties.Layers,
    ]).toEqual([['x86_64'], [{ Ref: expect.stringMatching(/^FfmpegLayer/) }]]);
    // The monitor only checks that the outputs exist.
    expect([
      thumbnail('checkThumbnail')?.Properties.Architectures,
      thumbnail('checkThumbnail')?.Properties.Layers,
    ]).toEqual([['arm64'], undefined]);
    expect(functions[functionIdWithEnv('SLOT_TABLE_NAME') ?? '']?.Properties.Architectures).toEqual(['arm64']);
  });

  it('keeps execution listings by status and by asset, newest first by Created', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'Id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'WorkflowExecutionStatus',
          KeySchema: [
            { AttributeName: 'Status', KeyType: 'HASH' },
            { AttributeName: 'Created', KeyType: 'RANGE' },
          ],
        }),
        Match.objectLike({ IndexName: 'WorkflowExecutionAssetId' }),
      ]),
    });
  });

  it('lets the Rekognition operators call the analyses (no resource-level permissions) and read face collections', () => {
    const policiesOf = (fn: { [key: string]: any }) =>
      Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
        policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === fn.Properties.Role['Fn::GetAtt'][0]),
      );
    const rekognition = Object.values(functions).filter((fn) =>
      String(fn.Properties.Description).includes('rekognition/handler.ts'),
    );
    const statements = rekognition.flatMap((fn) =>
      policiesOf(fn).flatMap((policy) => policy.Properties.PolicyDocument.Statement),
    );

    expect(rekognition).toHaveLength(2);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: expect.arrayContaining(['rekognition:StartLabelDetection', 'rekognition:GetSegmentDetection']),
          Resource: '*',
        }),
        expect.objectContaining({
          Action: ['rekognition:DescribeCollection', 'rekognition:SearchFacesByImage'],
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':rekognition:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':collection/*',
              ],
            ],
          },
        }),
      ]),
    );
  });

  it('gives MediaConvert and Comprehend jobs roles of their own, which only the operators that start them may pass', () => {
    const roles = template.findResources('AWS::IAM::Role');
    const roleOf = (service: string) =>
      Object.keys(roles).find((id) =>
        JSON.stringify(roles[id]?.Properties.AssumeRolePolicyDocument).includes(`${service}.amazonaws.com`),
      );
    const passers = (roleId: string) =>
      Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
        policy.Properties.PolicyDocument.Statement.some(
          (statement: { Action: unknown; Resource: unknown }) =>
            statement.Action === 'iam:PassRole' &&
            JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [roleId, 'Arn'] }),
        ),
      );
    const mediaconvert = roleOf('mediaconvert')!;
    const comprehend = roleOf('comprehend')!;
    const withRole = (name: string, roleId: string) =>
      Object.values(functions).filter(
        (fn) =>
          JSON.stringify(fn.Properties.Environment?.Variables?.[name]) ===
          JSON.stringify({ 'Fn::GetAtt': [roleId, 'Arn'] }),
      );

    expect([mediaconvert, comprehend]).toEqual([expect.any(String), expect.any(String)]);
    // The Mediaconvert start function, and the Comprehend start and monitor functions.
    expect(withRole('MEDIACONVERT_ROLE_ARN', mediaconvert)).toHaveLength(2);
    expect(withRole('COMPREHEND_ROLE_ARN', comprehend)).toHaveLength(2);
    expect(passers(mediaconvert)).toHaveLength(2);
    expect(passers(comprehend)).toHaveLength(2);
  });
});
