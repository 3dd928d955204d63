import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import { itemSize, MAX_ITEM_BYTES } from '../../shared/dynamodb/item-size';
import { applyStageStep, type ExecutionSummarySource, type StageStep } from '../workflow/domain/records';
import {
  WorkflowStatus,
  type ExecutionStage,
  type ExecutionWorkflow,
  type OperatorOutput,
  type StageContext,
  type StageStatus,
  type Globals,
  type Workflow,
  type WorkflowExecution,
} from '../workflow/domain/types';
import { ExecutionStageTable, type ExecutionParts, type StageState } from './execution-stages';
import { ItemTooLargeError, packToFit, unpack } from './packing';
import { allPages, conditionally, isStorableKey, type ScanOptions } from './support';
import { WorkflowVersionTable, type WorkflowVersion, type WorkflowVersionRef } from './workflow-versions';

/**
 * The workflow execution table: one `WorkflowExecution` per item keyed by `Id`, with the original's two indexes
 * (partition keys `Status` and `AssetId`, sort key `Created`). The control plane creates, lists, deletes and resumes
 * executions; the engine and scheduler move them through their states; the Wait operator parks them.
 */
export const EXECUTION_TABLE = {
  partitionKey: { name: 'Id', type: 'S' },
  indexes: {
    status: {
      indexName: 'WorkflowExecutionStatus',
      partitionKey: { name: 'Status', type: 'S' },
      sortKey: { name: 'Created', type: 'S' },
      projection: { type: 'ALL' },
    },
    asset: {
      indexName: 'WorkflowExecutionAssetId',
      partitionKey: { name: 'AssetId', type: 'S' },
      sortKey: { name: 'Created', type: 'S' },
      projection: { type: 'ALL' },
    },
  },
} as const satisfies TableSchema;

/**
 * Records written before stages had their own items embed their workflow's stages; what grows with them (the
 * generated `Definition`, and the `Input` and `Outputs` each stage records as it runs) is stored packed (see
 * `packing.ts`). They are still read, and run to their end, as they were stored.
 */
const PACKED_PATHS = ['Workflow.Stages.*.Definition', 'Workflow.Stages.*.Input', 'Workflow.Stages.*.Outputs'];

/** What the listings read of each execution: the original's projection. */
export type ExecutionListing = ExecutionSummarySource;

// What the listings read of each execution: the original's projection (plus `Created`, which the status listing
// then leaves out). Execution records embed the whole workflow, so projecting keeps large listings small.
const LISTING_PROJECTION = '#id, #asset, #stage, #created, #arn, #status, #workflow.#name';
const LISTING_NAMES = {
  '#id': 'Id',
  '#asset': 'AssetId',
  '#stage': 'CurrentStage',
  '#created': 'Created',
  '#arn': 'StateMachineExecutionArn',
  '#status': 'Status',
  '#workflow': 'Workflow',
  '#name': 'Name',
};

/**
 * The execution record as stored: the execution without its stages, which are items of the execution stage table,
 * and a reference to the workflow version their definitions are read from. Records stored before that (`Workflow`
 * with `Stages`, no `WorkflowVersionKey`) are read as they are.
 */
export type ExecutionHeader = Omit<WorkflowExecution, 'Workflow'> & {
  Workflow: Omit<ExecutionWorkflow, 'Stages'> & { Stages?: ExecutionWorkflow['Stages'] };
  WorkflowVersionKey?: WorkflowVersionRef;
};

/** What completing a stage reads: the execution's status and globals, and the stage's status and place. */
export interface StageProgress {
  readonly execution: Pick<ExecutionHeader, 'Id' | 'Status' | 'Globals' | 'CurrentStage'>;
  readonly stage: Pick<ExecutionStage, 'Status' | 'Operations' | 'Next' | 'End' | 'Input'>;
}

/** The execution's tables: its records, and (for records that refer to a workflow version) stages and versions. */
export interface ExecutionTableNames {
  readonly executions: string;
  /** @default - stages cannot be read or written (the Wait operator reads statuses only) */
  readonly stages?: string;
  /** @default - whole executions cannot be read or created */
  readonly versions?: string;
}

/** Room kept in an execution record for everything but its globals. */
const HEADER_ROOM_BYTES = 16 * 1024;

/** The execution table's one adapter; each reader takes the `Pick<>` of it that it needs. */
export class ExecutionTable {
  private readonly tableName: string;
  private readonly stageTable?: ExecutionStageTable;
  private readonly versionTable?: WorkflowVersionTable;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    tables: ExecutionTableNames,
    private readonly options: ScanOptions = {},
  ) {
    this.tableName = tables.executions;
    if (tables.stages) this.stageTable = new ExecutionStageTable(client, tables.stages);
    if (tables.versions) this.versionTable = new WorkflowVersionTable(client, tables.versions);
  }

  private get stages(): ExecutionStageTable {
    if (!this.stageTable) throw new Error('ExecutionTable was built without the execution stage table');
    return this.stageTable;
  }

  private get versions(): WorkflowVersionTable {
    if (!this.versionTable) throw new Error('ExecutionTable was built without the workflow version table');
    return this.versionTable;
  }

  /** The whole execution as the API answers it (consistent reads); `undefined` when there is none. */
  async get(id: string): Promise<WorkflowExecution | undefined> {
    const header = await this.header(id);
    return header ? this.assemble(header) : undefined;
  }

  /** The execution record alone (consistent read): status, globals, current stage, but not the stages. */
  async header(id: string): Promise<ExecutionHeader | undefined> {
    if (!isStorableKey(id)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { Id: id }, ConsistentRead: true }),
    );
    return unpack<ExecutionHeader>(Item);
  }

  /** The operations of one stage, to start the runner at it. */
  async stageOperations(execution: ExecutionHeader, stageName: string): Promise<string[] | undefined> {
    if (!execution.WorkflowVersionKey) return execution.Workflow.Stages?.[stageName]?.Operations;
    return (await this.stages.stage(execution.Id, stageName))?.Operations;
  }

  /**
   * What running one operation of `stageName` needs, read by projection: neither the other stages nor the other
   * operations' configuration are read, so its cost stays flat however long or wide the workflow is.
   */
  async stageContext(id: string, stageName: string, operationName: string): Promise<StageContext | undefined> {
    if (!isStorableKey(id) || stageName.length === 0) return undefined;
    const [{ Item }, configuration] = await Promise.all([
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { Id: id },
          ConsistentRead: true,
          // Records that embed their stages keep the configuration there.
          ProjectionExpression: '#id, #asset, #globals, #workflow.#stages.#stage.#configuration.#operation',
          ExpressionAttributeNames: {
            '#id': 'Id',
            '#asset': 'AssetId',
            '#globals': 'Globals',
            '#workflow': 'Workflow',
            '#stages': 'Stages',
            '#stage': stageName,
            '#configuration': 'Configuration',
            '#operation': operationName,
          },
        }),
      ),
      this.stageTable?.operationConfiguration(id, stageName, operationName),
    ]);
    if (!Item) return undefined;
    const context = Item as Partial<StageContext>;
    const stages = context.Workflow?.Stages ?? {};
    if (configuration) stages[stageName] = { Configuration: { [operationName]: configuration } };
    return {
      Id: String(context.Id),
      AssetId: String(context.AssetId),
      Globals: context.Globals ?? { Media: {}, MetaData: {} },
      Workflow: { Stages: stages },
    };
  }

  /** Stores what one operation of a stage produced (see `ExecutionStageTable.recordOutput`). */
  recordOutput(id: string, stageName: string, output: OperatorOutput, stageInput: Globals): Promise<void> {
    return this.stages.recordOutput(id, stageName, output, stageInput);
  }

  /** The outputs the operations of a stage recorded, by operation name. */
  stageOutputs(id: string, stageName: string, stageInput: Globals): Promise<Map<string, OperatorOutput>> {
    return this.stages.outputs(id, stageName, stageInput);
  }

  /** What completing `stageName` reads: the execution record's state and the stage's. */
  async stageState(id: string, stageName: string): Promise<StageProgress | undefined> {
    if (!isStorableKey(id)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { Id: id },
        ConsistentRead: true,
        ProjectionExpression: '#id, #status, #globals, #current, #ref',
        ExpressionAttributeNames: {
          '#id': 'Id',
          '#status': 'Status',
          '#globals': 'Globals',
          '#current': 'CurrentStage',
          '#ref': 'WorkflowVersionKey',
        },
      }),
    );
    if (!Item) return undefined;
    const execution = Item as ExecutionHeader;
    if (execution.WorkflowVersionKey) {
      const stage = await this.stages.stage(id, stageName);
      if (!stage) throw new Error(`Stage ${stageName} is not part of workflow execution ${id}`);
      return { execution, stage: { ...stage, Input: execution.Globals } };
    }
    const whole = await this.header(id);
    const stage = whole?.Workflow.Stages?.[stageName];
    if (!whole || !stage) throw new Error(`Stage ${stageName} is not part of workflow execution ${id}`);
    return { execution: whole, stage };
  }

  /**
   * Records a completed stage while the execution is still `Started`; `saved: false` when it no longer is. Records
   * with their own stage items are changed in three small writes (the stage, the next stage, then the record,
   * conditionally); older records are rewritten whole as before. Throws `ItemTooLargeError`, before writing
   * anything, when the globals no longer fit the record.
   */
  async completeStage(
    id: string,
    stageName: string,
    step: StageStep,
  ): Promise<{ saved: boolean; nextOperations?: string[] }> {
    const header = await this.header(id);
    if (!header) return { saved: false };
    if (!header.WorkflowVersionKey) {
      const completion = applyStageStep(header as WorkflowExecution, stageName, step);
      const saved = await this.replaceIf(completion.execution, WorkflowStatus.Started);
      return { saved, nextOperations: step.next ? completion.execution.Workflow.Stages[step.next]?.Operations : [] };
    }
    const globalsBytes = itemSize({ Globals: step.globals });
    if (globalsBytes + HEADER_ROOM_BYTES > MAX_ITEM_BYTES) throw new ItemTooLargeError('Globals', globalsBytes);
    const nextOperations = await this.stages.completeStage(id, stageName, step);
    const values: Record<string, unknown> = {
      ':status': step.status,
      ':globals': step.globals,
      ':current': step.currentStage,
      ':started': WorkflowStatus.Started,
      ':stage': stageName,
    };
    let update = 'SET #status = :status, #globals = :globals, #current = :current';
    if (step.message !== undefined) {
      update += ', #message = :message';
      values[':message'] = step.message;
    }
    const saved = await conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { Id: id },
          UpdateExpression: update,
          ConditionExpression: '#status = :started AND #current = :stage',
          ExpressionAttributeNames: {
            '#status': 'Status',
            '#globals': 'Globals',
            '#current': 'CurrentStage',
            ...(step.message !== undefined ? { '#message': 'Message' } : {}),
          },
          ExpressionAttributeValues: values,
        }),
      ),
    );
    return { saved, nextOperations };
  }

  async list(): Promise<WorkflowExecution[]> {
    const items = await allPages<Record<string, unknown>>((startKey) =>
      this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey, Limit: this.options.scanPageSize }),
      ),
    );
    const versions = new Map<string, Promise<WorkflowVersion | undefined>>();
    return Promise.all(
      items.map((item) => this.assemble(unpack<ExecutionHeader>(item) as ExecutionHeader, undefined, versions)),
    );
  }

  /**
   * Throws `ItemTooLargeError` for an execution that cannot be stored, so a request can be refused first: its
   * record, any of its stages, or the workflow version it refers to.
   */
  assertFits(execution: WorkflowExecution, workflow: Workflow): void {
    const { header, stages } = split(execution, WorkflowVersionTable.versionOf(workflow));
    packToFit(header, []);
    for (const stage of stages) packToFit(this.stages.stageItem(execution.Id, stage), []);
    this.versions.assertFits(WorkflowVersionTable.versionOf(workflow));
  }

  /**
   * Stores a new execution of `workflow` (`execution` as `buildExecutionRecord` made it): the workflow version if it
   * is new, the stages, then the record, which is what makes the execution exist. `false` when the id is taken.
   */
  async create(execution: WorkflowExecution, workflow: Workflow): Promise<boolean> {
    const version = WorkflowVersionTable.versionOf(workflow);
    const { header, stages } = split(execution, version);
    await this.versions.put(version);
    await this.stages.putStages(execution.Id, stages);
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: packToFit(header, []),
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': 'Id' },
        }),
      ),
    );
  }

  async delete(id: string): Promise<WorkflowExecution | undefined> {
    if (!isStorableKey(id)) return undefined;
    const header = await this.header(id);
    const parts = header?.WorkflowVersionKey ? await this.stages.parts(id) : undefined;
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { Id: id }, ReturnValues: 'ALL_OLD' }),
    );
    const deleted = unpack<ExecutionHeader>(Attributes);
    if (!deleted) return undefined;
    if (deleted.WorkflowVersionKey) await this.stages.deleteAll(id);
    return this.assemble(deleted, parts);
  }

  /** The execution as the API answers it, from its record, its stage items and its workflow version. */
  private async assemble(
    header: ExecutionHeader,
    parts?: ExecutionParts,
    versions?: Map<string, Promise<WorkflowVersion | undefined>>,
  ): Promise<WorkflowExecution> {
    const ref = header.WorkflowVersionKey;
    if (!ref) return header as WorkflowExecution;
    const key = JSON.stringify([ref.Name, ref.Version]);
    let version = versions?.get(key);
    if (!version) {
      version = this.versions.get(ref);
      versions?.set(key, version);
    }
    const [stored, { stages, outputs }] = await Promise.all([version, parts ?? this.stages.parts(header.Id)]);
    const { WorkflowVersionKey: _ref, ...execution } = header;
    const assembled: Record<string, ExecutionStage> = {};
    for (const [name, definition] of Object.entries(stored?.Stages ?? {})) {
      const state = stages.get(name);
      if (!state) continue;
      const { Outputs, OutputsRecorded, Input, ...rest } = state;
      const stage: ExecutionStage = {
        ...definition,
        ...rest,
        Status: rest.Status as StageStatus,
        AssetId: rest.AssetId ?? header.AssetId,
        WorkflowExecutionId: rest.WorkflowExecutionId ?? header.Id,
      };
      // The original's key order: the stage's state, then its input, then its outputs.
      const { Metrics, Name, AssetId, WorkflowExecutionId, MetaData, ...head } = stage;
      const ordered: ExecutionStage = {
        ...head,
        Status: stage.Status,
        Metrics,
        Name,
        AssetId,
        WorkflowExecutionId,
        MetaData,
      };
      if (Input !== undefined) ordered.Input = Input;
      if (Outputs !== undefined) ordered.Outputs = Outputs;
      else if (OutputsRecorded) {
        const recorded = outputs.get(name);
        ordered.Outputs = state.Operations.flatMap((operation) => {
          const output = recorded?.get(operation);
          return output ? [output] : [];
        });
      }
      assembled[name] = ordered;
    }
    return { ...execution, Workflow: { ...execution.Workflow, Stages: assembled } } as WorkflowExecution;
  }

  /** The status listing of the API: the projected fields only. */
  listByStatus(status: string): Promise<ExecutionListing[]> {
    return this.listByIndex(EXECUTION_TABLE.indexes.status, status, LISTING_PROJECTION);
  }

  /** The asset listing of the API: the projected fields only. */
  listByAsset(assetId: string): Promise<ExecutionListing[]> {
    return this.listByIndex(EXECUTION_TABLE.indexes.asset, assetId, LISTING_PROJECTION);
  }

  /** Execution records (without their stages) in one status, oldest `Created` first: the scheduler's queue. */
  async recordsInStatus(status: WorkflowStatus): Promise<ExecutionHeader[]> {
    const items = await this.listByIndex<Record<string, unknown>>(EXECUTION_TABLE.indexes.status, status);
    return items.map((item) => unpack<ExecutionHeader>(item) as ExecutionHeader);
  }

  /**
   * Sets `Resumed` only if the execution is `Waiting` at `stageName`, in one conditional update. Returns what the
   * execution was before (`Status`, `CurrentStage`), or `undefined` when the condition did not hold.
   */
  async markResumed(
    id: string,
    stageName: string,
  ): Promise<Pick<WorkflowExecution, 'Status' | 'CurrentStage'> | undefined> {
    if (!isStorableKey(id)) return undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { Id: id },
          UpdateExpression: 'SET #status = :resumed',
          // A missing execution has no Status, so the condition also refuses an unknown id without creating it.
          ConditionExpression: '#status = :waiting AND #stage = :stage',
          ExpressionAttributeNames: { '#status': 'Status', '#stage': 'CurrentStage' },
          ExpressionAttributeValues: {
            ':resumed': WorkflowStatus.Resumed,
            ':waiting': WorkflowStatus.Waiting,
            ':stage': stageName,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { Status: Attributes?.Status, CurrentStage: Attributes?.CurrentStage };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Sets `Waiting` on an existing execution; `false` for an unknown id (the original's update would create one). */
  markWaiting(id: string): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { Id: id },
          UpdateExpression: 'SET #status = :waiting',
          ConditionExpression: 'attribute_exists(Id)',
          ExpressionAttributeNames: { '#status': 'Status' },
          ExpressionAttributeValues: { ':waiting': WorkflowStatus.Waiting },
        }),
      ),
    );
  }

  /** The execution's `Status` alone (a consistent read of one attribute); `undefined` for an unknown id. */
  async status(id: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { Id: id },
        ConsistentRead: true,
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'Status' },
      }),
    );
    if (!Item) return undefined;
    return typeof Item['Status'] === 'string' ? Item['Status'] : String(Item['Status']);
  }

  /** Replaces the record only while its status is still `expectedStatus`; false when it is not (or is gone). */
  replaceIf(execution: WorkflowExecution, expectedStatus: WorkflowStatus): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: packToFit(execution, PACKED_PATHS),
          ConditionExpression: '#status = :expected',
          ExpressionAttributeNames: { '#status': 'Status' },
          ExpressionAttributeValues: { ':expected': expectedStatus },
        }),
      ),
    );
  }

  /** Sets the status (and message) only while it is one of `from`; false when it is not. */
  transition(
    id: string,
    from: readonly WorkflowStatus[],
    to: WorkflowStatus,
    extra: { Message?: string; StateMachineExecutionArn?: string } = {},
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'Status' };
    const values: Record<string, unknown> = { ':to': to };
    const sets = ['#status = :to'];
    for (const [key, value] of Object.entries(extra)) {
      if (value === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    const allowed = from.map((status, index) => {
      values[`:from${index}`] = status;
      return `:from${index}`;
    });
    return conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { Id: id },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(Id) AND #status IN (${allowed.join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  private listByIndex<T>(
    index: (typeof EXECUTION_TABLE.indexes)[keyof typeof EXECUTION_TABLE.indexes],
    value: string,
    projection?: string,
  ): Promise<T[]> {
    if (!isStorableKey(value)) return Promise.resolve([]);
    const key = index.partitionKey.name;
    return allPages<T>((startKey) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#key = :key',
          ProjectionExpression: projection,
          ExpressionAttributeNames: projection ? { ...LISTING_NAMES, '#key': key } : { '#key': key },
          ExpressionAttributeValues: { ':key': value },
          ExclusiveStartKey: startKey,
          Limit: this.options.scanPageSize,
        }),
      ),
    );
  }
}

/** An execution as stored: its record, referring to `version`, and one state per stage. */
function split(
  execution: WorkflowExecution,
  version: WorkflowVersionRef,
): { header: ExecutionHeader; stages: StageState[] } {
  const { Stages, ...workflow } = execution.Workflow;
  const stages = Object.values(Stages).map((stage): StageState => {
    const state: StageState = {
      Name: stage.Name,
      Status: stage.Status,
      Operations: stage.Operations,
      Configuration: stage.Configuration,
      Metrics: stage.Metrics,
      AssetId: stage.AssetId,
      WorkflowExecutionId: stage.WorkflowExecutionId,
      MetaData: stage.MetaData,
    };
    if (stage.Next !== undefined) state.Next = stage.Next;
    if (stage.End !== undefined) state.End = stage.End;
    if (stage.Input !== undefined) state.Input = stage.Input;
    return state;
  });
  return {
    header: { ...execution, Workflow: workflow, WorkflowVersionKey: { Name: version.Name, Version: version.Version } },
    stages,
  };
}
