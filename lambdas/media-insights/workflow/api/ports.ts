/**
 * What the workflow control plane needs from the outside world, in its own words. The DynamoDB, Lambda and Step
 * Functions adapters implement these; tests replace the Lambda and Step Functions ones with recording fakes.
 */
import type { ExecutionSummarySource } from '../domain/records';
import type { MediaInput } from '../domain/validation';
import type { MediaMap, Operation, Stage, SystemConfigurationItem, Workflow, WorkflowExecution } from '../domain/types';

/** Operations, stages or workflows: records keyed by `Name`. */
export interface NamedRecordStore<T extends { Name: string }> {
  /** Consistent read; `undefined` when there is none (and for names no record can have). */
  get(name: string): Promise<T | undefined>;
  /** The records that exist among `names`, by name. */
  getMany(names: Iterable<string>): Promise<Map<string, T>>;
  list(): Promise<T[]>;
  /** Stores a new record; `false` (nothing written) when one with that name exists. */
  create(record: T): Promise<boolean>;
  /** Stores the record whatever was there. */
  replace(record: T): Promise<void>;
  /** Deletes and returns the record, or `undefined` when there was none. */
  delete(name: string): Promise<T | undefined>;
}

export type OperationStore = NamedRecordStore<Operation>;
export type StageStore = NamedRecordStore<Stage>;

export interface WorkflowStore extends NamedRecordStore<Workflow> {
  /** Workflows whose `Operations` list names the operation. */
  listByOperation(operationName: string): Promise<Workflow[]>;
  /** Workflows that have the stage in `Stages`. */
  listByStage(stageName: string): Promise<Workflow[]>;
  /**
   * Replaces the workflow only if it is still at `expectedRevisions`; `false` when it changed or was deleted since it
   * was read.
   */
  replaceRevision(record: Workflow, expectedRevisions: string): Promise<boolean>;
  /** Appends a name to `StaleOperations` or `StaleStages` in one atomic update; a deleted workflow is left deleted. */
  appendStale(workflowName: string, list: 'StaleOperations' | 'StaleStages', name: string): Promise<void>;
}

/** What the execution listings read of each execution: the original's projection. */
export type ExecutionListing = ExecutionSummarySource;

export interface ExecutionStore {
  get(id: string): Promise<WorkflowExecution | undefined>;
  list(): Promise<WorkflowExecution[]>;
  /** `false` when an execution with that id exists. */
  create(execution: WorkflowExecution): Promise<boolean>;
  delete(id: string): Promise<WorkflowExecution | undefined>;
  listByStatus(status: string): Promise<ExecutionListing[]>;
  listByAsset(assetId: string): Promise<ExecutionListing[]>;
  /**
   * Sets `Resumed` only if the execution is `Waiting` at `stageName`, in one conditional update. Returns what the
   * execution was before (`Status`, `CurrentStage`), or `undefined` when the condition did not hold.
   */
  markResumed(id: string, stageName: string): Promise<Pick<WorkflowExecution, 'Status' | 'CurrentStage'> | undefined>;
}

export interface SystemConfigurationStore {
  list(): Promise<SystemConfigurationItem[]>;
  put(item: SystemConfigurationItem): Promise<void>;
  /** `false` when an item with that name exists (it is left unchanged). */
  putIfAbsent(item: SystemConfigurationItem): Promise<boolean>;
}

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
