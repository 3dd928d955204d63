import { maxConcurrentWorkflows } from '../domain/scheduler';
import { WorkflowStatus } from '../domain/types';
import type { ExecutionHeader } from '../../tables/executions';
import type { SystemTable } from '../../tables/system';
import type { ExecutionStore, SlotStore, StateMachineRunner, SystemConfiguration } from './ports';
import { WorkflowEngine } from './engine';
import { releaseSlots } from './slots';

/** A slot claimed for an execution that never reached `Started` is given back after this long. */
export const CLAIM_GRACE_MS = 60_000;

export interface SchedulerDependencies {
  readonly executions: ExecutionStore;
  readonly slots: SlotStore;
  readonly configuration: SystemConfiguration;
  readonly stateMachine: StateMachineRunner;
  readonly now: () => number;
}

export interface ScheduleReport {
  readonly started: string[];
  readonly resumed: string[];
  readonly reclaimed: string[];
  readonly timedOut: string[];
  /** The request was served by a pass that started after it was made; this call did nothing. */
  readonly coalesced?: true;
}

/** `MaxConcurrentWorkflows` as the system table holds it now (at least 1), else the stack default. */
export function configuredConcurrency(system: Pick<SystemTable, 'get'>, stackDefault: number): SystemConfiguration {
  return {
    async maxConcurrentWorkflows() {
      const item = await system.get('MaxConcurrentWorkflows');
      return item ? Math.max(1, maxConcurrentWorkflows(item)) : stackDefault;
    },
  };
}

/**
 * Runs queued workflow executions while fewer than `MaxConcurrentWorkflows` are running. A running execution holds
 * one slot (a conditionally written item), which it gives back when it completes, fails, starts waiting, is deleted
 * or is stopped — and any slot whose holder is no longer running is reclaimed, so no slot can leak.
 */
export class Scheduler {
  constructor(private readonly deps: SchedulerDependencies) {}

  async schedule(): Promise<ScheduleReport> {
    const report: ScheduleReport = { started: [], resumed: [], reclaimed: [], timedOut: [] };
    const max = await this.deps.configuration.maxConcurrentWorkflows();
    const held = await this.reclaim(report);
    const free = [...Array(max).keys()].filter((slot) => !held.has(slot));

    // Resumed executions already have a state machine waiting on them: they go first, then the queue, oldest first.
    const candidates = [
      ...(await this.deps.executions.recordsInStatus(WorkflowStatus.Resumed)),
      ...(await this.deps.executions.recordsInStatus(WorkflowStatus.Queued)),
    ];
    for (const candidate of candidates) {
      const slot = free.shift();
      if (slot === undefined) break;
      if (!(await this.deps.slots.claim(slot, candidate.Id, this.deps.now()))) continue;
      const started = await this.startExecution(candidate, slot);
      if (started === 'started') report.started.push(candidate.Id);
      else if (started === 'resumed') report.resumed.push(candidate.Id);
      else free.unshift(slot);
    }
    return report;
  }

  async release(executionId: string): Promise<void> {
    await releaseSlots(this.deps.slots, executionId);
  }

  /**
   * A state machine execution failed, timed out or was aborted (EventBridge): the workflow execution becomes Error
   * with the cause, and its slot is released. The original needed a separate handler and could leak the slot.
   */
  async stateMachineEnded(executionId: string, status: string, cause: string | undefined): Promise<boolean> {
    const message =
      `Caught Step Function Execution Status Change event for execution: ${executionId}, status:${status}` +
      (cause ? `, cause: ${cause}` : '');
    const changed = await this.deps.executions.transition(
      executionId,
      [WorkflowStatus.Started, WorkflowStatus.Waiting, WorkflowStatus.Resumed],
      WorkflowStatus.Error,
      { Message: message },
    );
    await this.release(executionId);
    return changed;
  }

  /** Stops executions that ran longer than their workflow's optional `TimeoutSeconds`. */
  async enforceTimeouts(): Promise<string[]> {
    const stopped: string[] = [];
    for (const execution of await this.deps.executions.recordsInStatus(WorkflowStatus.Started)) {
      const timeout = Number((execution.Workflow as { TimeoutSeconds?: unknown }).TimeoutSeconds);
      if (!Number.isFinite(timeout) || timeout <= 0 || !execution.StateMachineExecutionArn) continue;
      const startDate = await this.deps.stateMachine.startDate(execution.StateMachineExecutionArn);
      if (!startDate || this.deps.now() - startDate.getTime() < timeout * 1000) continue;
      await this.deps.stateMachine.stop(
        execution.StateMachineExecutionArn,
        'MediaInsights.WorkflowTimeout',
        `Workflow ${execution.Workflow.Name} exceeded its TimeoutSeconds of ${timeout}`,
      );
      stopped.push(execution.Id);
    }
    return stopped;
  }

  private async reclaim(report: ScheduleReport): Promise<Set<number>> {
    const held = new Set<number>();
    for (const slot of await this.deps.slots.list()) {
      let holder = await this.deps.executions.header(slot.executionId);
      const justClaimed = this.deps.now() - slot.claimedAt < CLAIM_GRACE_MS;
      if (holder?.Status === WorkflowStatus.Started && !holder.StateMachineExecutionArn && !justClaimed) {
        await this.finishStart(holder);
        holder = await this.deps.executions.header(slot.executionId);
      }
      const running = holder?.Status === WorkflowStatus.Started;
      const starting =
        justClaimed && (holder?.Status === WorkflowStatus.Queued || holder?.Status === WorkflowStatus.Resumed);
      if (running || starting) {
        held.add(slot.slot);
      } else {
        await this.deps.slots.release(slot.slot, slot.executionId);
        report.reclaimed.push(slot.executionId);
      }
    }
    return held;
  }

  private async startExecution(candidate: ExecutionHeader, slot: number): Promise<'started' | 'resumed' | 'skipped'> {
    const from = candidate.Status === WorkflowStatus.Resumed ? WorkflowStatus.Resumed : WorkflowStatus.Queued;
    // The conditional transition is what makes a racing scheduler, or a deletion, lose cleanly.
    if (!(await this.deps.executions.transition(candidate.Id, [from], WorkflowStatus.Started))) {
      await this.deps.slots.release(slot, candidate.Id);
      return 'skipped';
    }
    if (from === WorkflowStatus.Resumed) return 'resumed';
    if (await this.finishStart(candidate)) return 'started';
    await this.deps.slots.release(slot, candidate.Id);
    return 'skipped';
  }

  /**
   * Starts the runner for an execution already marked Started and records its ARN; false (and Error) if that fails.
   * A scheduler that stopped between the two steps (a crash, a timeout, a local mode stop) left an execution Started
   * without an ARN: the next schedule comes back here, and the execution name makes the start idempotent.
   */
  private async finishStart(execution: ExecutionHeader): Promise<boolean> {
    try {
      const operations = await this.deps.executions.stageOperations(execution, execution.CurrentStage);
      const input = WorkflowEngine.stageInput(execution.Id, execution.CurrentStage, operations);
      const arn = await this.deps.stateMachine.start(execution.Id, input);
      await this.deps.executions.transition(execution.Id, [WorkflowStatus.Started], WorkflowStatus.Started, {
        StateMachineExecutionArn: arn,
      });
      return true;
    } catch (error) {
      await this.deps.executions.transition(execution.Id, [WorkflowStatus.Started], WorkflowStatus.Error, {
        Message: `Exception in workflow_scheduler_lambda ${(error as Error).message}`,
      });
      return false;
    }
  }
}
