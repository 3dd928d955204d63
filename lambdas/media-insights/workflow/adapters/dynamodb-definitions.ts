import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NamedRecordStore, WorkflowStore } from '../api/ports';
import type { Workflow } from '../domain/types';
import { allPages, conditionally, isStorableKey } from './dynamodb-support';

export interface DynamoDbTableOptions {
  /** Items per Scan request; DynamoDB's own 1 MB page limit applies too. */
  readonly scanPageSize?: number;
}

/**
 * Operation, stage and workflow records, one item per record keyed by `Name`, stored as the API returns them
 * (the original's layout). `Name` is a DynamoDB reserved word, hence the `#name` placeholders.
 */
export class DynamoDbNamedRecords<T extends { Name: string }> implements NamedRecordStore<T> {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
    protected readonly options: DynamoDbTableOptions = {},
  ) {}

  async get(name: string): Promise<T | undefined> {
    if (!isStorableKey(name)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { Name: name }, ConsistentRead: true }),
    );
    return Item as T | undefined;
  }

  async getMany(names: Iterable<string>): Promise<Map<string, T>> {
    // Workflows name a handful of stages and stages a handful of operations: parallel reads are simpler than
    // BatchGetItem with its unprocessed-keys retries, and as fast.
    const records = await Promise.all([...new Set(names)].map((name) => this.get(name)));
    const found = new Map<string, T>();
    for (const record of records) if (record) found.set(record.Name, record);
    return found;
  }

  list(): Promise<T[]> {
    return allPages<T>((startKey) =>
      this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          Limit: this.options.scanPageSize,
        }),
      ),
    );
  }

  create(record: T): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(#name)',
          ExpressionAttributeNames: { '#name': 'Name' },
        }),
      ),
    );
  }

  async replace(record: T): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: record }));
  }

  async delete(name: string): Promise<T | undefined> {
    if (!isStorableKey(name)) return undefined;
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { Name: name }, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes as T | undefined;
  }
}

export class DynamoDbWorkflowStore extends DynamoDbNamedRecords<Workflow> implements WorkflowStore {
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

  replaceRevision(record: Workflow, expectedRevisions: string): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: '#revisions = :revisions',
          ExpressionAttributeNames: { '#revisions': 'Revisions' },
          ExpressionAttributeValues: { ':revisions': expectedRevisions },
        }),
      ),
    );
  }

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

  private scanWhere(
    filter: string,
    names: Record<string, string>,
    values?: Record<string, unknown>,
  ): Promise<Workflow[]> {
    return allPages<Workflow>((startKey) =>
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
  }
}
