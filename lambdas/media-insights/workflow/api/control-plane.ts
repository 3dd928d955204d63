/**
 * The workflow control plane: what each route of the workflow API does, on top of the domain rules
 * (`../domain/`) and the storage, data plane and scheduler ports. No SDK calls here; the adapters make them.
 */
import { BadRequestError, ConflictError, NotFoundError } from '../../../shared/http/errors';
import { logger } from '../../shared/logger';
import { ItemTooLargeError } from '../../tables/packing';
import { Messages } from '../domain/messages';
import {
  assertConfigurationOverrides,
  assertNoActiveExecution,
  assertOperationIsNew,
  assertStageIsNew,
  buildExecutionRecord,
  buildOperationRecord,
  buildStageRecord,
  buildWorkflowRecord,
  canDeleteExecution,
  canDeleteOperation,
  canDeleteStage,
  canDeleteWorkflow,
  executionSummary,
  newestFirst,
  pythonTimestamp,
  rebuildWorkflowRecord,
  resolveOperations,
  resumeExecution as decideResume,
  singletonStageRequest,
  workflowConfiguration,
  type ExecutionSummary,
  type RecordContext,
} from '../domain/records';
import {
  API_VERSION,
  WorkflowStatus,
  type Operation,
  type OperationConfiguration,
  type Stage,
  type SystemConfigurationItem,
  type Workflow,
  type WorkflowExecution,
} from '../domain/types';
import {
  validateCreateExecution,
  validateCreateOperation,
  validateCreateStage,
  validateCreateWorkflow,
  validateResumeExecution,
  validateSystemConfiguration,
  validateUpdateWorkflow,
} from '../domain/validation';
import { engineFunctionArns, operationAsl, stageDefinition, type EngineFunctionArns } from './asl';
import type { WorkflowApiConfig } from './config';
import { ControlPlaneMessages } from './messages';
import type {
  CreatedAsset,
  DataplaneAssets,
  ExecutionStore,
  NamedRecordStore,
  OperationStore,
  ScheduleReason,
  StageStore,
  StateMachineExecutions,
  SystemConfigurationStore,
  WorkflowScheduler,
  WorkflowStore,
} from './ports';

/**
 * Who writes a definition. The API refuses a taken name (409); the registration custom resource replaces what it
 * registered before, so that CloudFormation can retry or update it, and marks its records with this `Trigger`.
 */
export type DefinitionWriter = 'api' | 'custom-resource';

export const REGISTRATION_TRIGGER = 'custom-resource';

const MAX_CONCURRENT_WORKFLOWS = 'MaxConcurrentWorkflows';

/** An execution in these statuses may have a state machine execution that is still running. */
const RUNNING_STATUSES: readonly string[] = [WorkflowStatus.Started, WorkflowStatus.Waiting, WorkflowStatus.Resumed];

/** The error a deleted execution's state machine execution is stopped with. */
export const EXECUTION_DELETED_ERROR = 'MediaInsights.ExecutionDeleted';

export interface ControlPlanePorts {
  readonly operations: OperationStore;
  readonly stages: StageStore;
  readonly workflows: WorkflowStore;
  readonly executions: ExecutionStore;
  readonly system: SystemConfigurationStore;
  readonly dataplane: DataplaneAssets;
  readonly scheduler: WorkflowScheduler;
  readonly stateMachines: StateMachineExecutions;
}

export interface ControlPlaneSettings {
  /** The shared workflow-runner state machine; every workflow record names it as its `StateMachineArn`. */
  readonly stateMachineArn: string;
  readonly frameworkVersion: string;
  readonly defaultMaxConcurrentWorkflows: number;
  readonly engine: EngineFunctionArns;
  readonly newId: () => string;
  readonly now: () => Date;
}

export function settingsFromConfig(
  config: WorkflowApiConfig,
  clock: Pick<ControlPlaneSettings, 'newId' | 'now'>,
): ControlPlaneSettings {
  return {
    stateMachineArn: config.stateMachineArn,
    frameworkVersion: config.frameworkVersion,
    defaultMaxConcurrentWorkflows: config.defaultMaxConcurrentWorkflows,
    engine: engineFunctionArns(config.engineFunctionArn),
    ...clock,
  };
}

export class WorkflowControlPlane {
  constructor(
    private readonly ports: ControlPlanePorts,
    private readonly settings: ControlPlaneSettings,
  ) {}

  version(): { ApiVersion: string; FrameworkVersion: string } {
    return { ApiVersion: API_VERSION, FrameworkVersion: this.settings.frameworkVersion };
  }

  // -------------------------------------------------------------------------------------------------------------
  // System configuration
  // -------------------------------------------------------------------------------------------------------------

  /**
   * Every stored item. The limit the scheduler applies is reported even while nothing is stored (the original then
   * lists nothing, and its scheduler silently uses the stack's default).
   */
  async systemConfiguration(): Promise<SystemConfigurationItem[]> {
    const items = await this.ports.system.list();
    if (!items.some((item) => item.Name === MAX_CONCURRENT_WORKFLOWS)) {
      items.push({ Name: MAX_CONCURRENT_WORKFLOWS, Value: this.settings.defaultMaxConcurrentWorkflows });
    }
    return items;
  }

  async setSystemConfiguration(body: unknown): Promise<Record<string, never>> {
    const item = validateSystemConfiguration(body);
    assertStorableName(item.Name, 'Name');
    await this.ports.system.put(item);
    return {};
  }

  /** Seeds the default limit for the scheduler unless someone already set one. */
  async seedMaxConcurrentWorkflows(value: number): Promise<void> {
    const item = validateSystemConfiguration({ Name: MAX_CONCURRENT_WORKFLOWS, Value: value });
    await this.ports.system.putIfAbsent(item);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Operations
  // -------------------------------------------------------------------------------------------------------------

  /**
   * Stores the operation and its singleton stage `_<Name>`. Both names are checked first, so a taken stage name is a
   * 409 with nothing written (the original stores the operation, fails, deletes it again and answers a 500).
   */
  async createOperation(body: unknown, writer: DefinitionWriter = 'api'): Promise<Operation> {
    const request = withTrigger(validateCreateOperation(body), writer);
    const stageRequest = withTrigger(singletonStageRequest(request.Name), writer);
    // Both become keys; the singleton stage's name is one character longer.
    assertStorableName(request.Name, 'Name');
    assertStorableName(stageRequest.Name, 'Name');
    const [existingOperation, existingStage] = await Promise.all([
      this.ports.operations.get(request.Name),
      this.ports.stages.get(stageRequest.Name),
    ]);
    if (writer === 'api') {
      assertOperationIsNew(request.Name, existingOperation);
      assertStageIsNew(stageRequest.Name, existingStage);
    } else {
      assertRegistered('Operation', existingOperation);
      assertRegistered('Stage', existingStage);
    }

    const operation = buildOperationRecord(request, {
      ...this.recordContext(),
      stateMachineAsl: operationAsl(request, this.settings.engine),
    });
    const stage = buildStageRecord(stageRequest, [operation], {
      ...this.recordContext(),
      definition: stageDefinition(stageRequest.Name, [operation.StateMachineAsl], this.settings.engine),
    });
    this.assertFits('Operation', operation.Name, () => this.ports.operations.assertFits(operation));
    this.assertFits('Stage', stage.Name, () => this.ports.stages.assertFits(stage));
    await this.write(this.ports.operations, operation, writer, () => Messages.operationExists(operation.Name));
    try {
      await this.write(this.ports.stages, stage, writer, () => Messages.stageExists(stage.Name));
    } catch (error) {
      // Another request took the stage name in between: take the operation back so neither half is left behind.
      if (writer === 'api') await this.ports.operations.delete(operation.Name);
      throw error;
    }
    return operation;
  }

  /**
   * `PUT /workflow/operation`: replaces an operation (same body and rules as creating one) and refreshes its
   * singleton stage. The original has no update (it answers a fixed message); workflows that embed the old definition are
   * flagged in `StaleOperations`, as the original flags them on delete, until `PUT /workflow` rebuilds them.
   */
  async updateOperation(body: unknown): Promise<Operation> {
    const request = validateCreateOperation(body);
    const existing = await this.ports.operations.get(request.Name);
    if (!existing) throw new NotFoundError(Messages.operationNotFound(request.Name));
    const operation: Operation = {
      ...buildOperationRecord(request, {
        ...this.recordContext(),
        stateMachineAsl: operationAsl(request, this.settings.engine),
      }),
      Id: existing.Id,
      Created: existing.Created,
      Version: nextVersion(existing.Version),
    };
    const singleton = await this.ports.stages.get(existing.StageName);
    const stage = singleton && this.stageReplacement(singleton, [operation]);
    this.assertFits('Operation', operation.Name, () => this.ports.operations.assertFits(operation));
    if (stage) this.assertFits('Stage', stage.Name, () => this.ports.stages.assertFits(stage));
    await this.ports.operations.replace(operation);
    if (stage) await this.ports.stages.replace(stage);
    for (const workflow of await this.ports.workflows.listByOperation(operation.Name)) {
      await this.ports.workflows.appendStale(workflow.Name, 'StaleOperations', operation.Name);
    }
    return operation;
  }

  listOperations(): Promise<Operation[]> {
    return this.ports.operations.list();
  }

  async getOperation(name: string): Promise<Operation> {
    const operation = await this.ports.operations.get(name);
    if (!operation) throw new NotFoundError(Messages.operationNotFound(name));
    return operation;
  }

  /**
   * Deletes the operation and, forced, its singleton stage; workflows that use either are flagged stale, as in the
   * original. Other stages that list the operation are left alone.
   */
  async deleteOperation(name: string, force: boolean): Promise<Operation | { Message: string }> {
    const operation = await this.ports.operations.get(name);
    const dependents = operation ? await this.ports.workflows.listByOperation(name) : [];
    const decision = canDeleteOperation(name, operation, dependents, force);
    if (decision.action === 'warn') return decision.response;

    await this.deleteStage(decision.record.StageName, true);
    await this.ports.operations.delete(name);
    for (const workflow of dependents) await this.ports.workflows.appendStale(workflow.Name, 'StaleOperations', name);
    return decision.record;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Stages
  // -------------------------------------------------------------------------------------------------------------

  async createStage(body: unknown, writer: DefinitionWriter = 'api'): Promise<Stage> {
    const request = withTrigger(validateCreateStage(body), writer);
    assertStorableName(request.Name, 'Name');
    const existing = await this.ports.stages.get(request.Name);
    if (writer === 'api') assertStageIsNew(request.Name, existing);
    else assertRegistered('Stage', existing);

    const operations = resolveOperations(request.Operations, await this.ports.operations.getMany(request.Operations));
    const stage = buildStageRecord(request, operations, {
      ...this.recordContext(),
      definition: stageDefinition(
        request.Name,
        operations.map((operation) => operation.StateMachineAsl),
        this.settings.engine,
      ),
    });
    this.assertFits('Stage', stage.Name, () => this.ports.stages.assertFits(stage));
    await this.write(this.ports.stages, stage, writer, () => Messages.stageExists(stage.Name));
    return stage;
  }

  /**
   * `PUT /workflow/stage`: replaces a stage's operations (same body and rules as creating one), taking each
   * operation's current defaults. The original has no update (it answers a fixed message); workflows that embed the old
   * stage are flagged in `StaleStages` until `PUT /workflow` rebuilds them.
   */
  async updateStage(body: unknown): Promise<Stage> {
    const request = validateCreateStage(body);
    const existing = await this.ports.stages.get(request.Name);
    if (!existing) throw new NotFoundError(Messages.stageNotFound(request.Name));
    const operations = resolveOperations(request.Operations, await this.ports.operations.getMany(request.Operations));
    const stage = this.stageReplacement({ ...existing, ...request }, operations);
    this.assertFits('Stage', stage.Name, () => this.ports.stages.assertFits(stage));
    await this.ports.stages.replace(stage);
    for (const workflow of await this.ports.workflows.listByStage(stage.Name)) {
      await this.ports.workflows.appendStale(workflow.Name, 'StaleStages', stage.Name);
    }
    return stage;
  }

  /** The stage rebuilt from `operations`, as the next version of `existing` (not stored yet). */
  private stageReplacement(existing: Stage, operations: Operation[]): Stage {
    const built = buildStageRecord(
      { Name: existing.Name, Operations: operations.map((operation) => operation.Name) },
      operations,
      {
        ...this.recordContext(),
        definition: stageDefinition(
          existing.Name,
          operations.map((operation) => operation.StateMachineAsl),
          this.settings.engine,
        ),
      },
    );
    const stage: Stage = {
      ...built,
      Id: existing.Id,
      Created: existing.Created,
      Version: nextVersion(existing.Version),
    };
    return stage;
  }

  listStages(): Promise<Stage[]> {
    return this.ports.stages.list();
  }

  async getStage(name: string): Promise<Stage> {
    const stage = await this.ports.stages.get(name);
    if (!stage) throw new NotFoundError(Messages.stageNotFound(name));
    return stage;
  }

  async deleteStage(name: string, force: boolean): Promise<Stage | { Message: string }> {
    const stage = await this.ports.stages.get(name);
    const dependents = stage ? await this.ports.workflows.listByStage(name) : [];
    const decision = canDeleteStage(name, stage, dependents, force);
    if (decision.action === 'warn') return decision.response;

    await this.ports.stages.delete(name);
    for (const workflow of dependents) await this.ports.workflows.appendStale(workflow.Name, 'StaleStages', name);
    return decision.record;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Workflows
  // -------------------------------------------------------------------------------------------------------------

  /**
   * Every workflow runs on the one shared runner state machine, so nothing is created in Step Functions and the
   * record names that state machine. The name is checked before anything else (the original creates the state
   * machine first and only then finds the name taken).
   */
  async createWorkflow(body: unknown, writer: DefinitionWriter = 'api'): Promise<Workflow> {
    const request = validateCreateWorkflow(body);
    assertStorableName(request.Name, 'Name');
    const existing = await this.ports.workflows.get(request.Name);
    if (writer === 'api') {
      if (existing) throw new ConflictError(Messages.workflowExists(request.Name));
    } else assertRegistered('Workflow', existing);

    const stages = await this.ports.stages.getMany(Object.keys(request.Stages));
    const draft = buildWorkflowRecord(request, stages, { ...this.recordContext(), trigger: writer });
    const workflow: Workflow = { ...draft, StateMachineArn: this.settings.stateMachineArn };
    this.assertFits('Workflow', workflow.Name, () => this.ports.workflows.assertFits(workflow));
    await this.write(this.ports.workflows, workflow, writer, () => Messages.workflowExists(workflow.Name));
    return workflow;
  }

  /** Rebuilds the workflow from the current stage records; a concurrent update or delete is refused, not lost. */
  async updateWorkflow(body: unknown): Promise<Workflow> {
    const update = validateUpdateWorkflow(body);
    const existing = await this.ports.workflows.get(update.Name);
    if (!existing) throw new NotFoundError(Messages.workflowNotFound(update.Name));

    const stages = await this.ports.stages.getMany(Object.keys(update.Stages ?? existing.Stages));
    const rebuilt: Workflow = {
      ...rebuildWorkflowRecord(existing, update, stages),
      StateMachineArn: this.settings.stateMachineArn,
    };
    this.assertFits('Workflow', rebuilt.Name, () => this.ports.workflows.assertFits(rebuilt));
    if (!(await this.ports.workflows.replaceRevision(rebuilt, existing.Revisions))) {
      if (!(await this.ports.workflows.get(update.Name)))
        throw new NotFoundError(Messages.workflowNotFound(update.Name));
      throw new ConflictError(ControlPlaneMessages.workflowChanged(update.Name));
    }
    return rebuilt;
  }

  listWorkflows(): Promise<Workflow[]> {
    return this.ports.workflows.list();
  }

  async getWorkflow(name: string): Promise<Workflow> {
    const workflow = await this.ports.workflows.get(name);
    if (!workflow) throw new NotFoundError(Messages.workflowNotFound(name));
    return workflow;
  }

  async workflowConfiguration(name: string): Promise<Record<string, Record<string, OperationConfiguration>>> {
    return workflowConfiguration(await this.getWorkflow(name));
  }

  workflowsByOperation(operationName: string): Promise<Workflow[]> {
    return this.ports.workflows.listByOperation(operationName);
  }

  workflowsByStage(stageName: string): Promise<Workflow[]> {
    return this.ports.workflows.listByStage(stageName);
  }

  /** No dependency check, as in the original: executions run on their own copy of the workflow. */
  async deleteWorkflow(name: string): Promise<Workflow | { Message: string }> {
    const decision = canDeleteWorkflow(name, await this.ports.workflows.delete(name));
    return decision.action === 'warn' ? decision.response : decision.record;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Executions
  // -------------------------------------------------------------------------------------------------------------

  /**
   * Everything that can refuse the request is checked before the data plane is asked to create an asset, so a
   * refused request leaves no asset behind. The execution is stored `Queued`; the scheduler starts it.
   */
  async createExecution(body: unknown): Promise<WorkflowExecution> {
    const request = validateCreateExecution(body);
    const workflow = await this.ports.workflows.get(request.Name);
    if (!workflow) throw new BadRequestError(Messages.executionWorkflowNotFound(request.Name));
    assertConfigurationOverrides(workflow, request.Configuration);
    // The execution as it will be stored, with the request's media standing in for the asset's, checked before the
    // data plane creates an asset that would be left behind.
    const provisional = buildExecutionRecord(
      workflow,
      {
        AssetId: 'AssetId' in request.Input ? request.Input.AssetId : this.settings.newId(),
        Media:
          'Media' in request.Input
            ? {
                [request.Input.Media.MediaType]: {
                  S3Bucket: request.Input.Media.S3Bucket,
                  S3Key: request.Input.Media.S3Key,
                },
              }
            : {},
        Configuration: request.Configuration,
      },
      this.recordContext(),
    );
    this.assertFits('Workflow execution of', workflow.Name, () =>
      this.ports.executions.assertFits(provisional, workflow),
    );

    let asset: CreatedAsset;
    if ('AssetId' in request.Input) {
      const assetId = request.Input.AssetId;
      assertNoActiveExecution(assetId, await this.ports.executions.listByAsset(assetId));
      const media = await this.ports.dataplane.assetMedia(assetId);
      if (!media) throw new BadRequestError(Messages.unableToRetrieveAsset(assetId));
      asset = { AssetId: assetId, Media: media };
    } else {
      asset = await this.ports.dataplane.createAsset(request.Input.Media);
    }

    const execution = buildExecutionRecord(
      workflow,
      { AssetId: asset.AssetId, Media: asset.Media, Configuration: request.Configuration },
      this.recordContext(),
    );
    if (!(await this.ports.executions.create(execution, workflow))) {
      throw new Error(`Workflow execution id ${execution.Id} is already taken`);
    }
    await this.requestSchedule('execution-created', execution.Id);
    return execution;
  }

  listExecutions(): Promise<WorkflowExecution[]> {
    return this.ports.executions.list();
  }

  async getExecution(id: string): Promise<WorkflowExecution> {
    const execution = await this.ports.executions.get(id);
    if (!execution) throw new NotFoundError(Messages.executionNotFound(id));
    return execution;
  }

  async executionsByStatus(status: string): Promise<ExecutionSummary[]> {
    const executions = await this.ports.executions.listByStatus(status);
    return executions.map((execution) => executionSummary(execution, { withCreated: false }));
  }

  async executionsByAsset(assetId: string): Promise<ExecutionSummary[]> {
    const executions = await this.ports.executions.listByAsset(assetId);
    return newestFirst(executions.map((execution) => executionSummary(execution, { withCreated: true })));
  }

  /**
   * Stops the execution's state machine execution if it may still be running, deletes the record and lets the
   * scheduler reclaim the slot (the original only deletes the record and leaves the state machine running).
   */
  async deleteExecution(id: string): Promise<WorkflowExecution> {
    const execution = canDeleteExecution(id, await this.ports.executions.get(id));
    if (RUNNING_STATUSES.includes(execution.Status) && execution.StateMachineExecutionArn) {
      await this.ports.stateMachines.stop(
        execution.StateMachineExecutionArn,
        EXECUTION_DELETED_ERROR,
        `Workflow execution ${id} was deleted through the workflow API`,
      );
    }
    const deleted = await this.ports.executions.delete(id);
    await this.requestSchedule('execution-deleted', id);
    return deleted ?? execution;
  }

  /** `PUT /workflow/execution/{id}`: resumes an execution waiting at the given stage. */
  async resumeExecution(id: string, body: unknown): Promise<{ Id: string; Status: string } | Record<string, never>> {
    const request = validateResumeExecution(body);
    if (request.WaitingStageName === undefined) return {};
    // One conditional update decides; the domain rule turns "it did not hold" into the original's 400.
    const before = await this.ports.executions.markResumed(id, request.WaitingStageName);
    const resumed = decideResume(id, before, request.WaitingStageName);
    await this.requestSchedule('execution-resumed', id);
    return resumed;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Registration (the CloudFormation custom resource)
  // -------------------------------------------------------------------------------------------------------------

  /** Deletes, forced, a definition the custom resource registered; anything else of that name is left alone. */
  async unregister(kind: 'Operation' | 'Stage' | 'Workflow', name: string): Promise<void> {
    if (kind === 'Workflow') {
      if (isRegistered(await this.ports.workflows.get(name))) await this.deleteWorkflow(name);
    } else if (kind === 'Stage') {
      if (isRegistered(await this.ports.stages.get(name))) await this.deleteStage(name, true);
    } else if (isRegistered(await this.ports.operations.get(name))) {
      await this.deleteOperation(name, true);
    }
  }

  // -------------------------------------------------------------------------------------------------------------

  private recordContext(): RecordContext {
    return { id: this.settings.newId(), created: pythonTimestamp(this.settings.now()) };
  }

  /** Turns `ItemTooLargeError` into the 400 that names what is too large; nothing has been written yet. */
  private assertFits(kind: string, name: string, check: () => void): void {
    try {
      check();
    } catch (error) {
      if (error instanceof ItemTooLargeError) {
        throw new BadRequestError(ControlPlaneMessages.recordTooLarge(kind, name, error.attribute));
      }
      throw error;
    }
  }

  private async write<T extends { Name: string }>(
    store: NamedRecordStore<T>,
    record: T,
    writer: DefinitionWriter,
    conflictMessage: () => string,
  ): Promise<void> {
    if (writer === 'custom-resource') await store.replace(record);
    else if (!(await store.create(record))) throw new ConflictError(conflictMessage());
  }

  /**
   * The execution is already stored, so a failed request to the scheduler must not fail the API call: the
   * scheduler's periodic run finds the execution anyway (the original marks the execution `Error` instead).
   */
  private async requestSchedule(reason: ScheduleReason, executionId: string): Promise<void> {
    try {
      await this.ports.scheduler.requestSchedule(reason, executionId);
    } catch (error) {
      logger.error('Could not ask the workflow scheduler to run', { reason, executionId, error });
    }
  }
}

function withTrigger<T extends object>(request: T, writer: DefinitionWriter): T {
  return writer === 'custom-resource' ? { ...request, Trigger: REGISTRATION_TRIGGER } : request;
}

function isRegistered(record: object | undefined): boolean {
  return record !== undefined && 'Trigger' in record && record.Trigger === REGISTRATION_TRIGGER;
}

function assertRegistered(kind: 'Operation' | 'Stage' | 'Workflow', existing: { Name: string } | undefined): void {
  if (existing && !isRegistered(existing)) {
    throw new ConflictError(ControlPlaneMessages.notRegisteredByStack(kind, existing.Name));
  }
}

/** A name becomes a DynamoDB key, which must be 1 to 2048 bytes long. */
function assertStorableName(name: string, field: string): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes < 1 || bytes > 2048) throw new BadRequestError(ControlPlaneMessages.nameNotStorable(field));
}

/** `v0` → `v1`: the original's version text, counted up on every update. */
function nextVersion(version: string): string {
  const current = Number(/^v(\d+)$/.exec(version)?.[1] ?? 0);
  return `v${current + 1}`;
}
