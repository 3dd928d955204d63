/**
 * What the workflow control plane needs from the outside world, in its own words. Its tables are the `Pick<>`s of
 * their one adapter each (`../../tables/`) that the control plane uses; the Lambda and Step Functions adapters
 * implement the rest, and tests replace those with recording fakes.
 */
import type { MediaInput } from '../domain/validation';
import type { MediaMap } from '../domain/types';
import type { NamedRecordTable, OperationTable, StageTable, WorkflowTable } from '../../tables/definitions';
import type { ExecutionTable } from '../../tables/executions';
import type { SystemTable } from '../../tables/system';

export type { ExecutionListing } from '../../tables/executions';

type NamedRecordAccess = 'get' | 'getMany' | 'list' | 'create' | 'replace' | 'delete' | 'assertFits';

/** Operations, stages or workflows: records keyed by `Name` (see `tables/definitions.ts`). */
export type NamedRecordStore<T extends { Name: string }> = Pick<NamedRecordTable<T>, NamedRecordAccess>;

export type OperationStore = Pick<OperationTable, NamedRecordAccess>;
export type StageStore = Pick<StageTable, NamedRecordAccess>;

export type WorkflowStore = Pick<
  WorkflowTable,
  NamedRecordAccess | 'listByOperation' | 'listByStage' | 'replaceRevision' | 'appendStale'
>;

export type ExecutionStore = Pick<
  ExecutionTable,
  'get' | 'list' | 'create' | 'delete' | 'listByStatus' | 'listByAsset' | 'markResumed' | 'assertFits'
>;

export type SystemConfigurationStore = Pick<SystemTable, 'list' | 'put' | 'putIfAbsent'>;

/** An asset the data plane created for an execution's media. */
export interface CreatedAsset {
  readonly AssetId: string;
  /** `{ <MediaType>: { S3Bucket, S3Key } }` as the data plane holds it. */
  readonly Media: MediaMap;
}

/** The data plane API, as the control plane uses it. */
export interface DataplaneAssets {
  createAsset(media: MediaInput): Promise<CreatedAsset>;
  /** The asset's media, or `undefined` when the data plane has no such asset. */
  assetMedia(assetId: string): Promise<MediaMap | undefined>;
}

/** Why the scheduler is asked to run; it decides what to start or reclaim. */
export type ScheduleReason = 'execution-created' | 'execution-resumed' | 'execution-deleted';

export interface WorkflowScheduler {
  /** Asks the scheduler to run soon (asynchronously); does not wait for it. */
  requestSchedule(reason: ScheduleReason, executionId: string): Promise<void>;
}

export interface StateMachineExecutions {
  /** Stops a running state machine execution; one that no longer exists counts as stopped. */
  stop(executionArn: string, error: string, cause: string): Promise<void>;
}
