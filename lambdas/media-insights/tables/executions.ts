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
import type { ExecutionSummarySource } from '../workflow/domain/records';
import { WorkflowStatus, type StageContext, type WorkflowExecution } from '../workflow/domain/types';
import { packToFit, unpack } from './packing';
import { allPages, conditionally, isStorableKey, type ScanOptions } from './support';

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
 * Each execution embeds its workflow's stages; what grows with them (the generated `Definition`, and the `Input` and
 * `Outputs` each stage records as it runs) is stored packed (see `packing.ts`), so a long workflow stays one item.
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

/** The execution table's one adapter; each reader takes the `Pick<>` of it that it needs. */
export class ExecutionTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: ScanOptions = {},
  ) {}

  /** Consistent read; `undefined` when there is none (and for ids no record can have). */
  async get(id: string): Promise<WorkflowExecution | undefined> {
    if (!isStorableKey(id)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { Id: id }, ConsistentRead: true }),
    );
    return unpack<WorkflowExecution>(Item);
  }

  /**
   * What running an operation of `stageName` needs, read by projection: neither the other stages nor the packed
   * definitions and outputs are read, so its cost stays flat however long or wide the workflow is.
   */
  async stageContext(id: string, stageName: string): Promise<StageContext | undefined> {
    if (!isStorableKey(id) || stageName.length === 0) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { Id: id },
        ConsistentRead: true,
        ProjectionExpression: '#id, #asset, #globals, #workflow.#stages.#stage.#configuration',
        ExpressionAttributeNames: {
          '#id': 'Id',
          '#asset': 'AssetId',
          '#globals': 'Globals',
          '#workflow': 'Workflow',
          '#stages': 'Stages',
          '#stage': stageName,
          '#configuration': 'Configuration',
        },
      }),
    );
    if (!Item) return undefined;
    const context = Item as Partial<StageContext>;
    return {
      Id: String(context.Id),
      AssetId: String(context.AssetId),
      Globals: context.Globals ?? { Media: {}, MetaData: {} },
      Workflow: { Stages: context.Workflow?.Stages ?? {} },
    };
  }

  async list(): Promise<WorkflowExecution[]> {
    const items = await allPages<Record<string, unknown>>((startKey) =>
      this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey, Limit: this.options.scanPageSize }),
      ),
    );
    return items.map((item) => unpack<WorkflowExecution>(item) as WorkflowExecution);
  }

  /** Throws `ItemTooLargeError` for an execution that cannot be stored, so a request can be refused first. */
  assertFits(execution: WorkflowExecution): void {
    packToFit(execution, PACKED_PATHS);
  }

  /** `false` when an execution with that id exists. */
  create(execution: WorkflowExecution): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: packToFit(execution, PACKED_PATHS),
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': 'Id' },
        }),
      ),
    );
  }

  async delete(id: string): Promise<WorkflowExecution | undefined> {
    if (!isStorableKey(id)) return undefined;
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { Id: id }, ReturnValues: 'ALL_OLD' }),
    );
    return unpack<WorkflowExecution>(Attributes);
  }

  /** The status listing of the API: the projected fields only. */
  listByStatus(status: string): Promise<ExecutionListing[]> {
    return this.listByIndex(EXECUTION_TABLE.indexes.status, status, LISTING_PROJECTION);
  }

  /** The asset listing of the API: the projected fields only. */
  listByAsset(assetId: string): Promise<ExecutionListing[]> {
    return this.listByIndex(EXECUTION_TABLE.indexes.asset, assetId, LISTING_PROJECTION);
  }

  /** Whole executions in one status, oldest `Created` first: the scheduler's queue. */
  async recordsInStatus(status: WorkflowStatus): Promise<WorkflowExecution[]> {
    const items = await this.listByIndex<Record<string, unknown>>(EXECUTION_TABLE.indexes.status, status);
    return items.map((item) => unpack<WorkflowExecution>(item) as WorkflowExecution);
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
