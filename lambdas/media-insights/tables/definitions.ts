import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { Operation, Stage, Workflow } from '../workflow/domain/types';
import { packToFit, unpack, type PackedPaths } from './packing';
import { allPages, conditionally, isStorableKey, type ScanOptions } from './support';

/**
 * The definition tables: operations, stages and workflows, one item per record keyed by `Name`, stored as the API
 * returns them (the original's layout). The three share one layout and one adapter class (the workflow table's
 * adds the queries workflows need). `Name` is a DynamoDB reserved word, hence the `#name` placeholders.
 */
const BY_NAME = { partitionKey: { name: 'Name', type: 'S' } } as const satisfies TableSchema;

/** `Operation` records; the control plane manages them, the workflow engine reads them. */
export const OPERATION_TABLE = BY_NAME;
/** `Stage` records; the control plane only. */
export const STAGE_TABLE = BY_NAME;
/** `Workflow` records; the control plane only. */
export const WORKFLOW_TABLE = BY_NAME;

export type OperationTable = NamedRecordTable<Operation>;

export class NamedRecordTable<T extends { Name: string }> {
  /** The fields stored packed (see `packing.ts`); none for operations, whose one state machine is small. */
  protected readonly packedPaths: PackedPaths = [];

  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
    protected readonly options: ScanOptions = {},
  ) {}

  /** Throws `ItemTooLargeError` for a record that cannot be stored, so a request can be refused before any write. */
  assertFits(record: T): void {
    packToFit(record, this.packedPaths);
  }

  protected toItem(record: T): Record<string, unknown> {
    return this.packedPaths.length > 0 ? packToFit(record, this.packedPaths) : record;
  }

  protected fromItem(item: Record<string, unknown> | undefined): T | undefined {
    return unpack<T>(item);
  }

  /** Consistent read; `undefined` when there is none (and for names no record can have). */
  async get(name: string): Promise<T | undefined> {
    if (!isStorableKey(name)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { Name: name }, ConsistentRead: true }),
    );
    return this.fromItem(Item);
  }

  /** The records that exist among `names`, by name. */
  async getMany(names: Iterable<string>): Promise<Map<string, T>> {
    // Workflows name a handful of stages and stages a handful of operations: parallel reads are simpler than
    // BatchGetItem with its unprocessed-keys retries, and as fast.
    const records = await Promise.all([...new Set(names)].map((name) => this.get(name)));
    const found = new Map<string, T>();
    for (const record of records) if (record) found.set(record.Name, record);
    return found;
  }

  async list(): Promise<T[]> {
    const items = await allPages<Record<string, unknown>>((startKey) =>
      this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          Limit: this.options.scanPageSize,
        }),
      ),
    );
    return items.map((item) => this.fromItem(item) as T);
  }

  /** Stores a new record; `false` (nothing written) when one with that name exists. */
  create(record: T): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.toItem(record),
          ConditionExpression: 'attribute_not_exists(#name)',
          ExpressionAttributeNames: { '#name': 'Name' },
        }),
      ),
    );
  }

  /** Stores the record whatever was there. */
  async replace(record: T): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: this.toItem(record) }));
  }

  /** Deletes and returns the record, or `undefined` when there was none. */
  async delete(name: string): Promise<T | undefined> {
    if (!isStorableKey(name)) return undefined;
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { Name: name }, ReturnValues: 'ALL_OLD' }),
    );
    return this.fromItem(Attributes);
  }
}

/** Stages: the generated state machine of every operation is in `Definition`. */
export class StageTable extends NamedRecordTable<Stage> {
  protected override readonly packedPaths = ['Definition'];
}

/** Workflows embed each stage record, `Definition` included; `Stages` keeps the rest, which `listByStage` reads. */
export class WorkflowTable extends NamedRecordTable<Workflow> {
  protected override readonly packedPaths = ['Stages.*.Definition'];

  /** The original's Scan with `contains(Operations, name)`: workflows keep every stage's operations in one list. */
  listByOperation(operationName: string): Promise<Workflow[]> {
    return this.scanWhere(
      'contains(#operations, :operation)',
      { '#operations': 'Operations' },
      {
        ':operation': operationName,
      },
    );
  }

  /**
   * The original builds `Stages.<name>` into the expression text, which breaks on names with dots or spaces; a
   * placeholder for the stage name works for any name.
   */
  listByStage(stageName: string): Promise<Workflow[]> {
    return this.scanWhere('attribute_exists(#stages.#stage)', { '#stages': 'Stages', '#stage': stageName });
  }

  /**
   * Replaces the workflow only if it is still at `expectedRevisions`; `false` when it changed or was deleted since it
   * was read.
   */
  replaceRevision(record: Workflow, expectedRevisions: string): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.toItem(record),
          ConditionExpression: '#revisions = :revisions',
          ExpressionAttributeNames: { '#revisions': 'Revisions' },
          ExpressionAttributeValues: { ':revisions': expectedRevisions },
        }),
      ),
    );
  }

  /** Appends a name to `StaleOperations` or `StaleStages` in one atomic update; a deleted workflow is left deleted. */
  async appendStale(workflowName: string, list: 'StaleOperations' | 'StaleStages', name: string): Promise<void> {
    // The condition keeps an update from re-creating, as a stub item, a workflow deleted in the meantime (which
    // the original's unconditional update_item does).
    await conditionally(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { Name: workflowName },
          UpdateExpression: 'SET #list = list_append(if_not_exists(#list, :none), :name)',
          ConditionExpression: 'attribute_exists(#name)',
          ExpressionAttributeNames: { '#list': list, '#name': 'Name' },
          ExpressionAttributeValues: { ':none': [], ':name': [name] },
        }),
      ),
    );
  }

  private async scanWhere(
    filter: string,
    names: Record<string, string>,
    values?: Record<string, unknown>,
  ): Promise<Workflow[]> {
    const items = await allPages<Record<string, unknown>>((startKey) =>
      this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: filter,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          Limit: this.options.scanPageSize,
        }),
      ),
    );
    return items.map((item) => this.fromItem(item) as Workflow);
  }
}
