import { Stack, type CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { defaultTemplate, testApp, type StackId } from '../support/app';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const { stacks } = testApp({}, { nag: false });
const templates = Object.values(stacks).map((stack) => ({
  stack: stack as Stack,
  resources: defaultTemplate(stack.node.id as StackId).toJSON().Resources as Resources,
}));

/** Functions every EventBridge rule (event pattern or schedule) of a template targets, by logical id. */
function ruleTargets(resources: Resources): string[] {
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::Events::Rule')
    .flatMap((rule) => (rule.Properties?.Targets ?? []) as Array<{ Arn: unknown }>)
    .flatMap(({ Arn }) => {
      const getAtt = (Arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      return getAtt && resources[getAtt[0]]?.Type === 'AWS::Lambda::Function' ? [getAtt[0]] : [];
    });
}

function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnResource);
}

/** Functions the app's own code invokes with `InvocationType: Event`. */
const invokedAsEvents = [
  stacks.media2Cloud.pipeline.removal.function,
  stacks.mediaInsights.workflow.scheduler.function,
  stacks.m2aMediapackage.worker.function,
];

const asyncFunctions = templates.flatMap(({ stack, resources }) => {
  const ids = new Set([
    ...ruleTargets(resources),
    ...invokedAsEvents.filter((fn) => Stack.of(fn) === stack).map(logicalId),
  ]);
  return [...ids].map((id) => [`${stack.stackName} ${id}`, id, resources] as const);
});

describe('asynchronously invoked functions', () => {
  it('include the S3 event, asset removal, execution-ended and scheduler functions', () => {
    const names = asyncFunctions.map(([name]) => name).join('\n');

    expect(names).toMatch(/Media2Cloud .*S3Event/);
    expect(names).toMatch(/Media2Cloud .*AssetRemoval/);
    expect(names).toMatch(/Media2Cloud .*ExecutionEnded/);
    expect(names).toMatch(/MediaInsights .*Scheduler/);
  });

  it.each(asyncFunctions)('%s keeps failed invocations in an encrypted, alarmed queue', (_name, id, resources) => {
    const configs = Object.values(resources).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::EventInvokeConfig' &&
        JSON.stringify(resource.Properties?.FunctionName) === JSON.stringify({ Ref: id }),
    );
    expect(configs).toHaveLength(1);
    const destination = (
      configs[0]?.Properties?.DestinationConfig as { OnFailure: { Destination: { 'Fn::GetAtt': [string, string] } } }
    ).OnFailure.Destination['Fn::GetAtt'];
    const [queueId] = destination;
    expect(destination[1]).toBe('Arn');

    const queue = resources[queueId];
    expect(queue?.Type).toBe('AWS::SQS::Queue');
    expect(queue?.Properties?.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(resources).filter(
      (resource) =>
        resource.Type === 'AWS::SQS::QueuePolicy' &&
        JSON.stringify(resource.Properties?.Queues) === JSON.stringify([{ Ref: queueId }]),
    );
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');

    const alarms = Object.values(resources).filter(
      (resource) =>
        resource.Type === 'AWS::CloudWatch::Alarm' &&
        resource.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(resource.Properties?.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const topics = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    expect(alarms[0]?.Properties?.AlarmActions).toEqual([{ Ref: topics[0]?.[0] }]);

    // A rule that targets the function sends what it cannot deliver to the same queue.
    const targets = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::Events::Rule')
      .flatMap((rule) => (rule.Properties?.Targets ?? []) as Array<{ Arn: unknown; DeadLetterConfig?: unknown }>)
      .filter(({ Arn }) => JSON.stringify(Arn) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
    for (const target of targets) {
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    }
  });
});

describe('alarm topics', () => {
  it.each(templates.map(({ stack }) => [stack.stackName, stack] as const))(
    '%s has one topic for its alarms: encrypted with a key CloudWatch may use, TLS only, an optional email, output',
    (_name, stack) => {
      const template = defaultTemplate(stack.node.id as StackId);
      const topics = template.findResources('AWS::SNS::Topic');
      const [topicId, topic] = Object.entries(topics)[0] ?? [];
      expect(Object.keys(topics)).toHaveLength(1);
      const keyId = (topic?.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      template.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true }),
      });
      const key = template.toJSON().Resources[keyId];
      expect(JSON.stringify(key.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
          ]),
        }),
      });
      template.hasResource('AWS::SNS::Subscription', {
        Condition: 'AlarmEmailGiven',
        Properties: { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' }, TopicArn: { Ref: topicId } },
      });
      template.hasParameter('AlarmEmail', { Type: 'String', Default: '' });
      template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
    },
  );
});
