import { RecordNotFoundError } from '../domain/errors';
import { failureMessage } from '../domain/failure';
import { asObject, optionalString } from '../domain/state';
import { OverallStatus, Status } from '../domain/statuses';
import type { PipelineDependencies } from '../ports';
import { writeStatus } from './status-writer';

/** The statuses of an execution that ended without recording its own outcome. */
const ENDED_WITHOUT_OUTCOME: ReadonlySet<string> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

export interface ExecutionEndedResult {
  readonly uuid?: string;
  /** `false` when the asset was left alone: gone, or another run (or this run's own error) is on it. */
  readonly recorded: boolean;
}

/**
 * EventBridge `Step Functions Execution Status Change` for the main, ingest and analysis state machines: an
 * execution that failed outside its states' catches, timed out, was stopped, or was running when its host died (local
 * mode marks those FAILED on restart) would leave its asset `PROCESSING` for ever. The original's status-change
 * handling marks the asset; so does this, but only when the asset is still `PROCESSING` under this very execution,
 * so an error a state recorded first, a newer run and a removed asset are left as they are.
 */
export async function executionEnded(
  event: unknown,
  deps: Pick<PipelineDependencies, 'records' | 'search' | 'executions'>,
): Promise<ExecutionEndedResult> {
  const detail = asObject(asObject(event, 'event').detail ?? {}, 'detail');
  const executionArn = optionalString(detail.executionArn);
  const status = optionalString(detail.status);
  const uuid = uuidOf(detail.input);
  if (!uuid) return { recorded: false };
  if (!executionArn || !status || !ENDED_WITHOUT_OUTCOME.has(status)) return { uuid, recorded: false };
  const record = await deps.records.get(uuid);
  if (record?.overallStatus !== OverallStatus.Processing) return { uuid, recorded: false };
  if (record.executionArn !== executionArn && !(await endedChildOf(deps, record.executionArn, executionArn))) {
    return { uuid, recorded: false };
  }
  // An ingest that completed under a run that then ended: the run died before its analysis recorded itself.
  const analysing =
    typeof record.status === 'string' &&
    (record.status.startsWith('ANALYSIS_') || record.status === Status.IngestCompleted);
  const reason =
    status === 'FAILED'
      ? failureMessage({ Error: optionalString(detail.error), Cause: optionalString(detail.cause) })
      : `the run ${status === 'TIMED_OUT' ? 'timed out' : 'was stopped'}`;
  try {
    await writeStatus(deps, uuid, {
      status: analysing ? Status.AnalysisError : Status.IngestError,
      overallStatus: OverallStatus.Error,
      fields: { errorMessage: `${executionArn} ended ${status}: ${reason}` },
    });
    return { uuid, recorded: true };
  } catch (error) {
    if (error instanceof RecordNotFoundError) return { uuid, recorded: false };
    throw error;
  }
}

/**
 * Whether the asset's recorded execution is a child of the main execution that ended and is no longer running. The
 * main state machine runs ingest and then analysis as child executions, each recording itself on the asset; a run
 * that dies after its ingest ended and before its analysis recorded itself leaves the asset on the finished ingest,
 * and only the main execution's end can tell. Children carry their parent in `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`.
 */
async function endedChildOf(
  deps: Pick<PipelineDependencies, 'executions'>,
  recordedArn: unknown,
  endedArn: string,
): Promise<boolean> {
  if (typeof recordedArn !== 'string') return false;
  const recorded = await deps.executions.describe(recordedArn);
  if (!recorded || recorded.status === 'RUNNING') return false;
  try {
    const input = JSON.parse(recorded.input) as Record<string, unknown>;
    return input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID === endedArn;
  } catch {
    return false;
  }
}

/** The asset's uuid from the execution's input (`{input: {uuid}}`, or `{uuid}` at the top as POST /analysis adds). */
function uuidOf(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(input);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const body = parsed as Record<string, unknown>;
    const nested = body.input && typeof body.input === 'object' ? (body.input as Record<string, unknown>) : {};
    return optionalString(nested.uuid) ?? optionalString(body.uuid);
  } catch {
    return undefined;
  }
}
