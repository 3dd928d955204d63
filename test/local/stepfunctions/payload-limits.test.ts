import { InvalidExecutionInput, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createStateMachine, functionArn, runToCompletion, startHarness, type Harness } from './harness';

// Step Functions' quota on a task's, state's or execution's input or output: 256 KiB of UTF-8 JSON.
const LIMIT = 262_144;

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness.stop({ removeData: true });
});

describe('States.DataLimitExceeded', () => {
  it('fails the execution when a function returns more than 256 KiB, past Retry and Catch on States.ALL', async () => {
    // Prepare
    const arn = functionArn('too-much');
    harness.functions.set(arn, async () => ({ blob: 'x'.repeat(LIMIT) }));
    const definition = {
      StartAt: 'Produce',
      States: {
        Produce: {
          Type: 'Task',
          Resource: arn,
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }],
          Catch: [{ ErrorEquals: ['States.ALL', 'States.TaskFailed'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'function-result', definition);

    // Assess
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: `The state/task '${arn}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    });
    expect(harness.invocations.get(arn)).toHaveLength(1);
  });

  it('measures UTF-8 bytes: a state output under 256 KiB characters but over 256 KiB bytes fails', async () => {
    // Prepare: twice 70,000 two-byte characters are 140,000 characters but 280,000 bytes. (Large values come from the
    // input: a definition holding them would make the cold ASL validation take seconds.)
    const definition = {
      StartAt: 'Accented',
      States: { Accented: { Type: 'Pass', Parameters: { 'a.$': '$.text', 'b.$': '$.text' }, End: true } },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'state-output', definition, { text: 'é'.repeat(70_000) });

    // Assess
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause:
        "The state/task 'Accented' returned a result with a size exceeding the maximum number of bytes service limit.",
    });
  });

  it('lets a Catcher that names the error catch it from a Map iteration, even behind a States.ALL Catcher', async () => {
    // Prepare
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Grow',
            States: { Grow: { Type: 'Pass', Parameters: { 'a.$': '$.half', 'b.$': '$.half' }, End: true } },
          },
          Catch: [
            { ErrorEquals: ['States.ALL'], Next: 'Wildcard' },
            { ErrorEquals: ['States.DataLimitExceeded'], ResultPath: '$.error', Next: 'Named' },
          ],
          End: true,
        },
        Wildcard: { Type: 'Pass', Result: 'wildcard', End: true },
        Named: { Type: 'Pass', OutputPath: '$.error.Error', End: true },
      },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'map-iteration', definition, {
      items: [{ half: 'x'.repeat(140_000) }],
    });

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toBe('States.DataLimitExceeded');
  });

  it('fails a Task whose input after Parameters exceeds 256 KiB without invoking its function', async () => {
    // Prepare: each copy fits; the two together do not.
    const arn = functionArn('never-called');
    harness.functions.set(arn, async () => ({}));
    const definition = {
      StartAt: 'Twice',
      States: {
        Twice: { Type: 'Task', Resource: arn, Parameters: { 'a.$': '$.half', 'b.$': '$.half' }, End: true },
      },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'task-input', definition, { half: 'x'.repeat(140_000) });

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(harness.invocations.get(arn)).toBeUndefined();
  });

  it('refuses StartExecution with more than 256 KiB of input as InvalidExecutionInput', async () => {
    // Prepare
    const stateMachineArn = await createStateMachine(harness.client, 'start-input', {
      StartAt: 'Done',
      States: { Done: { Type: 'Pass', End: true } },
    });

    // Act
    const started = harness.client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify('x'.repeat(LIMIT)) }),
    );

    // Assess
    await expect(started).rejects.toBeInstanceOf(InvalidExecutionInput);
  });
});
