import { itemLimitViolation } from '../../../shared/dynamodb/limits';
import { logger } from '../../shared/logger';
import type { AnalysisRecord } from '../../tables/analysis';
import { assertExecutionInputFits } from './assets';
import { assetNotFound, invalid, runInFlight } from './errors';
import type { Media2CloudDependencies } from './ports';
import { Statuses, type AiOptions } from './records';
import type { AnalysisInput } from './validation';

export interface AnalysisStarted {
  readonly uuid: string;
  readonly status: typeof Statuses.Started;
  readonly executionArn: string;
  readonly startDate: string;
}

export interface AnalysisRemoved {
  readonly uuid: string;
  readonly status: typeof Statuses.Removed;
}

/** The `/analysis/{uuid}` routes: an asset's analysis results, re-running the analysis, dropping the results. */
export class AnalysisResults {
  constructor(private readonly deps: Media2CloudDependencies) {}

  /**
   * The records of the media types the asset's `analysis` list names, in that order, as the original reads them:
   * the list is what makes results current, so records left over from an interrupted clean-up never show.
   */
  async get(uuid: string): Promise<AnalysisRecord[]> {
    const record = await this.deps.ingest.get(uuid);
    if (!record) throw assetNotFound(uuid);
    const types = Array.isArray(record.analysis)
      ? record.analysis.filter((type): type is string => typeof type === 'string')
      : [];
    if (types.length === 0) return [];
    const records = await this.deps.analysis.list(uuid);
    return types.flatMap((type) => records.find((analysis) => analysis.type === type) ?? []);
  }

  /**
   * Starts the analysis state machine, or the main one when the new options need frames the last ingest did not
   * capture. Everything is checked before anything is written; the only write before the start marks the asset as
   * in flight (so concurrent requests start one run, the others get 409), and a failed start puts the statuses back
   * exactly as they were. The results of the last run stay until the new run's first step replaces them, so a
   * request that fails never loses them.
   */
  async rerun(uuid: string, input: AnalysisInput): Promise<AnalysisStarted> {
    const record = await this.deps.ingest.get(uuid);
    if (!record) throw assetNotFound(uuid);
    if (record.overallStatus === Statuses.Processing) throw runInFlight(uuid);
    const { settings } = this.deps;
    const previous = record.aiOptions ?? settings.defaultAiOptions;
    const aiOptions = input.aiOptions ?? previous;
    const withIngest = needsIngest(previous, aiOptions);
    const stateMachineArn = withIngest ? settings.mainStateMachineArn : settings.analysisStateMachineArn;
    const executionInput = {
      input: {
        uuid,
        ...(record.bucket === undefined ? {} : { bucket: record.bucket }),
        ...(record.key === undefined ? {} : { key: record.key }),
        ...(record.destination === undefined ? {} : { destination: record.destination }),
        ...(record.attributes === undefined ? {} : { attributes: record.attributes }),
        aiOptions,
      },
      uuid,
    };
    const running = {
      status: withIngest ? Statuses.IngestStarted : Statuses.AnalysisStarted,
      overallStatus: Statuses.Processing,
    };
    // The record must still fit with the new options and the run's ARN (at most 2,048 bytes) on it.
    const violation = itemLimitViolation({ ...record, ...running, aiOptions, executionArn: 'x'.repeat(2048) });
    if (violation) throw invalid(violation.message);
    assertExecutionInputFits(executionInput);

    // PROCESSING from the moment the request is answered: a client polling the asset must not read the last run's
    // COMPLETED before the state machine's first step writes its own status.
    const claim = await this.deps.ingest.claimRun(uuid, running);
    if (claim === 'missing') throw assetNotFound(uuid);
    if (claim === 'in-flight') throw runInFlight(uuid);
    let execution;
    try {
      execution = await this.deps.stateMachines.start(stateMachineArn, executionInput);
    } catch (error) {
      await this.deps.ingest.restoreStatuses(uuid, record).catch((restoreError: unknown) => {
        logger.error('Unable to put back the statuses of the asset', { uuid, error: restoreError });
      });
      throw error;
    }
    // The run has started whatever happens now; failing the request would invite a second one.
    await this.deps.ingest
      .recordRun(uuid, { executionArn: execution.executionArn, aiOptions })
      .catch((error: unknown) => {
        logger.error('Unable to record the execution on the asset', {
          uuid,
          executionArn: execution.executionArn,
          error,
        });
      });
    return {
      uuid,
      status: Statuses.Started,
      executionArn: execution.executionArn,
      startDate: execution.startDate.toISOString(),
    };
  }

  async remove(uuid: string): Promise<AnalysisRemoved> {
    await this.clear(uuid);
    return { uuid, status: Statuses.Removed };
  }

  /**
   * The `analysis` list goes first: once it is gone the results are no longer current for any reader, and a
   * failure after that leaves only records a retry removes.
   */
  private async clear(uuid: string): Promise<void> {
    if (!(await this.deps.ingest.dropAnalysis(uuid))) throw assetNotFound(uuid);
    await this.deps.analysis.deleteAll(uuid);
    await this.deps.search.dropAnalysisFields(uuid);
  }
}

/**
 * The original's `enableIngest`: frame-based or custom-label analysis newly switched on, or a different frame
 * capture mode while either is on, needs the frames that only an ingest captures.
 */
export function needsIngest(previous: AiOptions, requested: AiOptions): boolean {
  if (!previous.framebased && requested.framebased) return true;
  if (!previous.customlabel && requested.customlabel) return true;
  return Boolean(
    (requested.framebased || requested.customlabel) && previous.frameCaptureMode !== requested.frameCaptureMode,
  );
}
