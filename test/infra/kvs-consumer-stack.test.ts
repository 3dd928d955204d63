import { Match, Template } from 'aws-cdk-lib/assertions';
import { testApp } from '../support/app';

describe('KvsConsumer stack', () => {
  const streams = [{ streamName: 'front-door', startSelector: 'EARLIEST', clipSeconds: 60, clipTarget: 'media2cloud' }];
  const { stacks } = testApp({ kvsStreams: JSON.stringify(streams) }, { nag: false });
  const stack = stacks.kvsConsumer;
  const template = Template.fromStack(stack);

  it('is named KvsConsumer and outputs the state machine, archive bucket, stream table and alarm topic', () => {
    expect(stack.stackName).toBe('KvsConsumer');
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'AlarmTopicArn',
      'ArchiveBucket',
      'ConsumerStateMachineArn',
      'StreamTable',
    ]);
  });

  it('keeps one item per stream keyed by its name, paid per request, with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'streamName', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('runs the consumer for Lambda’s 15 minutes with room for clips, and may read any stream and put clips to the pipelines', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Kinesis Video Streams GetMedia consumer'),
      Timeout: 900,
      MemorySize: 2048,
      Environment: {
        Variables: Match.objectLike({
          STOP_BEFORE_DEADLINE_MS: '30000',
          M2C_INGEST_BUCKET: Match.anyValue(),
          MIE_DATAPLANE_BUCKET: Match.anyValue(),
          MIE_WORKFLOW_API: Match.anyValue(),
        }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['kinesisvideo:GetDataEndpoint', 'kinesisvideo:GetMedia'] }),
          Match.objectLike({
            Action: 's3:PutObject',
          }),
          Match.objectLike({ Action: 'execute-api:Invoke' }),
        ]),
      },
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('Media2Cloud-IngestBucketArn');
    expect(policies).toContain('MediaInsights-DataplaneBucketArn');
  });

  it('loops the consumer in a state machine that may continue as a new execution of itself', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(1);
    const properties = Object.values(machines)[0]?.Properties as Record<string, any>;
    expect(Object.keys(properties.DefinitionSubstitutions)).toEqual(['ConsumerFunctionArn']);
    // A name known in advance, so its role may start it without a reference to itself.
    expect(properties.StateMachineName).toEqual({ 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'kvs-consumer']] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution' })]) },
    });
  });

  it('supervises the configured streams every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('supervisor'),
      Environment: {
        Variables: Match.objectLike({
          CONFIGURED_STREAMS: JSON.stringify([
            {
              streamName: 'front-door',
              startSelector: { StartSelectorType: 'EARLIEST' },
              clipSeconds: 60,
              clipTarget: { type: 'media2cloud' },
            },
          ]),
        }),
      },
    });
  });

  it('alarms on gaps and lag per configured stream, and on failed consumers, to the alarm topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const descriptions = alarms.map((alarm) => String(alarm.Properties.AlarmDescription));
    expect(descriptions).toEqual(
      expect.arrayContaining([
        expect.stringContaining('front-door: fragments missing'),
        expect.stringContaining('front-door: the consumer is more than 5 minutes behind'),
        expect.stringContaining('consumer loop ended in failure'),
      ]),
    );
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });

  it('refuses a kvsStreams context it cannot use', () => {
    expect(() => testApp({ kvsStreams: '[{"streamName":"x","clipSeconds":9999}]' }, { nag: false })).toThrow(
      /clipSeconds/,
    );
  });
});
