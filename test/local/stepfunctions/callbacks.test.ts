import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  createStateMachine,
  eventually,
  functionArn,
  functionError,
  startExecution,
  startHarness,
  waitForExecution,
  type Harness,
} from './harness';

let harness: Harness;
let tokens: string[];

beforeEach(async () => {
  harness = await startHarness();
  tokens = [];
  // The worker only records the token it is handed; each test plays the part of whoever calls back.
  harness.functions.set(functionArn('worker'), async (payload) => {
    tokens.push((payload as { token: string }).token);
    return { accepted: true };
  });
});

afterEach(async () => {
  await harness.stop({ removeData: true });
});

function callbackMachine(taskFields: object = {}): object {
  return {
    StartAt: 'Wait for worker',
    States: {
      'Wait for worker': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'worker', Payload: { 'token.$': '$$.Task.Token', 'job.$': '$.job' } },
        ...taskFields,
        End: true,
      },
    },
  };
}

async function startCallback(taskFields?: object): Promise<string> {
  const arn = await createStateMachine(harness.client, 'callback', callbackMachine(taskFields));
  const executionArn = await startExecution(harness.client, arn, { job: 'transcode' });
  await eventually(() => tokens.length === 1);
  return executionArn;
}

describe('.waitForTaskToken on lambda:invoke', () => {
  it('hands the function a task token and completes with the output of SendTaskSuccess', async () => {
    // Prepare
    const executionArn = await startCallback();

    // Act
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"done":true}' }));

    // Assess
    const execution = await waitForExecution(harness.client, executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ done: true });
    expect(harness.invocations.get(functionArn('worker'))).toEqual([{ token: tokens[0], job: 'transcode' }]);
  });

  it('fails the task with the error and cause of SendTaskFailure', async () => {
    // Prepare
    const executionArn = await startCallback();

    // Act
    await harness.client.send(
      new SendTaskFailureCommand({ taskToken: tokens[0], error: 'TranscodeFailed', cause: 'codec missing' }),
    );

    // Assess
    const execution = await waitForExecution(harness.client, executionArn);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'TranscodeFailed', cause: 'codec missing' });
  });

  it('fails with States.Timeout when no callback arrives within TimeoutSeconds', async () => {
    // Prepare
    const executionArn = await startCallback({ TimeoutSeconds: 1 });

    // Act
    const execution = await waitForExecution(harness.client, executionArn);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('keeps the task alive while heartbeats arrive and times it out once they stop', async () => {
    // Prepare
    const executionArn = await startCallback({ HeartbeatSeconds: 1 });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 600));
    await harness.client.send(new SendTaskHeartbeatCommand({ taskToken: tokens[0] }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    const afterHeartbeat = await harness.service.describeExecution({ executionArn });
    const execution = await waitForExecution(harness.client, executionArn);

    // Assess
    expect(afterHeartbeat.status).toBe('RUNNING');
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('fails the task at once when the function invoked to deliver the token fails', async () => {
    // Prepare
    harness.functions.set(functionArn('worker'), async () => {
      throw functionError('QueueFull', 'try later');
    });
    const arn = await createStateMachine(harness.client, 'callback', callbackMachine());

    // Act
    const execution = await waitForExecution(harness.client, await startExecution(harness.client, arn, { job: 'x' }));

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'QueueFull' });
  });

  it('answers TaskTimedOut for a token whose task already completed and InvalidToken for a malformed one', async () => {
    // Prepare
    const executionArn = await startCallback();
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' }));
    await waitForExecution(harness.client, executionArn);

    // Act
    const late = harness.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' }));
    const malformed = harness.client.send(new SendTaskHeartbeatCommand({ taskToken: 'not-a-token' }));

    // Assess
    await expect(late).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(malformed).rejects.toBeInstanceOf(InvalidToken);
  });
});
