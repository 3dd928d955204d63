import type { PipelineDependencies } from '../ports';
import type { TranscodeResult } from './start-transcode';

export type TranscodeJobEndedDependencies = Pick<PipelineDependencies, 'tasks'>;

/** The members of a `MediaConvert Job State Change` event's `detail` read here. */
interface JobStateDetail {
  readonly jobId?: string;
  readonly status?: string;
  readonly errorCode?: number;
  readonly errorMessage?: string;
  readonly userMetadata?: Record<string, string>;
}

export type TranscodeJobOutcome = 'succeeded' | 'failed' | 'ignored' | 'task-gone';

/**
 * The target of the rule on `MediaConvert Job State Change` (COMPLETE, ERROR, CANCELED) for ingest jobs: ends the task
 * that started the job, named by the token in the job's `UserMetadata` — with `{jobId, output}` when the job
 * completed, or with MediaConvert's error code and message. A task that stopped waiting (its execution was stopped or
 * timed out) is left alone.
 */
export async function transcodeJobEnded(
  event: unknown,
  deps: TranscodeJobEndedDependencies,
): Promise<TranscodeJobOutcome> {
  const detail = ((event as { detail?: unknown } | null)?.detail ?? {}) as JobStateDetail;
  const token = detail.userMetadata?.taskToken;
  const jobId = detail.jobId ?? 'unknown';
  if (!token) return 'ignored';
  switch (detail.status) {
    case 'COMPLETE': {
      const result: TranscodeResult = { jobId, output: detail.userMetadata?.output ?? '' };
      return (await deps.tasks.succeed(token, result)) ? 'succeeded' : 'task-gone';
    }
    case 'ERROR':
    case 'CANCELED': {
      const reason =
        detail.status === 'CANCELED'
          ? 'was canceled'
          : `failed: ${detail.errorMessage ?? 'no message'} (error ${detail.errorCode ?? 'unknown'})`;
      const sent = await deps.tasks.fail(token, 'TranscodeError', `MediaConvert job ${jobId} ${reason}`);
      return sent ? 'failed' : 'task-gone';
    }
    default:
      return 'ignored';
  }
}
