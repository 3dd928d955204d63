import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { RESTART_CAUSE } from '../../../lib/local/stepfunctions';
import {
  createStateMachine,
  eventually,
  functionArn,
  runToCompletion,
  startExecution,
  startHarness,
  stateMachineArn,
  waitForExecution,
  type Harness,
} from './harness';

const LONG_WAIT = { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 60, End: true } } };

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness();
});

afterEach(async () => {
  await harness.stop({ removeData: true });
});

describe('StopExecution', () => {
  it('aborts a running execution with the given error and cause and emits the ABORTED event', async () => {
    // Prepare
    const arn = await createStateMachine(harness.client, 'long', LONG_WAIT);
    const executionArn = await startExecution(harness.client, arn);

    // Act
    await harness.client.send(new StopExecutionCommand({ executionArn, error: 'UserCancelled', cause: 'by test' }));

    // Assess
    const execution = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution).toMatchObject({ status: 'ABORTED', error: 'UserCancelled', cause: 'by test' });
    expect(harness.statusEvents.map((event) => event.detail.status)).toEqual(['RUNNING', 'ABORTED']);
    const { events } = await harness.client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events!.at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'UserCancelled', cause: 'by test' },
    });
  });

  it('stops the child of a .sync task along with its parent', async () => {
    // Prepare
    await createStateMachine(harness.client, 'stage', LONG_WAIT);
    const parentArn = await createStateMachine(harness.client, 'workflow', {
      StartAt: 'Run child',
      States: {
        'Run child': {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: { StateMachineArn: stateMachineArn('stage') },
          End: true,
        },
      },
    });
    const parent = await startExecution(harness.client, parentArn);
    await eventually(() =>
      harness.statusEvents.some((event) => event.detail.stateMachineArn === stateMachineArn('stage')),
    );

    // Act
    await harness.client.send(new StopExecutionCommand({ executionArn: parent }));

    // Assess
    const { executions } = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: stateMachineArn('stage') }),
    );
    await waitForExecution(harness.client, executions![0].executionArn!);
    const child = await harness.client.send(
      new DescribeExecutionCommand({ executionArn: executions![0].executionArn }),
    );
    expect(child.status).toBe('ABORTED');
  });
});

describe('execution status change events', () => {
  it('are shaped like the EventBridge events of aws.states, from RUNNING to SUCCEEDED', async () => {
    // Prepare
    const definition = { StartAt: 'Done', States: { Done: { Type: 'Pass', Result: { ok: 1 }, End: true } } };

    // Act
    const execution = await runToCompletion(harness.client, 'events', definition, { in: 1 });

    // Assess
    expect(harness.statusEvents).toHaveLength(2);
    const [running, succeeded] = harness.statusEvents;
    expect(running).toMatchObject({
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      region: 'us-east-1',
      resources: [execution.executionArn],
      detail: { status: 'RUNNING', input: '{"in":1}', output: null, stopDate: null },
    });
    expect(succeeded.detail).toMatchObject({
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: 'SUCCEEDED',
      output: '{"ok":1}',
      startDate: execution.startDate!.getTime(),
      stopDate: execution.stopDate!.getTime(),
      error: null,
      cause: null,
    });
  });
});

describe('execution timeouts', () => {
  it('ends an execution that outlives the machine TimeoutSeconds as TIMED_OUT', async () => {
    // Prepare
    const definition = { TimeoutSeconds: 1, ...LONG_WAIT };

    // Act
    const execution = await runToCompletion(harness.client, 'bounded', definition);

    // Assess
    expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });
});

describe('StartSyncExecution', () => {
  it('runs an EXPRESS machine to the end and answers with its status and output', async () => {
    // Prepare
    harness.functions.set(functionArn('echo'), async (payload) => payload);
    const arn = await createStateMachine(
      harness.client,
      'express',
      { StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: functionArn('echo'), End: true } } },
      'EXPRESS',
    );

    // Act
    const result = await harness
      .syncClient()
      .send(new StartSyncExecutionCommand({ stateMachineArn: arn, input: '{"a":1}' }));

    // Assess
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"a":1}' });
    expect(result.executionArn).toMatch(/^arn:aws:states:us-east-1:000000000000:express:express:/);
    expect(harness.statusEvents).toEqual([]);
  });
});

describe('restart', () => {
  it('leaves executions close() interrupted RUNNING, parent and .sync child alike, until the next start', async () => {
    // Prepare
    await createStateMachine(harness.client, 'stage', LONG_WAIT);
    const parentArn = await createStateMachine(harness.client, 'workflow', {
      StartAt: 'Run child',
      States: {
        'Run child': {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: { StateMachineArn: stateMachineArn('stage') },
          End: true,
        },
      },
    });
    await startExecution(harness.client, parentArn);
    await eventually(() => harness.statusEvents.length === 2);

    // Act
    await harness.stop();
    const eventsDuringClose = harness.statusEvents.length;
    harness = await startHarness({ dataDir: harness.dataDir });

    // Assess
    expect(eventsDuringClose).toBe(2);
    expect(harness.statusEvents.map((event) => [event.detail.stateMachineArn, event.detail.status]).sort()).toEqual([
      [stateMachineArn('stage'), 'FAILED'],
      [stateMachineArn('workflow'), 'FAILED'],
    ]);
  });

  it('fails executions a restart interrupted, keeps finished ones, and forgets their task tokens', async () => {
    // Prepare
    let token = '';
    harness.functions.set(functionArn('worker'), async (payload) => {
      token = (payload as { token: string }).token;
    });
    const finishedArn = await startExecution(
      harness.client,
      await createStateMachine(harness.client, 'quick', { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
    );
    await waitForExecution(harness.client, finishedArn);
    const callbackArn = await createStateMachine(harness.client, 'callback', {
      StartAt: 'Wait for worker',
      States: {
        'Wait for worker': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'worker', Payload: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    });
    const interruptedArn = await startExecution(harness.client, callbackArn);
    await eventually(() => token !== '');
    await harness.stop();

    // Act
    harness = await startHarness({ dataDir: harness.dataDir });

    // Assess
    const interrupted = await harness.client.send(new DescribeExecutionCommand({ executionArn: interruptedArn }));
    expect(interrupted).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: RESTART_CAUSE });
    expect(harness.statusEvents.map((event) => [event.detail.executionArn, event.detail.status])).toEqual([
      [interruptedArn, 'FAILED'],
    ]);
    const finished = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: stateMachineArn('quick'), statusFilter: 'SUCCEEDED' }),
    );
    expect(finished.executions!.map((execution) => execution.executionArn)).toEqual([finishedArn]);
    const history = await harness.client.send(new GetExecutionHistoryCommand({ executionArn: finishedArn }));
    expect(history.events!.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    await expect(
      harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });
});
