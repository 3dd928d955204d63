import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LOCAL_ACCOUNT_ID } from '../../lib/local/credentials';
import type { LambdaService } from '../../lib/local/lambda/module';
import { startLocalMode, type LocalMode } from '../../lib/local/local-mode';
import { SERVICE_MODULES } from '../../lib/local/services';
import type { CloudWatchService } from '../../lib/local/cloudwatch/module';
import type { SnsService } from '../../lib/local/sns/module';
import type { SqsService } from '../../lib/local/sqs/module';
import type { StepFunctionsService } from '../../lib/local/stepfunctions/module';

/**
 * One stack: a function that always fails, invoked asynchronously (also by a state machine's `InvocationType: Event`
 * task), its failures kept in a queue; and a function whose first invocation never ends, leaving marks in `markers`.
 */
function failingFunctionAssembly(markers: string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-failed-invocations-'));
  const resources = {
    Failures: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
    FailuresPolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: { Queues: [{ Ref: 'Failures' }], PolicyDocument: { Statement: [] } },
    },
    Removal: {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { S3Bucket: 'cdk-assets', S3Key: 'removal.zip' }, Handler: 'index.handler' },
    },
    RemovalAsync: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: 'Removal' },
        Qualifier: '$LATEST',
        // No retries: Lambda waits minutes between them, which this test need not sit through.
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Failures', 'Arn'] } } },
      },
    },
    Slow: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: 'cdk-assets', S3Key: 'slow.zip' },
        Handler: 'index.handler',
        Timeout: 60,
        Environment: { Variables: { MARKERS: markers } },
      },
    },
    RemoveLater: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        RoleArn: 'arn:aws:iam::000000000000:role/RemoveLater',
        Definition: {
          StartAt: 'Remove',
          States: {
            Remove: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: {
                FunctionName: { 'Fn::GetAtt': ['Removal', 'Arn'] },
                InvocationType: 'Event',
                'Payload.$': '$',
              },
              End: true,
            },
          },
        },
      },
    },
    Removals: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventPattern: { source: ['test.removals'] },
        Targets: [{ Id: 'Removal', Arn: { 'Fn::GetAtt': ['Removal', 'Arn'] } }],
      },
    },
    FailuresAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Failures', 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'Alarms' }],
      },
    },
    Faulty: {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { S3Bucket: 'cdk-assets', S3Key: 'faulty.zip' }, Handler: 'index.handler' },
    },
    FaultyErrors: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'Faulty' } }],
        Statistic: 'Sum',
        // A day: two invocations a moment apart always share a period.
        Period: 86_400,
        EvaluationPeriods: 1,
        Threshold: 2,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'FunctionAlarms' }],
      },
    },
    Doomed: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        RoleArn: 'arn:aws:iam::000000000000:role/Doomed',
        Definition: { StartAt: 'Give up', States: { 'Give up': { Type: 'Fail', Error: 'Doomed' } } },
      },
    },
    DoomedFailures: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        MetricName: 'ExecutionsFailed',
        Namespace: 'AWS/States',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'Doomed' } }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      },
    },
    Reporter: {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { S3Bucket: 'cdk-assets', S3Key: 'reporter.zip' }, Handler: 'index.handler' },
    },
    ReporterLag: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        MetricName: 'MillisBehindNow',
        Namespace: 'Test/Consumer',
        Dimensions: [{ Name: 'StreamName', Value: 'front-door' }],
        Statistic: 'Maximum',
        Period: 86_400,
        EvaluationPeriods: 1,
        Threshold: 300_000,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    },
    FunctionAlarms: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { Ref: 'AlarmsKey' } } },
    Alarms: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { Ref: 'AlarmsKey' } } },
    AlarmsKey: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
  };
  fs.writeFileSync(
    path.join(directory, 'manifest.json'),
    JSON.stringify({
      artifacts: { Async: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Async.template.json' } } },
    }),
  );
  fs.writeFileSync(path.join(directory, 'Async.template.json'), JSON.stringify({ Resources: resources }));
  fs.mkdirSync(path.join(directory, 'asset.removal'));
  fs.writeFileSync(
    path.join(directory, 'asset.removal', 'index.js'),
    'exports.handler = async (event) => { throw new Error(`cannot remove ${event.uuid}`); };\n',
  );
  fs.mkdirSync(path.join(directory, 'asset.faulty'));
  fs.writeFileSync(
    path.join(directory, 'asset.faulty', 'index.js'),
    "exports.handler = async () => { throw new Error('faulty'); };\n",
  );
  fs.mkdirSync(path.join(directory, 'asset.reporter'));
  fs.writeFileSync(
    path.join(directory, 'asset.reporter', 'index.js'),
    [
      'exports.handler = async (event) => {',
      '  const metrics = [{ Namespace: "Test/Consumer", Dimensions: [["StreamName"]], Metrics: [{ Name: "MillisBehindNow" }] }];',
      '  console.log(JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: metrics }, StreamName: "front-door", MillisBehindNow: event.lag }));',
      '};',
      '',
    ].join('\n'),
  );
  fs.mkdirSync(path.join(directory, 'asset.slow'));
  fs.writeFileSync(
    path.join(directory, 'asset.slow', 'index.js'),
    [
      "const fs = require('node:fs');",
      "const path = require('node:path');",
      'exports.handler = async (event) => {',
      '  const started = path.join(process.env.MARKERS, `${event.id}.started`);',
      '  if (!fs.existsSync(started)) {',
      "    fs.writeFileSync(started, '');",
      '    await new Promise(() => {});',
      '  }',
      '  fs.writeFileSync(path.join(process.env.MARKERS, `${event.id}.done`), JSON.stringify(event));',
      '};',
      '',
    ].join('\n'),
  );
  return directory;
}

/** Only the services the stack uses: starting the others (search, media engines) would cost most of the suite. */
const MODULES = SERVICE_MODULES.filter((module) =>
  ['events', 'apigateway', 'stepfunctions', 'lambda', 'iam', 'cloudwatch', 'sns', 'sqs', 'kms'].includes(module.name),
);

async function waitFor<T>(read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('failed asynchronous invocations in local mode', () => {
  let local: LocalMode;
  let dataDir: string;
  let cloudAssemblyDir: string;
  let markers: string;

  beforeAll(async () => {
    markers = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-failed-invocations-markers-'));
    cloudAssemblyDir = failingFunctionAssembly(markers);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-failed-invocations-data-'));
    local = await startLocalMode({ port: 0, dataDir, cloudAssemblyDir, modules: MODULES, log: () => {} });
  });
  afterAll(async () => {
    await local.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(cloudAssemblyDir, { recursive: true, force: true });
    fs.rmSync(markers, { recursive: true, force: true });
  });

  it("reads the function's EventInvokeConfig: its retries and its on-failure queue", () => {
    const config = local.service<LambdaService>('lambda').asyncInvokeConfig('Async-Removal');

    expect(config).toEqual({
      maximumRetryAttempts: 0,
      onFailure: `arn:aws:sqs:${local.region}:${LOCAL_ACCOUNT_ID}:Async-Failures`,
    });
  });

  it('sends the invocation record of an event that failed every attempt to the queue, and keeps it', async () => {
    // Prepare
    const lambda = new LambdaClient({
      region: local.region,
      endpoint: local.outputs.Local?.LambdaEndpoint,
      credentials: local.credentials,
    });
    const queue = local.service<LambdaService>('lambda').asyncInvokeConfig('Async-Removal').onFailure as string;
    const sqs = local.service<SqsService>('sqs');

    // Act
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: 'Async-Removal',
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ uuid: 'a1b2' })),
      }),
    );
    const [message] = await waitFor(() => {
      const messages = sqs.messages(queue);
      return messages.length > 0 ? messages : undefined;
    });

    // Assess
    expect(response.StatusCode).toBe(202);
    const record = JSON.parse(message?.Body ?? '{}');
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        functionArn: expect.stringMatching(/:function:Async-Removal:\$LATEST$/),
        condition: 'RetriesExhausted',
        approximateInvokeCount: 1,
      },
      requestPayload: { uuid: 'a1b2' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'cannot remove a1b2' },
    });
    expect(fs.readFileSync(path.join(dataDir, 'sqs', 'Async-Failures.jsonl'), 'utf8')).toContain(message?.MessageId);
  });

  it("puts the queue's alarm in ALARM and publishes CloudWatch's notification to the alarm topic, once", () => {
    const topic = `arn:aws:sns:${local.region}:${LOCAL_ACCOUNT_ID}:Async-Alarms`;

    const notifications = local.service<SnsService>('sns').notifications(topic);

    expect(local.service<CloudWatchService>('cloudwatch').alarmState('Async-FailuresAlarm')).toBe('ALARM');
    expect(notifications).toHaveLength(1);
    expect(notifications[0]?.Subject).toBe('ALARM: "Async-FailuresAlarm" in US East (N. Virginia)');
    expect(JSON.parse(notifications[0]?.Message ?? '{}')).toMatchObject({
      AlarmName: 'Async-FailuresAlarm',
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      Trigger: {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ name: 'QueueName', value: 'Async-Failures' }],
        Threshold: 1,
      },
    });
  });

  it("sums a function's Errors over the alarm's period: the second failure puts its alarm in ALARM", async () => {
    // Prepare
    const cloudWatch = local.service<CloudWatchService>('cloudwatch');
    const topic = `arn:aws:sns:${local.region}:${LOCAL_ACCOUNT_ID}:Async-FunctionAlarms`;

    // Act
    await expect(local.invoke('Async-Faulty', {})).rejects.toThrow('faulty');
    const afterOne = cloudWatch.alarmState('Async-FaultyErrors');
    await expect(local.invoke('Async-Faulty', {})).rejects.toThrow('faulty');

    // Assess
    expect([afterOne, cloudWatch.alarmState('Async-FaultyErrors')]).toEqual(['OK', 'ALARM']);
    const notifications = local.service<SnsService>('sns').notifications(topic);
    expect(notifications).toHaveLength(1);
    expect(JSON.parse(notifications[0]?.Message ?? '{}')).toMatchObject({
      AlarmName: 'Async-FaultyErrors',
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      NewStateReason: expect.stringMatching(
        /^Threshold Crossed: 1 out of the last 1 datapoint \[2\.0 \(\d\d\/\d\d\/\d\d 00:00:00\)\] was greater than or equal to the threshold \(2\.0\)/,
      ),
      Trigger: { MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'SUM', Period: 86_400 },
    });
  });

  it("counts a state machine's failed executions in ExecutionsFailed: one puts its alarm in ALARM", async () => {
    // Prepare
    const { stepFunctions } = local.service<StepFunctionsService>('stepfunctions');
    const stateMachineArn = `arn:aws:states:${local.region}:${LOCAL_ACCOUNT_ID}:stateMachine:Async-Doomed`;
    const before = local.service<CloudWatchService>('cloudwatch').alarmState('Async-DoomedFailures');

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn });
    const execution = await stepFunctions.waitForExecution(executionArn!);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect([before, local.service<CloudWatchService>('cloudwatch').alarmState('Async-DoomedFailures')]).toEqual([
      'OK',
      'ALARM',
    ]);
  });

  it('extracts the metrics a function logs in embedded metric format, and evaluates their alarms', async () => {
    // Prepare
    const cloudWatch = local.service<CloudWatchService>('cloudwatch');
    const before = cloudWatch.alarmState('Async-ReporterLag');

    // Act
    await local.invoke('Async-Reporter', { lag: 300_001 });
    // The function's log reaches CloudWatch after its answer, as in AWS.
    const after = await waitFor(() => {
      const state = cloudWatch.alarmState('Async-ReporterLag');
      return state === 'ALARM' ? state : undefined;
    });

    // Assess
    expect([before, after]).toEqual(['OK', 'ALARM']);
  });

  it('sends what an EventBridge rule delivered to the function, once it failed, to the same queue', async () => {
    // Prepare
    const queue = local.service<LambdaService>('lambda').asyncInvokeConfig('Async-Removal').onFailure as string;
    const sqs = local.service<SqsService>('sqs');
    const before = sqs.messages(queue).length;

    // Act
    local.eventBus.put({
      version: '0',
      id: 'e1',
      'detail-type': 'Removal Requested',
      source: 'test.removals',
      account: LOCAL_ACCOUNT_ID,
      time: '2026-01-01T00:00:00Z',
      region: local.region,
      resources: [],
      detail: {},
    });
    const messages = await waitFor(() => {
      const all = sqs.messages(queue);
      return all.length > before ? all : undefined;
    });

    // Assess
    expect(JSON.parse(messages[before]?.Body ?? '{}')).toMatchObject({
      requestPayload: { id: 'e1', source: 'test.removals' },
      responsePayload: { errorMessage: 'cannot remove undefined' },
    });
  });

  it("queues a state machine's InvocationType Event task on Lambda's asynchronous queue: its failure reaches the queue", async () => {
    // Prepare
    const queue = local.service<LambdaService>('lambda').asyncInvokeConfig('Async-Removal').onFailure as string;
    const sqs = local.service<SqsService>('sqs');
    const before = sqs.messages(queue).length;

    // Act
    const { executionArn } = await local.stepFunctions.startExecution({
      stateMachineArn: `arn:aws:states:${local.region}:${LOCAL_ACCOUNT_ID}:stateMachine:Async-RemoveLater`,
      input: JSON.stringify({ uuid: 'sfn-1' }),
    });
    const messages = await waitFor(() => {
      const all = sqs.messages(queue);
      return all.length > before ? all : undefined;
    });

    // Assess
    expect((await local.stepFunctions.describeExecution({ executionArn })).status).toBe('SUCCEEDED');
    expect(JSON.parse(messages[before]?.Body ?? '{}')).toMatchObject({
      requestContext: { condition: 'RetriesExhausted' },
      requestPayload: { uuid: 'sfn-1' },
      responsePayload: { errorMessage: 'cannot remove sfn-1' },
    });
  });

  it('makes again, after a restart, an asynchronous invocation that was still running when local mode stopped', async () => {
    // Prepare
    const lambda = new LambdaClient({
      region: local.region,
      endpoint: local.outputs.Local?.LambdaEndpoint,
      credentials: local.credentials,
    });
    await lambda.send(
      new InvokeCommand({ FunctionName: 'Async-Slow', InvocationType: 'Event', Payload: JSON.stringify({ id: 'r1' }) }),
    );
    await waitFor(() => fs.existsSync(path.join(markers, 'r1.started')) || undefined);

    // Act
    await local.stop();
    local = await startLocalMode({ port: 0, dataDir, cloudAssemblyDir, modules: MODULES, log: () => {} });
    const done = await waitFor(() => {
      const file = path.join(markers, 'r1.done');
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    });

    // Assess
    expect(JSON.parse(done)).toEqual({ id: 'r1' });
    // The alarm was already in ALARM before the restart: nothing new to tell.
    const topic = `arn:aws:sns:${local.region}:${LOCAL_ACCOUNT_ID}:Async-Alarms`;
    expect(local.service<SnsService>('sns').notifications(topic)).toHaveLength(1);
  });
});
