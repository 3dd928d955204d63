import { ListExecutionsCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  createStateMachine,
  eventually,
  runToCompletion,
  startHarness,
  stateMachineArn,
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

function parentOf(child: string, resource: string, taskFields: object = {}): object {
  return {
    StartAt: 'Run child',
    States: {
      'Run child': {
        Type: 'Task',
        Resource: resource,
        Parameters: {
          StateMachineArn: stateMachineArn(child),
          'Input.$': '$',
          'Name.$': "States.Format('{}-child', $$.Execution.Name)",
        },
        ...taskFields,
        End: true,
      },
    },
  };
}

describe('states:startExecution', () => {
  it('.sync waits for the child and returns its description with Output as a JSON string', async () => {
    // Prepare
    await createStateMachine(harness.client, 'stage', {
      StartAt: 'Work',
      States: { Work: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } },
    });

    // Act
    const parent = await runToCompletion(
      harness.client,
      'workflow',
      parentOf('stage', 'arn:aws:states:::states:startExecution.sync'),
      { n: 4 },
    );

    // Assess
    expect(parent.status).toBe('SUCCEEDED');
    const description = JSON.parse(parent.output!);
    expect(description).toMatchObject({ Status: 'SUCCEEDED', Output: '{"doubled":8}', Name: `${parent.name}-child` });
    expect(typeof description.StartDate).toBe('number');
  });

  it('.sync:2 returns the child Output as parsed JSON', async () => {
    // Prepare
    await createStateMachine(harness.client, 'stage', {
      StartAt: 'Work',
      States: { Work: { Type: 'Pass', Result: { ok: true }, End: true } },
    });

    // Act
    const parent = await runToCompletion(
      harness.client,
      'workflow',
      parentOf('stage', 'arn:aws:states:::states:startExecution.sync:2', { OutputPath: '$.Output' }),
    );

    // Assess
    expect(JSON.parse(parent.output!)).toEqual({ ok: true });
  });

  it('.sync fails the parent task with States.TaskFailed when the child fails', async () => {
    // Prepare
    await createStateMachine(harness.client, 'stage', {
      StartAt: 'Break',
      States: { Break: { Type: 'Fail', Error: 'StageFailed', Cause: 'no media' } },
    });

    // Act
    const parent = await runToCompletion(
      harness.client,
      'workflow',
      parentOf('stage', 'arn:aws:states:::states:startExecution.sync'),
    );

    // Assess
    expect(parent).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    expect(JSON.parse(parent.cause!)).toMatchObject({ Status: 'FAILED', Error: 'StageFailed', Cause: 'no media' });
  });

  it('without .sync starts the child and moves on with its ARN', async () => {
    // Prepare
    await createStateMachine(harness.client, 'stage', {
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Seconds: 1, End: true } },
    });

    // Act
    const parent = await runToCompletion(
      harness.client,
      'workflow',
      parentOf('stage', 'arn:aws:states:::states:startExecution'),
    );

    // Assess
    const { ExecutionArn } = JSON.parse(parent.output!);
    const { executions } = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: stateMachineArn('stage') }),
    );
    expect(executions!.map((execution) => execution.executionArn)).toEqual([ExecutionArn]);
    expect(executions![0].status).toBe('RUNNING');
  });

  it('.waitForTaskToken passes the token in the child input and completes on SendTaskSuccess', async () => {
    // Prepare
    await createStateMachine(harness.client, 'stage', {
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Seconds: 1, End: true } },
    });
    const parentArn = await createStateMachine(harness.client, 'workflow', {
      StartAt: 'Run child',
      States: {
        'Run child': {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.waitForTaskToken',
          Parameters: { StateMachineArn: stateMachineArn('stage'), Input: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    });
    const started = await harness.service.startExecution({ stateMachineArn: parentArn });
    let childInput: { token: string } | undefined;
    await eventually(() => {
      const child = [...harness.statusEvents].find(
        (event) => event.detail.stateMachineArn === stateMachineArn('stage'),
      );
      childInput = child && JSON.parse(child.detail.input);
      return childInput !== undefined;
    });

    // Act
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: childInput!.token, output: '"approved"' }));

    // Assess
    const parent = await waitForExecution(harness.client, started.executionArn!);
    expect(parent).toMatchObject({ status: 'SUCCEEDED', output: '"approved"' });
  });
});
