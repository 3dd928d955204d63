import { RecordNotFoundError } from '../domain/errors';
import { failureMessage, type CaughtError } from '../domain/failure';
import { asObject, optionalString } from '../domain/state';
import { OverallStatus, Status } from '../domain/statuses';
import type { PipelineDependencies } from '../ports';
import { writeStatus } from './status-writer';

export interface RecordedError {
  readonly uuid?: string;
  readonly stage: 'ingest' | 'analysis';
  readonly status: Status;
  readonly overallStatus: OverallStatus;
  readonly errorMessage: string;
  /** `false` when there was no record to mark (never created, or removed meanwhile). */
  readonly recorded: boolean;
}

/**
 * `Record … error` (the original's error-handler): marks the asset `ERROR` with `INGEST_ERROR` or `ANALYSIS_ERROR`
 * and the failure's message. The nested state machine records its failure first; the main one then catches the
 * nested execution's failure, whose cause says less, so an error already recorded for the same stage is kept. An
 * asset that was removed meanwhile stays removed.
 */
export async function recordError(
  event: unknown,
  deps: Pick<PipelineDependencies, 'records' | 'search'>,
): Promise<RecordedError> {
  const body = asObject(event, 'event');
  const stage = body.stage === 'analysis' ? 'analysis' : 'ingest';
  const input = body.input && typeof body.input === 'object' ? (body.input as Record<string, unknown>) : {};
  const uuid = optionalString(input.uuid);
  const errorMessage = failureMessage(body.error as CaughtError | undefined);
  const status = stage === 'analysis' ? Status.AnalysisError : Status.IngestError;
  const result = {
    ...(uuid ? { uuid } : {}),
    stage,
    status,
    overallStatus: OverallStatus.Error,
    errorMessage,
  } as const;
  if (!uuid) return { ...result, recorded: false };
  const current = await deps.records.get(uuid);
  if (!current) return { ...result, recorded: false };
  if (current.overallStatus === OverallStatus.Error && current.status === status && current.errorMessage) {
    return { ...result, errorMessage: current.errorMessage, recorded: true };
  }
  try {
    await writeStatus(deps, uuid, { status, overallStatus: OverallStatus.Error, fields: { errorMessage } });
    return { ...result, recorded: true };
  } catch (error) {
    if (error instanceof RecordNotFoundError) return { ...result, recorded: false };
    throw error;
  }
}
