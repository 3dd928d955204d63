import { WorkflowStatus } from '../domain/types';
import { StepFunctionsRunner } from './adapters/state-machine';
import { documentClient } from '../../tables/document-client';
import { ExecutionTable } from '../../tables/executions';
import { SlotTable } from '../../tables/slots';
import { SystemTable } from '../../tables/system';
import { SchedulePasses } from './coalescing';
import { requiredEnv } from './config';
import { configuredConcurrency, Scheduler, type ScheduleReport } from './scheduler';

const executions = new ExecutionTable(documentClient, {
  executions: requiredEnv('WORKFLOW_EXECUTION_TABLE_NAME'),
  stages: requiredEnv('WORKFLOW_EXECUTION_STAGE_TABLE_NAME'),
});
const scheduler = new Scheduler({
  executions,
  slots: new SlotTable(documentClient, requiredEnv('SLOT_TABLE_NAME')),
  configuration: configuredConcurrency(
    new SystemTable(documentClient, requiredEnv('SYSTEM_TABLE_NAME')),
    Number(requiredEnv('DEFAULT_MAX_CONCURRENT_WORKFLOWS')),
  ),
  stateMachine: new StepFunctionsRunner(requiredEnv('STATE_MACHINE_ARN')),
  now: Date.now,
});

type SchedulerEvent =
  /** `requestedAt`: when the caller asked (ms since epoch); a pass started since then has already served it. */
  | { action: 'schedule'; reason?: string; requestedAt?: number }
  | { action: 'executionWaiting'; executionId: string }
  | { source: 'aws.events'; 'detail-type': 'Scheduled Event' }
  | {
      source: 'aws.states';
      'detail-type': 'Step Functions Execution Status Change';
      detail: { name: string; status: string; cause?: string | null; error?: string | null };
    };

const passes = new SchedulePasses();

const COALESCED: ScheduleReport = { started: [], resumed: [], reclaimed: [], timedOut: [], coalesced: true };

/**
 * The workflow scheduler: called when an execution is created, resumed, deleted, completes, fails or starts
 * waiting, when the workflow runner fails (EventBridge), and every minute as a safety net.
 */
export async function handler(event: SchedulerEvent): Promise<ScheduleReport> {
  const requestedAt = 'action' in event && event.action === 'schedule' ? event.requestedAt : undefined;
  if (!passes.admit(requestedAt, Date.now())) return COALESCED;
  if ('source' in event && event.source === 'aws.states') {
    const { name, status, cause, error } = event.detail;
    await scheduler.stateMachineEnded(name, status, [error, cause].filter(Boolean).join(': ') || undefined);
  } else if ('source' in event && event.source === 'aws.events') {
    await scheduler.enforceTimeouts();
  } else if ('action' in event && event.action === 'executionWaiting') {
    const execution = await executions.get(event.executionId);
    if (execution?.Status === WorkflowStatus.Waiting) await scheduler.release(event.executionId);
  }
  return scheduler.schedule();
}
