import { logger } from '../../shared/logger';
import { Messages } from '../../workflow/domain/messages';
import { WorkflowStatus, type OperatorObject } from '../../workflow/domain/types';
import { complete, errorText, executing, failure, parseOperatorEvent } from '../shared/operator';
import type { ExecutionTable } from '../../tables/executions';

export const WAIT_ERROR = 'WaitError';

/** The workflow execution table, as far as the Wait operator needs it: `Status` alone. */
export type WorkflowExecutionStatuses = Pick<ExecutionTable, 'markWaiting' | 'status'>;

/** Tells the workflow scheduler that an execution stopped running, so its slot can go to a queued one. */
export interface SchedulerNotifier {
  executionWaiting(executionId: string): Promise<void>;
}

export interface WaitDependencies {
  readonly executions: WorkflowExecutionStatuses;
  readonly scheduler: SchedulerNotifier;
}

/**
 * Start of the `Wait` operation: pauses the workflow execution until `PUT /workflow/execution/{id}` resumes it.
 * The original only sets `Waiting` (its scheduler counts `Started` executions, so the slot frees itself); our
 * scheduler keeps slots, so it is told as well.
 */
export async function runWaitStart(event: unknown, deps: WaitDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const executionId = operator.WorkflowExecutionId;
  let marked: boolean;
  try {
    marked = await deps.executions.markWaiting(executionId);
  } catch (error) {
    throw failure(operator, WAIT_ERROR, Messages.waitCouldNotPause(errorText(error)));
  }
  if (!marked)
    throw failure(operator, WAIT_ERROR, Messages.waitCouldNotPause(`workflow execution ${executionId} not found`));
  try {
    await deps.scheduler.executionWaiting(executionId);
  } catch (error) {
    // The execution is already Waiting; the scheduler's one-minute round frees the slot if this call was lost.
    logger.error('Telling the scheduler that the execution is waiting failed', { executionId, error });
  }
  return executing(operator);
}

/**
 * Monitor of the `Wait` operation: `Executing` while the execution waits, `Complete` once the scheduler has given
 * it a slot again (`Started`). The original fails on `Resumed` (resumed but not yet re-admitted, which happens
 * when all slots are taken); we keep waiting through it.
 */
export async function runWaitCheck(event: unknown, deps: WaitDependencies): Promise<OperatorObject> {
  const operator = parseOperatorEvent(event);
  const executionId = operator.WorkflowExecutionId;
  let status: string | undefined;
  try {
    status = await deps.executions.status(executionId);
  } catch (error) {
    throw failure(operator, WAIT_ERROR, errorText(error));
  }
  if (status === undefined) throw failure(operator, WAIT_ERROR, Messages.waitExecutionMissing(executionId));
  if (status === WorkflowStatus.Waiting || status === WorkflowStatus.Resumed) return executing(operator);
  if (status === WorkflowStatus.Started) return complete(operator);
  throw failure(operator, WAIT_ERROR, Messages.waitUnexpectedStatus(status));
}
