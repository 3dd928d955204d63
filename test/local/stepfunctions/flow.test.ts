import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import {
  createStateMachine,
  functionArn,
  functionError,
  runToCompletion,
  startExecution,
  startHarness,
  waitForExecution,
  type Harness,
} from './harness';

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness();
});

afterEach(async () => {
  await harness.stop({ removeData: true });
});

function output(execution: { output?: string }): unknown {
  return JSON.parse(execution.output ?? 'null');
}

describe('control flow states', () => {
  it('runs Pass with Result, ResultPath and Parameters to SUCCEEDED', async () => {
    // Prepare
    const definition = {
      StartAt: 'Greet',
      States: {
        Greet: { Type: 'Pass', Result: { greeting: 'hello' }, ResultPath: '$.result', Next: 'Shape' },
        Shape: {
          Type: 'Pass',
          Parameters: { 'text.$': "States.Format('{} {}', $.result.greeting, $.who)" },
          End: true,
        },
      },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'pass', definition, { who: 'world' });

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(output(execution)).toEqual({ text: 'hello world' });
  });

  it('follows the Choice rule that matches and falls back to Default otherwise', async () => {
    // Prepare
    const definition = {
      StartAt: 'Route',
      States: {
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$.size', NumericGreaterThan: 10, Next: 'Large' }],
          Default: 'Small',
        },
        Large: { Type: 'Pass', Result: 'large', End: true },
        Small: { Type: 'Pass', Result: 'small', End: true },
      },
    };
    const arn = await createStateMachine(harness.client, 'choice', definition);

    // Act
    const large = await waitForExecution(harness.client, await startExecution(harness.client, arn, { size: 11 }));
    const small = await waitForExecution(harness.client, await startExecution(harness.client, arn, { size: 3 }));

    // Assess
    expect([output(large), output(small)]).toEqual(['large', 'small']);
  });

  it('pauses in a Wait state for its Seconds', async () => {
    // Prepare
    const definition = { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 1, End: true } } };

    // Act
    const execution = await runToCompletion(harness.client, 'wait', definition);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.stopDate!.getTime() - execution.startDate!.getTime()).toBeGreaterThanOrEqual(950);
  });

  it('collects Parallel branch results in branch order', async () => {
    // Prepare
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', Result: 'left', End: true } } },
            { StartAt: 'Right', States: { Right: { Type: 'Pass', Result: 'right', End: true } } },
          ],
          End: true,
        },
      },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'parallel', definition);

    // Assess
    expect(output(execution)).toEqual(['left', 'right']);
  });

  it('maps every item and still exposes the execution input as $$.Execution.Input inside iterations', async () => {
    // Prepare
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Tag',
            States: {
              Tag: {
                Type: 'Pass',
                Parameters: { 'item.$': '$', 'batch.$': '$$.Execution.Input.batch' },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'map', definition, { batch: 'b1', items: [1, 2] });

    // Assess
    expect(output(execution)).toEqual([
      { item: 1, batch: 'b1' },
      { item: 2, batch: 'b1' },
    ]);
  });

  it('fails the execution with the Fail state error and cause', async () => {
    // Prepare
    const definition = { StartAt: 'Stop', States: { Stop: { Type: 'Fail', Error: 'Rejected', Cause: 'bad input' } } };

    // Act
    const execution = await runToCompletion(harness.client, 'fail', definition);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'bad input' });
  });
});

describe('Lambda tasks', () => {
  it('wraps a lambda:invoke result in the Invoke response and resolves every FunctionName form', async () => {
    // Prepare
    harness.functions.set(functionArn('analyze'), async (payload) => ({ seen: payload }));
    const invoke = (functionName: string, resultPath: string, next?: string) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: functionName, 'Payload.$': '$.job' },
      ResultPath: resultPath,
      ...(next ? { Next: next } : { End: true }),
    });
    const definition = {
      StartAt: 'ByName',
      States: {
        ByName: invoke('analyze', '$.byName', 'ByQualifiedArn'),
        ByQualifiedArn: invoke(`${functionArn('analyze')}:live`, '$.byQualifiedArn', 'ByArn'),
        ByArn: invoke(functionArn('analyze'), '$.byArn'),
      },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'invoke', definition, { job: { id: 7 } });

    // Assess
    const result = output(execution) as Record<string, unknown>;
    expect(result.byName).toMatchObject({ ExecutedVersion: '$LATEST', StatusCode: 200, Payload: { seen: { id: 7 } } });
    expect(result.byQualifiedArn).toMatchObject({ StatusCode: 200, Payload: { seen: { id: 7 } } });
    expect(result.byArn).toMatchObject({ StatusCode: 200, Payload: { seen: { id: 7 } } });
    expect(harness.invocations.get(functionArn('analyze'))).toHaveLength(3);
  });

  it('returns the bare payload for a Task whose Resource is a Lambda function ARN', async () => {
    // Prepare
    harness.functions.set(functionArn('double'), async (payload) => ({
      value: (payload as { value: number }).value * 2,
    }));
    const definition = {
      StartAt: 'Double',
      States: { Double: { Type: 'Task', Resource: functionArn('double'), End: true } },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'plain-arn', definition, { value: 21 });

    // Assess
    expect(output(execution)).toEqual({ value: 42 });
  });

  it('retries a function error named in Retry and then catches it with the Lambda error payload as Cause', async () => {
    // Prepare
    harness.functions.set(functionArn('flaky'), async () => {
      throw functionError('MasExecutionError', 'operator failed');
    });
    const definition = {
      StartAt: 'Operate',
      States: {
        Operate: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'flaky', Payload: {} },
          Retry: [{ ErrorEquals: ['MasExecutionError'], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', End: true },
      },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'retry-catch', definition);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(harness.invocations.get(functionArn('flaky'))).toHaveLength(2);
    const { failure } = output(execution) as { failure: { Error: string; Cause: string } };
    expect(failure.Error).toBe('MasExecutionError');
    expect(JSON.parse(failure.Cause)).toEqual({ errorType: 'MasExecutionError', errorMessage: 'operator failed' });
  });

  it('fails the execution with the function error when nothing catches it', async () => {
    // Prepare
    const definition = {
      StartAt: 'Missing',
      States: { Missing: { Type: 'Task', Resource: functionArn('nowhere'), End: true } },
    };

    // Act
    const execution = await runToCompletion(harness.client, 'uncaught', definition);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
  });

  it('records state transitions and the task failure in the execution history', async () => {
    // Prepare
    harness.functions.set(functionArn('broken'), async () => {
      throw functionError('Boom', 'broken');
    });
    const definition = {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'broken' },
          End: true,
        },
      },
    };
    const execution = await runToCompletion(harness.client, 'history', definition);

    // Act
    const { events } = await harness.client.send(
      new GetExecutionHistoryCommand({ executionArn: execution.executionArn! }),
    );

    // Assess
    expect(events!.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskFailed',
      'ExecutionFailed',
    ]);
    expect(events![2].taskFailedEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'Boom',
    });
    expect(events!.map((event) => event.id)).toEqual([1, 2, 3, 4]);
    expect(events![0].timestamp).toBeInstanceOf(Date);
  });
});
