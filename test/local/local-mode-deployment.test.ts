import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { App, CfnOutput, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { startLocalMode, type LocalMode } from '../../lib/local/local-mode';
import { RECORD_APPEND, readRecords, recordEnvironment } from '../support/records';

// `work` doubles numbers for the state machine and is the custom resource's provider; `record` appends every event
// it receives to a file, with the custom resource attribute its environment reads.
const HANDLERS = `${RECORD_APPEND}
exports.work = async (event) => {
  if (typeof event.value === 'string') {
    const error = new Error('cannot double ' + event.value);
    error.name = 'NotANumber';
    throw error;
  }
  if (!event.RequestType) return { doubled: event.value * 2 };
  append('custom-resource', event);
  const name = event.ResourceProperties.Name;
  const failed = name === 'broken';
  await fetch(event.ResponseURL, {
    method: 'PUT',
    body: JSON.stringify({
      Status: failed ? 'FAILED' : 'SUCCESS',
      Reason: failed ? 'the greeting cannot be broken' : undefined,
      PhysicalResourceId: 'greeting-' + name,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      Data: { Greeting: 'hello ' + name },
    }),
  });
};

exports.layered = async () => require('child_process').execFileSync('greet', { encoding: 'utf8' }).trim();

exports.record = async (event) => {
  append('record', { event, greeting: process.env.GREETING, sfnEndpoint: process.env.AWS_ENDPOINT_URL_SFN });
};
`;

interface AppShape {
  /** The custom resource's `Name` property; no custom resource when undefined. */
  readonly greetingName?: string;
}

/** Synthesizes a one-stack app exercising what local mode deploys, as `cdk synth` would. */
function synthesize(root: string, shape: AppShape): string {
  const outdir = fs.mkdtempSync(path.join(root, 'cdk.out-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Deploy');
  const code = lambda.Code.fromAsset(path.join(root, 'handlers'));
  const environment = recordEnvironment(root);
  const worker = new lambda.Function(stack, 'Worker', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.work',
    code,
    environment,
  });
  const greeting =
    shape.greetingName === undefined
      ? undefined
      : new CustomResource(stack, 'Greeting', {
          serviceToken: worker.functionArn,
          properties: { Name: shape.greetingName, Size: 3 },
        });
  const recorder = new lambda.Function(stack, 'Recorder', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.record',
    code,
    environment: { ...environment, GREETING: greeting?.getAttString('Greeting') ?? 'none' },
  });
  new lambda.Function(stack, 'Layered', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.layered',
    code,
    layers: [new lambda.LayerVersion(stack, 'Tools', { code: lambda.Code.fromAsset(path.join(root, 'layer')) })],
  });
  const doubler = new sfn.StateMachine(stack, 'Doubler', {
    definitionBody: sfn.DefinitionBody.fromString(
      JSON.stringify({ StartAt: 'Double', States: { Double: { Type: 'Task', Resource: '${WorkerArn}', End: true } } }),
    ),
    definitionSubstitutions: { WorkerArn: worker.functionArn },
  });
  new events.Rule(stack, 'OnDoublerSucceeded', {
    eventPattern: {
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { status: ['SUCCEEDED'], stateMachineArn: [doubler.stateMachineArn] },
    },
    targets: [new targets.LambdaFunction(recorder)],
  });
  new events.Rule(stack, 'EveryMinute', {
    schedule: events.Schedule.rate(Duration.minutes(1)),
    targets: [new targets.LambdaFunction(recorder, { event: events.RuleTargetInput.fromObject({ tick: true }) })],
  });
  new scheduler.Schedule(stack, 'Nightly', {
    schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '3' }),
    target: new schedulerTargets.LambdaInvoke(recorder, {}),
  });
  new CfnOutput(stack, 'DoublerName', { value: doubler.stateMachineName });
  new CfnOutput(stack, 'DoublerArn', { value: doubler.stateMachineArn });
  if (greeting) {
    new CfnOutput(stack, 'GreetingText', { value: greeting.getAttString('Greeting') });
    new CfnOutput(stack, 'GreetingId', { value: greeting.ref });
  }
  app.synth();
  return outdir;
}

/** Reads until `done` holds or the time is up, and returns the last value read. */
async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('local mode deploys state machines, rules, schedules and custom resources from the templates', () => {
  let root: string;
  let dataDir: string;
  const start = (cloudAssemblyDir: string) => startLocalMode({ port: 0, dataDir, cloudAssemblyDir, log: () => {} });

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-deploy-'));
    dataDir = path.join(root, 'data');
    fs.mkdirSync(path.join(root, 'handlers'));
    fs.mkdirSync(path.join(root, 'records'));
    fs.writeFileSync(path.join(root, 'handlers', 'index.js'), HANDLERS);
    fs.mkdirSync(path.join(root, 'layer', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(root, 'layer', 'bin', 'greet'), '#!/bin/sh\necho hello from the layer\n', {
      mode: 0o755,
    });
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('on a first start', () => {
    let local: LocalMode;

    beforeAll(async () => {
      local = await start(synthesize(root, { greetingName: 'world' }));
    });
    afterAll(async () => {
      await local.stop();
    });

    it('creates the custom resource once, with CloudFormation properties as strings', () => {
      const requests = readRecords(root, 'custom-resource');

      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        RequestType: 'Create',
        LogicalResourceId: 'Greeting',
        ResourceType: 'AWS::CloudFormation::CustomResource',
        ResourceProperties: { Name: 'world', Size: '3' },
        StackId: expect.stringMatching(/^arn:aws:cloudformation:us-east-1:\d{12}:stack\/Deploy\//),
      });
      expect(requests[0].ResponseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_mediaplane\/cloudformation-response\//);
    });

    it("resolves the custom resource's Ref and GetAtt in outputs from the provider's response", () => {
      expect(local.outputs.Deploy).toMatchObject({ GreetingText: 'hello world', GreetingId: 'greeting-world' });
    });

    it('gives the state machine the same name and ARN in outputs as it is registered under', async () => {
      const { DoublerName, DoublerArn } = local.outputs.Deploy ?? {};

      const described = await local.stepFunctions.describeStateMachine({ stateMachineArn: DoublerArn });

      expect(described.name).toBe(DoublerName);
      expect(DoublerArn).toMatch(new RegExp(`:stateMachine:${DoublerName}$`));
    });

    it('runs the state machine through the Step Functions endpoint, its task calling the local function', async () => {
      const client = new SFNClient({
        region: local.region,
        endpoint: local.outputs.Local?.StepFunctionsEndpoint,
        credentials: local.credentials,
      });

      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn: local.outputs.Deploy?.DoublerArn, input: '{"value":21}' }),
      );
      const execution = await eventually(
        () => client.send(new DescribeExecutionCommand({ executionArn })),
        (described) => described.status !== 'RUNNING',
      );
      client.destroy();

      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? 'null')).toEqual({ doubled: 42 });
    });

    it("fails the execution with the function's error type and the runtime's error payload as cause", async () => {
      const { executionArn } = await local.stepFunctions.startExecution({
        stateMachineArn: local.outputs.Deploy?.DoublerArn,
        input: '{"value":"x"}',
      });

      const execution = await eventually(
        () => local.stepFunctions.describeExecution({ executionArn }),
        (described) => described.status !== 'RUNNING',
      );

      expect(execution).toMatchObject({ status: 'FAILED', error: 'NotANumber' });
      expect(JSON.parse(execution.cause ?? '{}')).toMatchObject({
        errorType: 'NotANumber',
        errorMessage: 'cannot double x',
        trace: expect.arrayContaining([expect.stringContaining('NotANumber: cannot double x')]),
      });
    });

    it("delivers the execution's status change to the matching rule's target, shaped as EventBridge delivers it", async () => {
      const { executionArn } = await local.stepFunctions.startExecution({
        stateMachineArn: local.outputs.Deploy?.DoublerArn,
        input: '{"value":1}',
      });

      const records = await eventually(
        () => readRecords(root, 'record').filter((entry) => entry.event.detail?.executionArn === executionArn),
        (found) => found.length > 0,
      );

      expect(records).toHaveLength(1);
      expect(records[0].event).toMatchObject({
        version: '0',
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        region: 'us-east-1',
        resources: [executionArn],
        detail: { status: 'SUCCEEDED', output: '{"doubled":2}' },
      });
    });

    it("gives functions the custom resource's attribute they read and the Step Functions endpoint", async () => {
      await local.invoke(recorderArn(local), { probe: true });

      const records = readRecords(root, 'record').filter((entry) => entry.event.probe);

      expect(records[0]).toMatchObject({
        greeting: 'hello world',
        sfnEndpoint: local.outputs.Local?.StepFunctionsEndpoint,
      });
      expect(local.outputs.Local?.StepFunctionsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it("runs a function with its stack's layer, the layer's bin/ on its PATH as /opt/bin is in Lambda", async () => {
      const layered = [...local.functions.values()].find((fn) => fn.spec.handler === 'index.layered');

      const greeting = await local.invoke(layered?.spec.functionArn ?? 'missing', {});

      expect(greeting).toBe('hello from the layer');
    });

    it('arms the scheduled rule and the schedule, each for its next time', () => {
      const timers = local.eventBus.scheduledTimers();
      const now = Date.now();

      expect(timers).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ expression: 'rate(1 minute)' }),
          expect.objectContaining({ expression: 'cron(0 3 * * ? *)' }),
        ]),
      );
      const everyMinute = timers.find((timer) => timer.expression === 'rate(1 minute)');
      expect(everyMinute?.nextFireTime).toBeGreaterThan(now);
      expect(everyMinute?.nextFireTime).toBeLessThanOrEqual(now + 60_000);
    });
  });

  it('does not send the custom resource a request again when a restart finds its properties unchanged', async () => {
    const assembly = synthesize(root, { greetingName: 'world' });
    const before = readRecords(root, 'custom-resource').length;

    const local = await start(assembly);
    await local.stop();

    expect(readRecords(root, 'custom-resource')).toHaveLength(before);
    expect(local.outputs.Deploy?.GreetingText).toBe('hello world');
  });

  it('sends Update with the old properties when they changed, and Delete once the resource is gone', async () => {
    const before = readRecords(root, 'custom-resource').length;

    const updated = await start(synthesize(root, { greetingName: 'moon' }));
    await updated.stop();
    const removed = await start(synthesize(root, {}));
    await removed.stop();

    const requests = readRecords(root, 'custom-resource').slice(before);
    expect(requests.map((request) => request.RequestType)).toEqual(['Update', 'Delete', 'Delete']);
    expect(requests[0]).toMatchObject({
      PhysicalResourceId: 'greeting-world',
      ResourceProperties: { Name: 'moon' },
      OldResourceProperties: { Name: 'world' },
    });
    // The Update answered with a new physical id: the replaced resource is deleted, as CloudFormation does.
    expect(requests[1]).toMatchObject({ PhysicalResourceId: 'greeting-world' });
    expect(requests[2]).toMatchObject({ PhysicalResourceId: 'greeting-moon', ResourceProperties: { Name: 'moon' } });
    expect(updated.outputs.Deploy).toMatchObject({ GreetingText: 'hello moon', GreetingId: 'greeting-moon' });
  });

  it("fails to start with the provider's Reason when the custom resource answers FAILED", async () => {
    const assembly = synthesize(root, { greetingName: 'broken' });
    const otherData = path.join(root, 'data-failed');

    const starting = startLocalMode({ port: 0, dataDir: otherData, cloudAssemblyDir: assembly, log: () => {} });

    await expect(starting).rejects.toThrow(
      /Greeting \(AWS::CloudFormation::CustomResource\) Create failed: .*Message returned: the greeting cannot be broken/,
    );
  });
});

function recorderArn(local: LocalMode): string {
  const found = [...local.functions.values()].find((fn) => fn.spec.handler === 'index.record');
  return found?.spec.functionArn ?? 'missing';
}
