/**
 * The workflow scheduler's decisions. The original keeps queued executions in an SQS standard queue and runs a
 * single-instance Lambda every minute, and whenever an execution is queued, resumed, completes or fails.
 */
import {
  DEFAULT_MAX_CONCURRENT_WORKFLOWS,
  MAX_CONCURRENT_WORKFLOWS_LIMIT,
  WorkflowStatus,
  type ExecutionStage,
  type WorkflowExecution,
} from './types';

/** An execution waiting for a slot: newly created (`Queued`) or resumed after a Wait operator (`Resumed`). */
export interface QueuedExecution {
  readonly Id: string;
  readonly Status: typeof WorkflowStatus.Queued | typeof WorkflowStatus.Resumed;
  readonly Created: string;
}

export interface ScheduledExecution extends QueuedExecution {
  /**
   * A resumed execution's state machine is still running (its Wait operator is polling); only a queued one needs
   * its state machine started. Either way the execution goes to `Started`.
   */
  readonly startsStateMachine: boolean;
}

/**
 * Only `Started` executions occupy a slot. `Waiting` ones do not, so a paused workflow never blocks others, and a
 * resumed one must wait for a free slot like a new one.
 */
export function occupiesSlot(status: string): boolean {
  return status === WorkflowStatus.Started;
}

export function countRunning(statuses: Iterable<string>): number {
  let running = 0;
  for (const status of statuses) if (occupiesSlot(status)) running += 1;
  return running;
}

/**
 * `MaxConcurrentWorkflows` from the system table item, if any. The original stores whatever number was posted and
 * truncates it when reading; a value stored before the maximum existed counts as the maximum.
 */
export function maxConcurrentWorkflows(item: { Value?: unknown } | undefined): number {
  if (item === undefined) return DEFAULT_MAX_CONCURRENT_WORKFLOWS;
  const value = Math.trunc(Number(item.Value));
  return Number.isFinite(value) ? Math.min(value, MAX_CONCURRENT_WORKFLOWS_LIMIT) : DEFAULT_MAX_CONCURRENT_WORKFLOWS;
}

/**
 * Which queued executions to start now: the oldest first (by `Created`, then queue order), as many as there are
 * free slots. The original's SQS standard queue is only roughly first-in first-out.
 */
export function scheduleExecutions(
  queue: readonly QueuedExecution[],
  runningCount: number,
  maxConcurrent: number,
): ScheduledExecution[] {
  const capacity = Math.max(0, maxConcurrent - runningCount);
  if (capacity === 0) return [];
  return queue
    .map((execution, position) => ({ execution, position }))
    .sort((a, b) => Number(a.execution.Created) - Number(b.execution.Created) || a.position - b.position)
    .slice(0, capacity)
    .map(({ execution }) => ({ ...execution, startsStateMachine: execution.Status !== WorkflowStatus.Resumed }));
}

/**
 * How the original starts a workflow's state machine: the execution name is the workflow name followed directly by
 * the execution id, and the input is the current stage's record.
 */
export function stateMachineStart(execution: WorkflowExecution): { name: string; input: ExecutionStage } {
  return {
    name: `${execution.Workflow.Name}${execution.Id}`,
    input: execution.Workflow.Stages[execution.CurrentStage],
  };
}
