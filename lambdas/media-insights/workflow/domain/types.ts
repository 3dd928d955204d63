/**
 * Records of the Media Insights workflow (control plane) API, in the original's field names.
 * See docs/research/mie-workflow-api.md for where each field comes from.
 */

/** The workflow API version the original reports in `ApiVersion` and `GET /version`. */
export const API_VERSION = '3.0.0';

/** The original prefixes an operation's name with this to name the single-operation stage it creates for it. */
export const SINGLETON_STAGE_PREFIX = '_';

/** `CurrentStage` of an execution once its last stage has run (or, for some failures, earlier). */
export const END_STAGE = 'End';

/** An operation with this `MediaType` runs whatever media the execution carries. */
export const METADATA_ONLY = 'MetadataOnly';

/** The stack parameter's default; the scheduler code itself falls back to 10 when the variable is absent. */
export const DEFAULT_MAX_CONCURRENT_WORKFLOWS = 5;

/**
 * Ours: the original has no maximum, and one too large for the scheduler to hold a slot list for stops every run
 * (4294967296 throws `RangeError: Invalid array length`). Each running workflow invokes Lambda functions, whose
 * default account concurrency is 1,000, so more could never run at once anyway.
 */
export const MAX_CONCURRENT_WORKFLOWS_LIMIT = 1000;

/** Seconds the generated async-operation state machine waits between two calls of the monitor Lambda. */
export const MONITOR_POLL_SECONDS = 10;

export const WorkflowStatus = {
  Queued: 'Queued',
  Started: 'Started',
  Waiting: 'Waiting',
  Resumed: 'Resumed',
  Complete: 'Complete',
  Error: 'Error',
} as const;
export type WorkflowStatus = (typeof WorkflowStatus)[keyof typeof WorkflowStatus];

export const StageStatus = {
  NotStarted: 'Not Started',
  Started: 'Started',
  Executing: 'Executing',
  Complete: 'Complete',
  Error: 'Error',
} as const;
export type StageStatus = (typeof StageStatus)[keyof typeof StageStatus];

export const OperationStatus = { ...StageStatus, Skipped: 'Skipped' } as const;
export type OperationStatus = (typeof OperationStatus)[keyof typeof OperationStatus];

/** Media types an execution can be started with (`Input.Media.<type>`). Operators may add others to `Globals.Media`. */
export const INPUT_MEDIA_TYPES = ['Video', 'Audio', 'Image', 'Text'] as const;
export type InputMediaType = (typeof INPUT_MEDIA_TYPES)[number];

export type OperationType = 'Sync' | 'Async';
export type JsonObject = Record<string, unknown>;

export interface MediaObject {
  S3Bucket: string;
  S3Key: string;
}

/** `{ "Video": { S3Bucket, S3Key }, ... }`: one object per media type. */
export type MediaMap = Record<string, MediaObject>;

export interface Globals {
  Media: MediaMap;
  MetaData: JsonObject;
}

/** An operation's default configuration; any further keys are operator-specific settings. */
export interface OperationConfiguration {
  MediaType: string;
  Enabled: boolean;
  [setting: string]: unknown;
}

/** `{ stageName: { operationName: { key: value } } }`: per-execution overrides, merged key by key. */
export type ConfigurationOverrides = Record<string, Record<string, JsonObject>>;

export interface Operation {
  Name: string;
  Type: OperationType;
  Configuration: OperationConfiguration;
  StartLambdaArn: string;
  MonitorLambdaArn?: string;
  /** The operation's branch ASL as a JSON string; stage-specific parts are still placeholders. */
  StateMachineAsl: string;
  /** `_<Name>`: the single-operation stage created with the operation. */
  StageName: string;
  Version: string;
  Id: string;
  Created: string;
  ResourceType: 'OPERATION';
  ApiVersion: string;
}

export interface Stage {
  Name: string;
  Operations: string[];
  /** Each operation's default configuration, copied when the stage was created. */
  Configuration: Record<string, OperationConfiguration>;
  /** The stage's ASL as a JSON string. */
  Definition: string;
  Version: string;
  Id: string;
  Created: string;
  ResourceType: 'STAGE';
  ApiVersion: string;
}

/** A stage as embedded in a workflow: the full stage record plus where the workflow goes after it. */
export interface WorkflowStage extends Stage {
  Next?: string;
  End?: boolean;
}

export interface WorkflowDraft {
  Name: string;
  StartAt: string;
  Stages: Record<string, WorkflowStage>;
  Trigger: string;
  /** Every stage's operations, concatenated; lets the original find the workflows that use an operation. */
  Operations: string[];
  StaleOperations: string[];
  StaleStages: string[];
  Version: string;
  Id: string;
  Created: string;
  Revisions: string;
  ResourceType: 'WORKFLOW';
  ApiVersion: string;
}

export interface Workflow extends WorkflowDraft {
  StateMachineArn: string;
}

/** The operator input/output object (the original's `MediaInsightsOperationHelper` shape). */
export interface OperatorObject {
  Name: string;
  AssetId: string;
  WorkflowExecutionId: string;
  Input: Globals;
  Configuration: OperationConfiguration;
  Status: string;
  MetaData: JsonObject;
  Media: MediaMap;
}

/** What one operation branch leaves in a stage's `Outputs`: whatever the last state of the branch returned. */
export type OperatorOutput = Partial<OperatorObject> & { Status: string };

export interface ExecutionStage extends WorkflowStage {
  Status: StageStatus;
  Metrics: JsonObject;
  AssetId: string;
  WorkflowExecutionId: string;
  MetaData: JsonObject;
  /** Set when the stage is started: the execution's `Globals` at that moment. */
  Input?: Globals;
  /** Set when the stage completes: one entry per operation branch, in branch order. */
  Outputs?: OperatorOutput[];
}

export interface ExecutionWorkflow extends Omit<Workflow, 'Stages'> {
  Stages: Record<string, ExecutionStage>;
}

/**
 * What running one operation of a stage needs of its execution. The engine reads just this (a projection), so the
 * cost of starting an operator does not grow with the number or size of the workflow's stages. The stage's `Input`
 * is the execution's `Globals` as they stand while the stage runs, so a projection may leave it out.
 */
export interface StageContext {
  Id: string;
  AssetId: string;
  Globals: Globals;
  Workflow: { Stages: Record<string, Pick<ExecutionStage, 'Configuration'> & { Input?: Globals }> };
}

export interface WorkflowExecution {
  Id: string;
  Trigger: string;
  /** A stage name, or `End`. */
  CurrentStage: string;
  Globals: Globals;
  Configuration: ConfigurationOverrides;
  AssetId: string;
  Version: string;
  Created: string;
  ResourceType: 'WORKFLOW_EXECUTION';
  ApiVersion: string;
  /** A copy of the workflow taken when the execution was created, with overrides applied and per-stage state. */
  Workflow: ExecutionWorkflow;
  Status: WorkflowStatus;
  StateMachineExecutionArn?: string;
  /** Only written when the execution goes to `Error`. */
  Message?: string;
}

/** An item of the system table (`POST /system/configuration` stores the body as is). */
export interface SystemConfigurationItem {
  Name: string;
  Value?: unknown;
  [key: string]: unknown;
}
