/**
 * Building and changing the stored records of the workflow API, and the rules the workflow engine applies to them.
 * Identifiers, timestamps and generated ASL are passed in: nothing here reads a clock, a random source or a store.
 */
import { BadRequestError, ConflictError, NotFoundError } from '../../../shared/http/errors';
import { Messages } from './messages';
import {
  API_VERSION,
  END_STAGE,
  METADATA_ONLY,
  OperationStatus,
  SINGLETON_STAGE_PREFIX,
  StageStatus,
  WorkflowStatus,
  type ConfigurationOverrides,
  type ExecutionStage,
  type ExecutionWorkflow,
  type Globals,
  type JsonObject,
  type MediaMap,
  type Operation,
  type OperationConfiguration,
  type OperatorObject,
  type OperatorOutput,
  type Stage,
  type Workflow,
  type WorkflowDraft,
  type WorkflowExecution,
  type WorkflowStage,
} from './types';
import {
  isObject,
  isPythonTruthy,
  validateWorkflowStages,
  type CreateOperationRequest,
  type CreateStageRequest,
  type CreateWorkflowRequest,
  type UpdateWorkflowRequest,
  type WorkflowStageLink,
} from './validation';

/** What every new record needs from the outside world. */
export interface RecordContext {
  /** A fresh UUID. */
  readonly id: string;
  /** See {@link pythonTimestamp}. */
  readonly created: string;
}

/** `Created` as the original writes it: `str(datetime.now().timestamp())`, seconds with a fraction. */
export function pythonTimestamp(date: Date): string {
  const seconds = date.getTime() / 1000;
  // Python prints a whole float with ".0"; JavaScript would drop it.
  return Number.isInteger(seconds) ? `${seconds}.0` : String(seconds);
}

// ---------------------------------------------------------------------------------------------------------------
// Operations and stages
// ---------------------------------------------------------------------------------------------------------------

export function singletonStageName(operationName: string): string {
  return `${SINGLETON_STAGE_PREFIX}${operationName}`;
}

/** The stage the original creates along with every operation, so the operation can be used alone in a workflow. */
export function singletonStageRequest(operationName: string): CreateStageRequest {
  return { Name: singletonStageName(operationName), Operations: [operationName] };
}

export function assertOperationIsNew(name: string, existing: Operation | undefined): void {
  if (existing) throw new ConflictError(Messages.operationExists(name));
}

export function assertStageIsNew(name: string, existing: Stage | undefined): void {
  if (existing) throw new ConflictError(Messages.stageExists(name));
}

export function buildOperationRecord(
  request: CreateOperationRequest,
  context: RecordContext & { readonly stateMachineAsl: string },
): Operation {
  return {
    ...request,
    Configuration: structuredClone(request.Configuration),
    StateMachineAsl: context.stateMachineAsl,
    Version: 'v0',
    Id: context.id,
    Created: context.created,
    ResourceType: 'OPERATION',
    ApiVersion: API_VERSION,
    StageName: singletonStageName(request.Name),
  };
}

/** The stage's operations in request order; an unknown one is a 400 (the original answers 500). */
export function resolveOperations(names: readonly string[], lookup: ReadonlyMap<string, Operation>): Operation[] {
  return names.map((name) => {
    const operation = lookup.get(name);
    if (!operation) throw new BadRequestError(Messages.operationNotFound(name));
    return operation;
  });
}

export function buildStageRecord(
  request: CreateStageRequest,
  operations: readonly Operation[],
  context: RecordContext & { readonly definition: string },
): Stage {
  const configuration: Record<string, OperationConfiguration> = {};
  for (const operation of operations) configuration[operation.Name] = structuredClone(operation.Configuration);
  return {
    ...request,
    Configuration: configuration,
    Definition: context.definition,
    Version: 'v0',
    Id: context.id,
    Created: context.created,
    ResourceType: 'STAGE',
    ApiVersion: API_VERSION,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------------------------

/**
 * The workflow record before its state machine exists. Each stage entry is the full stored stage record plus the
 * request's `Next`/`End`; stored fields win over fields of the same name in the request, as in the original.
 */
export function buildWorkflowRecord(
  request: CreateWorkflowRequest,
  stages: ReadonlyMap<string, Stage>,
  context: RecordContext & { readonly trigger?: string },
): WorkflowDraft {
  const embedded = embedStages(request.Stages, stages);
  return {
    ...request,
    Stages: embedded,
    Trigger: context.trigger ?? 'api',
    Operations: Object.values(embedded).flatMap((stage) => stage.Operations),
    StaleOperations: [],
    StaleStages: [],
    Version: 'v0',
    Id: context.id,
    Created: context.created,
    Revisions: '1',
    ResourceType: 'WORKFLOW',
    ApiVersion: API_VERSION,
  };
}

/**
 * `PUT /workflow`: the workflow rebuilt from the current stage definitions, with `StartAt`/`Stages` replaced when
 * given. Stale marks are cleared because the rebuild picks up every change.
 */
export function rebuildWorkflowRecord(
  existing: Workflow,
  update: UpdateWorkflowRequest,
  stages: ReadonlyMap<string, Stage>,
): Workflow {
  const startAt = update.StartAt ?? existing.StartAt;
  const links = validateWorkflowStages(existing.Name, startAt, update.Stages ?? linksOf(existing.Stages));
  const embedded = embedStages(links, stages);
  // The original derives Version from Revisions but never increments Revisions, so every update is "v2".
  // We count revisions so each update gets a new version.
  const revisions = Number.parseInt(existing.Revisions, 10) + 1;
  return {
    ...existing,
    StartAt: startAt,
    Stages: embedded,
    Operations: Object.values(embedded).flatMap((stage) => stage.Operations),
    StaleOperations: [],
    StaleStages: [],
    Version: `v${revisions}`,
    Revisions: String(revisions),
  };
}

function linksOf(stages: Readonly<Record<string, WorkflowStage>>): Record<string, WorkflowStageLink> {
  const links: Record<string, WorkflowStageLink> = {};
  for (const [name, stage] of Object.entries(stages)) {
    links[name] = stage.End ? { End: true } : stage.Next !== undefined ? { Next: stage.Next } : {};
  }
  return links;
}

function embedStages(
  links: Readonly<Record<string, WorkflowStageLink>>,
  stages: ReadonlyMap<string, Stage>,
): Record<string, WorkflowStage> {
  const embedded: Record<string, WorkflowStage> = {};
  for (const [name, link] of Object.entries(links)) {
    const stage = stages.get(name);
    if (!stage) throw new BadRequestError(Messages.stageNotFound(name));
    // Step Functions rejects a Parallel state without branches, and state names repeated across branches.
    if (stage.Operations.length === 0) throw new BadRequestError(Messages.stageWithoutOperations(name));
    const repeated = stage.Operations.find((operation, index) => stage.Operations.indexOf(operation) !== index);
    if (repeated !== undefined) throw new BadRequestError(Messages.stageRepeatsOperation(name, repeated));
    embedded[name] = { ...structuredClone(link), ...structuredClone(stage) };
  }
  return embedded;
}

/** `GET /workflow/configuration/{Name}`: each stage's operation configuration. */
export function workflowConfiguration(workflow: Workflow): Record<string, Record<string, OperationConfiguration>> {
  const configuration: Record<string, Record<string, OperationConfiguration>> = {};
  for (const [name, stage] of Object.entries(workflow.Stages)) configuration[name] = stage.Configuration;
  return configuration;
}

/** The original finds these with a scan on the workflow's `Operations` list. */
export function workflowUsesOperation(workflow: Workflow, operationName: string): boolean {
  return workflow.Operations.includes(operationName);
}

export function workflowUsesStage(workflow: Workflow, stageName: string): boolean {
  return Object.hasOwn(workflow.Stages, stageName);
}

/**
 * The original flags a workflow only when an operation or stage it embeds is deleted (there is no update of either);
 * the workflow keeps running its embedded copy until `PUT /workflow` rebuilds it. Flags append, so repeats are kept.
 */
export function markOperationStale(workflow: Workflow, operationName: string): Workflow {
  return { ...workflow, StaleOperations: [...workflow.StaleOperations, operationName] };
}

export function markStageStale(workflow: Workflow, stageName: string): Workflow {
  return { ...workflow, StaleStages: [...workflow.StaleStages, stageName] };
}

// ---------------------------------------------------------------------------------------------------------------
// Deletion
// ---------------------------------------------------------------------------------------------------------------

/** Deleting something that does not exist is a 200 with a message in the original, not a 404. */
export type DeletionDecision<T> =
  | { readonly action: 'warn'; readonly response: { Message: string } }
  | { readonly action: 'delete'; readonly record: T };

/**
 * `DELETE /workflow/operation/{Name}`. Deleting also deletes the operation's singleton stage (forced), then flags
 * the workflows that use the operation as stale.
 */
export function canDeleteOperation(
  name: string,
  operation: Operation | undefined,
  dependentWorkflows: readonly { Name: string }[],
  force: boolean,
): DeletionDecision<Operation> {
  if (!operation) return { action: 'warn', response: { Message: Messages.operationMissingOnDelete(name) } };
  if (dependentWorkflows.length > 0 && !force)
    throw new BadRequestError(Messages.dependentWorkflows('operation', name));
  return { action: 'delete', record: operation };
}

export function canDeleteStage(
  name: string,
  stage: Stage | undefined,
  dependentWorkflows: readonly { Name: string }[],
  force: boolean,
): DeletionDecision<Stage> {
  if (!stage) return { action: 'warn', response: { Message: Messages.stageMissingOnDelete(name) } };
  if (dependentWorkflows.length > 0 && !force) throw new BadRequestError(Messages.dependentWorkflows('stage', name));
  return { action: 'delete', record: stage };
}

/** Workflows have no dependency check: executions run on their own copy of the workflow. */
export function canDeleteWorkflow(name: string, workflow: Workflow | undefined): DeletionDecision<Workflow> {
  if (!workflow) return { action: 'warn', response: { Message: Messages.workflowMissingOnDelete(name) } };
  return { action: 'delete', record: workflow };
}

/** A 404 here; the original wraps the same message in a 500. */
export function canDeleteExecution(id: string, execution: WorkflowExecution | undefined): WorkflowExecution {
  if (!execution) throw new NotFoundError(Messages.executionNotFound(id));
  return execution;
}

// ---------------------------------------------------------------------------------------------------------------
// Executions
// ---------------------------------------------------------------------------------------------------------------

/** Only one unfinished execution per asset; a 409 here, a 500 in the original. */
export function assertNoActiveExecution(
  assetId: string,
  executionsOfAsset: readonly Pick<WorkflowExecution, 'Id' | 'Status'>[],
): void {
  const active = executionsOfAsset.find(
    (execution) => execution.Status !== WorkflowStatus.Complete && execution.Status !== WorkflowStatus.Error,
  );
  if (active) throw new ConflictError(Messages.activeExecution(active.Id, assetId));
}

export interface ExecutionInput {
  readonly AssetId: string;
  /** The asset's media as the data plane holds it: `{ <MediaType>: { S3Bucket, S3Key } }`. */
  readonly Media: MediaMap;
  readonly Configuration: ConfigurationOverrides;
}

/**
 * A new execution: a copy of the workflow with the request's configuration overrides applied, every stage
 * `Not Started` except the first, which is `Started` and gets the execution's `Globals` as `Input`.
 */
export function buildExecutionRecord(
  workflow: Workflow,
  input: ExecutionInput,
  context: RecordContext & { readonly trigger?: string },
): WorkflowExecution {
  const copy = structuredClone(workflow);
  applyConfigurationOverrides(copy.Stages, input.Configuration);
  const globals: Globals = { Media: structuredClone(input.Media), MetaData: {} };

  const stages: Record<string, ExecutionStage> = {};
  for (const [name, stage] of Object.entries(copy.Stages)) {
    const metadata = (stage as WorkflowStage & { MetaData?: unknown }).MetaData;
    stages[name] = {
      ...stage,
      Status: StageStatus.NotStarted,
      Metrics: {},
      Name: name,
      AssetId: input.AssetId,
      WorkflowExecutionId: context.id,
      MetaData: isObject(metadata) ? metadata : {},
    };
  }
  stages[workflow.StartAt] = {
    ...stages[workflow.StartAt],
    Input: structuredClone(globals),
    Status: StageStatus.Started,
  };
  const executionWorkflow: ExecutionWorkflow = { ...copy, Stages: stages };

  return {
    Id: context.id,
    Trigger: context.trigger ?? 'api',
    CurrentStage: workflow.StartAt,
    Globals: globals,
    Configuration: structuredClone(input.Configuration),
    AssetId: input.AssetId,
    Version: 'v0',
    Created: context.created,
    ResourceType: 'WORKFLOW_EXECUTION',
    ApiVersion: API_VERSION,
    Workflow: executionWorkflow,
    Status: WorkflowStatus.Queued,
  };
}

/**
 * Checks the overrides against the workflow without building anything, so a request can be refused before the data
 * plane is asked to create an asset (the original creates the asset first and leaves it behind on this error).
 */
export function assertConfigurationOverrides(workflow: Workflow, overrides: ConfigurationOverrides): void {
  applyConfigurationOverrides(structuredClone(workflow.Stages), overrides);
}

/**
 * Overrides are `{ stage: { operation: { key: value } } }` and replace the workflow's defaults key by key (a nested
 * object value is replaced whole). Unknown stages or operations are a 400 here, a 500 in the original.
 */
export function applyConfigurationOverrides(
  stages: Record<string, WorkflowStage>,
  overrides: ConfigurationOverrides,
): void {
  const unknownStage = Object.keys(overrides).find((stage) => !Object.hasOwn(stages, stage));
  if (unknownStage !== undefined) throw new BadRequestError(Messages.invalidConfigurationStage(unknownStage));
  for (const [stageName, operations] of Object.entries(overrides)) {
    const configuration = stages[stageName].Configuration;
    for (const [operationName, settings] of Object.entries(operations)) {
      if (!Object.hasOwn(configuration, operationName)) {
        throw new BadRequestError(Messages.invalidConfigurationOperation(operationName));
      }
      Object.assign(configuration[operationName], structuredClone(settings));
    }
  }
}

/** What `GET /workflow/execution/status/{Status}` and `.../asset/{AssetId}` return per execution (a projection). */
export interface ExecutionSummary {
  Id: string;
  AssetId: string;
  CurrentStage: string;
  Created?: string;
  StateMachineExecutionArn?: string;
  Status: WorkflowStatus;
  Workflow: { Name: string };
}

/** The fields a summary is made of: what the original's listing queries project from each execution. */
export type ExecutionSummarySource = Pick<
  WorkflowExecution,
  'Id' | 'AssetId' | 'CurrentStage' | 'Created' | 'Status' | 'StateMachineExecutionArn'
> & { Workflow: Pick<WorkflowExecution['Workflow'], 'Name'> };

/** The asset listing includes `Created`; the status listing does not. Absent attributes stay absent. */
export function executionSummary(
  execution: ExecutionSummarySource,
  options: { withCreated: boolean },
): ExecutionSummary {
  const summary: ExecutionSummary = {
    Id: execution.Id,
    AssetId: execution.AssetId,
    CurrentStage: execution.CurrentStage,
    Status: execution.Status,
    Workflow: { Name: execution.Workflow.Name },
  };
  if (options.withCreated) summary.Created = execution.Created;
  if (execution.StateMachineExecutionArn !== undefined) {
    summary.StateMachineExecutionArn = execution.StateMachineExecutionArn;
  }
  return summary;
}

/** The asset listing is newest first. */
export function newestFirst<T extends { Created?: string }>(executions: readonly T[]): T[] {
  return [...executions].sort((a, b) => Number(b.Created ?? 0) - Number(a.Created ?? 0));
}

// ---------------------------------------------------------------------------------------------------------------
// Engine rules
// ---------------------------------------------------------------------------------------------------------------

/**
 * Whether an operation is skipped: its media type is absent from the stage's input media (`MetadataOnly` operations
 * never are), or it is disabled. `Enabled` is judged by Python truthiness, as in the original.
 */
export function decideSkipped(
  configuration: Pick<OperationConfiguration, 'MediaType' | 'Enabled'>,
  mediaTypesPresent: readonly string[],
): boolean {
  if (configuration.MediaType !== METADATA_ONLY && !mediaTypesPresent.includes(configuration.MediaType)) return true;
  return !isPythonTruthy(configuration.Enabled);
}

/** What the original's filter step receives: the stage input narrowed to one operation by the branch's ASL. */
export type FilterOperationInput = Omit<OperatorObject, 'Status' | 'MetaData' | 'Media'> &
  Partial<Pick<OperatorObject, 'Status' | 'MetaData' | 'Media'>> & { StageName?: string; Type?: string };

/** The original's filter step: the operator object the operation's branch starts with, `Started` or `Skipped`. */
export function filterOperation(event: FilterOperationInput): OperatorObject {
  const skipped = decideSkipped(event.Configuration, Object.keys(event.Input.Media));
  return {
    Name: event.Name,
    AssetId: event.AssetId,
    WorkflowExecutionId: event.WorkflowExecutionId,
    Input: event.Input,
    Configuration: event.Configuration,
    Status: skipped ? OperationStatus.Skipped : OperationStatus.Started,
    MetaData: event.MetaData ?? {},
    Media: event.Media ?? {},
  };
}

/** A stage is `Error` if any operation ended in anything but `Complete` or `Skipped`, and stays `Error` once it is. */
export function stageStatusFromOutputs(
  currentStatus: StageStatus,
  outputs: readonly OperatorOutput[],
): typeof StageStatus.Complete | typeof StageStatus.Error {
  if (currentStatus === StageStatus.Error) return StageStatus.Error;
  const failed = outputs.some(
    (output) => output.Status !== OperationStatus.Complete && output.Status !== OperationStatus.Skipped,
  );
  return failed ? StageStatus.Error : StageStatus.Complete;
}

/** Raised while rolling a stage's outputs into the execution; the execution then ends in `Error`. */
export class StageRollupError extends Error {}

/**
 * Rolls a stage's operator outputs into the execution's globals. Media replaces the global media of the same type,
 * but two operations of one stage must not output the same media type. Metadata keys merge, the later operation
 * winning.
 */
export function mergeStageOutputs(globals: Globals, outputs: readonly OperatorOutput[]): Globals {
  const media: MediaMap = { ...globals.Media };
  const seen = new Set<string>();
  for (const output of outputs) {
    for (const [mediaType, location] of Object.entries(output.Media ?? {})) {
      if (seen.has(mediaType)) throw new StageRollupError(Messages.duplicateMediaType(mediaType));
      media[mediaType] = location;
      seen.add(mediaType);
    }
  }
  const metadata: JsonObject = { ...(globals.MetaData ?? {}) };
  for (const output of outputs) Object.assign(metadata, output.MetaData ?? {});
  return { Media: media, MetaData: metadata };
}

export interface StageCompletion {
  /** The execution to save. */
  readonly execution: WorkflowExecution;
  /** What the stage's completion step hands on: the next stage, or `{}` when the workflow has ended. */
  readonly next: ExecutionStage | Record<string, never>;
  /** Set when the completion step must fail (the execution is already `Error` with this `Message`). */
  readonly failure?: string;
}

/** What completing a stage needs to know of its execution: the globals, and the stage's status and place. */
export interface StageView {
  readonly Globals: Globals;
  readonly Stage: Pick<ExecutionStage, 'Status' | 'Next' | 'End'>;
}

/** What completing a stage changes: the stage's status and outputs, the globals, and where the execution goes. */
export interface StageStep {
  readonly stageStatus: typeof StageStatus.Complete | typeof StageStatus.Error;
  /** The stage's recorded `Outputs`: the operators' outputs, or none when the stage failed outright. */
  readonly outputs: OperatorOutput[];
  readonly globals: Globals;
  readonly status: typeof WorkflowStatus.Started | typeof WorkflowStatus.Complete | typeof WorkflowStatus.Error;
  /** The execution's `CurrentStage` afterwards: the next stage, `End`, or (failed mid-workflow) this stage. */
  readonly currentStage: string;
  /** The stage to start next (status `Started` only); it gets `globals` as its `Input`. */
  readonly next?: string;
  /** Set when the execution fails. */
  readonly message?: string;
}

/**
 * The original's stage completion as a decision: record the outputs, roll them up, set the stage's status, then
 * either end the workflow, fail it, or start the next stage. `outputs` is what the stage's operations produced: a
 * list of operator outputs, or the caught error when a branch failed outright.
 */
export function stageTransition(view: StageView, stageName: string, outputs: unknown): StageStep {
  const fail = (
    message: string,
    recorded: OperatorOutput[],
    globals: Globals,
    currentStage = stageName,
  ): StageStep => ({
    stageStatus: StageStatus.Error,
    outputs: recorded,
    globals,
    status: WorkflowStatus.Error,
    currentStage,
    message,
  });
  if (!Array.isArray(outputs)) {
    // The original iterates the caught error as if it were the list and fails with a Python type error; we report
    // the Step Functions error instead.
    return fail(Messages.rollupFailed(Messages.rollupErrorCause(describeBranchError(outputs))), [], view.Globals);
  }
  const operatorOutputs = structuredClone(outputs) as OperatorOutput[];
  const status = stageStatusFromOutputs(view.Stage.Status, operatorOutputs);
  let globals: Globals;
  try {
    globals = mergeStageOutputs(view.Globals, operatorOutputs);
  } catch (error) {
    if (!(error instanceof StageRollupError)) throw error;
    return fail(Messages.rollupFailed(Messages.rollupErrorCause(error.message)), operatorOutputs, view.Globals);
  }
  if (view.Stage.End) {
    if (status === StageStatus.Error) {
      return fail(Messages.rollupFailed(Messages.stageAborted(stageName)), operatorOutputs, globals, END_STAGE);
    }
    return {
      stageStatus: status,
      outputs: operatorOutputs,
      globals,
      status: WorkflowStatus.Complete,
      currentStage: END_STAGE,
    };
  }
  // A failed middle stage leaves CurrentStage on itself: the original writes "End" and then overwrites it.
  if (status === StageStatus.Error) {
    return fail(Messages.rollupFailed(Messages.stageAborted(stageName)), operatorOutputs, globals);
  }
  const next = view.Stage.Next as string;
  return {
    stageStatus: status,
    outputs: operatorOutputs,
    globals,
    status: WorkflowStatus.Started,
    currentStage: next,
    next,
  };
}

/** The whole execution record with a {@link StageStep} applied (records that embed their stages). */
export function applyStageStep(execution: WorkflowExecution, stageName: string, step: StageStep): StageCompletion {
  const updated = structuredClone(execution);
  const stage = updated.Workflow.Stages[stageName];
  if (!stage) throw new Error(`Stage ${stageName} is not part of workflow execution ${execution.Id}`);
  stage.Outputs = structuredClone(step.outputs);
  stage.Status = step.stageStatus;
  updated.Globals = structuredClone(step.globals);
  updated.CurrentStage = step.currentStage;
  updated.Status = step.status;
  if (step.message !== undefined) updated.Message = step.message;
  if (step.next === undefined) return { execution: updated, next: {}, failure: step.message };
  const nextStage = updated.Workflow.Stages[step.next];
  nextStage.Input = structuredClone(step.globals);
  nextStage.Status = StageStatus.Started;
  return { execution: updated, next: nextStage };
}

/** {@link stageTransition} applied to a whole execution record. */
export function completeStage(execution: WorkflowExecution, stageName: string, outputs: unknown): StageCompletion {
  const stage = execution.Workflow.Stages[stageName];
  if (!stage) throw new Error(`Stage ${stageName} is not part of workflow execution ${execution.Id}`);
  return applyStageStep(
    execution,
    stageName,
    stageTransition({ Globals: execution.Globals, Stage: stage }, stageName, outputs),
  );
}

/**
 * Ends the execution in Error at `stageName` without recording the stage's outputs: used when they cannot be stored
 * (an execution record is one DynamoDB item), so the workflow fails with a message instead of staying Started.
 */
export function failStage(execution: WorkflowExecution, stageName: string, message: string): StageCompletion {
  const updated = structuredClone(execution);
  const stage = updated.Workflow.Stages[stageName];
  if (!stage) throw new Error(`Stage ${stageName} is not part of workflow execution ${execution.Id}`);
  stage.Outputs = [];
  stage.Status = StageStatus.Error;
  updated.Status = WorkflowStatus.Error;
  updated.Message = message;
  return { execution: updated, next: {}, failure: message };
}

function describeBranchError(caught: unknown): string {
  if (isObject(caught) && typeof caught.Error === 'string') {
    return typeof caught.Cause === 'string' ? `${caught.Error}: ${caught.Cause}` : caught.Error;
  }
  return 'stage outputs are not a list';
}

// ---------------------------------------------------------------------------------------------------------------
// Waiting and resuming
// ---------------------------------------------------------------------------------------------------------------

/**
 * `PUT /workflow/execution/{Id}` with `WaitingStageName`: allowed only when the execution is `Waiting` at that
 * stage. An unknown execution gets the same 400, because the original finds out through one conditional update.
 */
export function resumeExecution(
  id: string,
  execution: Pick<WorkflowExecution, 'Status' | 'CurrentStage'> | undefined,
  waitingStageName: string,
): { Id: string; Status: typeof WorkflowStatus.Resumed } {
  if (!execution || execution.Status !== WorkflowStatus.Waiting || execution.CurrentStage !== waitingStageName) {
    throw new BadRequestError(Messages.notWaitingAtStage);
  }
  return { Id: id, Status: WorkflowStatus.Resumed };
}

/** Raised by the Wait operator's monitor step; the original raises `MasExecutionError`, which its ASL retries. */
export class WaitOperatorError extends Error {}

/**
 * The Wait operator's monitor step: keep polling while the execution is `Waiting`, finish once the scheduler has put
 * it back to `Started`. Any other status (including `Resumed`, before the scheduler picks it up) fails the operator.
 */
export function waitOperatorStatus(
  executionId: string,
  execution: Pick<WorkflowExecution, 'Status'> | undefined,
): typeof OperationStatus.Executing | typeof OperationStatus.Complete {
  if (!execution) throw new WaitOperatorError(Messages.waitExecutionMissing(executionId));
  if (execution.Status === WorkflowStatus.Waiting) return OperationStatus.Executing;
  if (execution.Status === WorkflowStatus.Started) return OperationStatus.Complete;
  throw new WaitOperatorError(Messages.waitUnexpectedStatus(execution.Status));
}
