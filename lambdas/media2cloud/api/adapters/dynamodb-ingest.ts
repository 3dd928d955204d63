import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AssetRun, AssetStatuses, BeginIngestResult, IngestStore } from '../domain/ports';
import type { IndexEntry, IndexKey, IngestRecord, IngestStart } from '../domain/records';
import { INGEST_TABLE, type SecondaryIndex } from '../tables';

const UUID = INGEST_TABLE.partitionKey.name;

/** Ingest records in the ingest table, one item per asset keyed by `uuid`, as the original stores them. */
export class DynamoDbIngestStore implements IngestStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(uuid: string): Promise<IngestRecord | undefined> {
    const { Item } = await this.client.send(
      // Consistent: a client reads the record right after starting an ingest.
      new GetCommand({ TableName: this.tableName, Key: { [UUID]: uuid }, ConsistentRead: true }),
    );
    return Item as IngestRecord | undefined;
  }

  async listIndex(
    index: SecondaryIndex,
    value: string | number,
    limit: number,
    startKey?: IndexKey,
  ): Promise<IndexEntry[]> {
    const entries: IndexEntry[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined = startKey;
    do {
      // A query may stop short of its limit at 1 MB; keep reading until the page is full or the partition ends.
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#partition = :value',
          ExpressionAttributeNames: { '#partition': index.partitionKey.name },
          ExpressionAttributeValues: { ':value': value },
          ScanIndexForward: false,
          Limit: limit - entries.length,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      entries.push(...((page.Items ?? []) as IndexEntry[]));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey && entries.length < limit);
    return entries;
  }

  async begin(start: IngestStart): Promise<BeginIngestResult> {
    const names: Record<string, string> = { '#uuid': UUID, '#key': 'key' };
    const values: Record<string, unknown> = { ':key': start.key };
    const assignments: string[] = [];
    Object.entries(start).forEach(([field, value], position) => {
      if (field === UUID || value === undefined) return;
      names[`#f${position}`] = field;
      values[`:v${position}`] = value;
      assignments.push(`#f${position} = :v${position}`);
    });
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [UUID]: start.uuid },
          UpdateExpression: `SET ${assignments.join(', ')}`,
          // A new asset, or the same key again (a re-ingest); never another asset's uuid.
          ConditionExpression: 'attribute_not_exists(#uuid) OR #key = :key',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { accepted: true, previous: Attributes as IngestRecord | undefined };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { accepted: false };
      throw error;
    }
  }

  async restore(uuid: string, previous: IngestRecord | undefined): Promise<void> {
    if (previous === undefined) {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [UUID]: uuid } }));
    } else {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: previous }));
    }
  }

  async recordRun(uuid: string, run: AssetRun): Promise<boolean> {
    if (run.aiOptions === undefined) {
      return this.updateExisting(uuid, 'SET #arn = :arn', { '#arn': 'executionArn' }, { ':arn': run.executionArn });
    }
    return this.updateExisting(
      uuid,
      'SET #arn = :arn, #options = :options',
      { '#arn': 'executionArn', '#options': 'aiOptions' },
      { ':arn': run.executionArn, ':options': run.aiOptions },
    );
  }

  setStatus(uuid: string, statuses: AssetStatuses): Promise<boolean> {
    const names = { '#status': 'status', '#overall': 'overallStatus', '#error': 'errorMessage' };
    const values = { ':status': statuses.status, ':overall': statuses.overallStatus };
    return statuses.errorMessage === undefined
      ? this.updateExisting(uuid, 'SET #status = :status, #overall = :overall REMOVE #error', names, values)
      : this.updateExisting(uuid, 'SET #status = :status, #overall = :overall, #error = :error', names, {
          ...values,
          ':error': statuses.errorMessage,
        });
  }

  dropAnalysis(uuid: string): Promise<boolean> {
    return this.updateExisting(uuid, 'REMOVE #analysis', { '#analysis': 'analysis' });
  }

  /** An update that never creates an item: `false` when the asset does not exist (any more). */
  private async updateExisting(
    uuid: string,
    updateExpression: string,
    names: Record<string, string>,
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [UUID]: uuid },
          UpdateExpression: updateExpression,
          ConditionExpression: 'attribute_exists(#uuid)',
          ExpressionAttributeNames: { '#uuid': UUID, ...names },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
