import {
  countRunning,
  maxConcurrentWorkflows,
  occupiesSlot,
  scheduleExecutions,
  stateMachineStart,
  type QueuedExecution,
} from '../../../../lambdas/media-insights/workflow/domain/scheduler';
import { aStage, aWorkflow, anExecution, anOperation } from './fixtures';

const queued = (Id: string, Created: string, Status: QueuedExecution['Status'] = 'Queued'): QueuedExecution => ({
  Id,
  Created,
  Status,
});

describe('scheduleExecutions', () => {
  it('starts the oldest queued executions up to the free slots', () => {
    // Prepare
    const queue = [queued('c', '1700000003.0'), queued('a', '1700000001.0'), queued('b', '1700000002.0')];

    // Act
    const started = scheduleExecutions(queue, 3, 5);

    // Assess
    expect(started.map((execution) => execution.Id)).toEqual(['a', 'b']);
  });

  it('starts nothing when every slot is taken', () => {
    // Act
    const started = scheduleExecutions([queued('a', '1.0')], 5, 5);

    // Assess
    expect(started).toEqual([]);
  });

  it('starts nothing when the limit was lowered below the running count', () => {
    // Act
    const started = scheduleExecutions([queued('a', '1.0')], 4, 2);

    // Assess
    expect(started).toEqual([]);
  });

  it('keeps queue order between executions created at the same time', () => {
    // Act
    const started = scheduleExecutions([queued('first', '5.0'), queued('second', '5.0')], 0, 1);

    // Assess
    expect(started.map((execution) => execution.Id)).toEqual(['first']);
  });

  it('starts a state machine only for queued executions, not for resumed ones', () => {
    // Act
    const started = scheduleExecutions([queued('new', '2.0'), queued('paused', '1.0', 'Resumed')], 0, 10);

    // Assess
    expect(started).toEqual([
      { Id: 'paused', Created: '1.0', Status: 'Resumed', startsStateMachine: false },
      { Id: 'new', Created: '2.0', Status: 'Queued', startsStateMachine: true },
    ]);
  });
});

describe('running executions', () => {
  it('counts only Started executions as occupying a slot', () => {
    // Act
    const running = countRunning(['Started', 'Waiting', 'Queued', 'Resumed', 'Complete', 'Error', 'Started']);

    // Assess
    expect(running).toBe(2);
    expect(occupiesSlot('Waiting')).toBe(false);
  });
});

describe('maxConcurrentWorkflows', () => {
  it('uses the stack default of 5 when nothing is configured', () => {
    // Act
    const limit = maxConcurrentWorkflows(undefined);

    // Assess
    expect(limit).toBe(5);
  });

  it('reads the configured value, truncating a fraction as the original int() does', () => {
    // Act
    const limits = [maxConcurrentWorkflows({ Value: 3 }), maxConcurrentWorkflows({ Value: 2.9 })];

    // Assess
    expect(limits).toEqual([3, 2]);
  });

  it('counts a value stored before the maximum existed as the maximum, so scheduling never stops', () => {
    // Act
    const limit = maxConcurrentWorkflows({ Value: 4294967296 });

    // Assess
    expect(limit).toBe(1000);
  });
});

describe('stateMachineStart', () => {
  it('names the state machine execution after the workflow and the execution id and starts at the current stage', () => {
    // Prepare
    const workflow = aWorkflow('wf', [aStage('Preprocess', [anOperation('Mediainfo')])]);
    const execution = anExecution(workflow);

    // Act
    const start = stateMachineStart(execution);

    // Assess
    expect(start.name).toBe('wfexec-1');
    expect(start.input).toBe(execution.Workflow.Stages.Preprocess);
  });
});
