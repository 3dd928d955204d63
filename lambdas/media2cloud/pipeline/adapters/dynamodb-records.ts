import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { RecordNotFoundError } from '../domain/errors';
import type { AnalysisRecord, IngestRecord } from '../domain/records';
import type { AnalysisRecordStore, IngestRecordStore, RecordChange } from '../ports';

interface UpdateParts {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/** `SET #a = :a, ... REMOVE #b`, leaving out key attributes and `undefined` values. */
function updateParts(change: RecordChange, keys: readonly string[]): UpdateParts | undefined {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  let i = 0;
  for (const [name, value] of Object.entries(change.set)) {
    if (value === undefined || keys.includes(name)) continue;
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    set.push(`#s${i} = :s${i}`);
    i += 1;
  }
  const remove = (change.remove ?? [])
    .filter((name) => !keys.includes(name) && !(name in change.set && change.set[name] !== undefined))
    .map((name, index) => {
      names[`#r${index}`] = name;
      return `#r${index}`;
    });
  if (set.length === 0 && remove.length === 0) return undefined;
  const expression = [
    set.length > 0 ? `SET ${set.join(', ')}` : '',
    remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    UpdateExpression: expression,
    ExpressionAttributeNames: names,
    ...(set.length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

/** The ingest table, partition key `uuid`. */
export class DynamoDbIngestRecordStore implements IngestRecordStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(uuid: string): Promise<IngestRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { uuid }, ConsistentRead: true }),
    );
    return Item as IngestRecord | undefined;
  }

  async upsert(uuid: string, change: RecordChange): Promise<void> {
    const parts = updateParts(change, ['uuid']);
    // An UpdateItem with no expression creates the item with its key only.
    await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { uuid }, ...parts }));
  }

  async update(uuid: string, change: RecordChange): Promise<void> {
    const parts = updateParts(change, ['uuid']);
    if (!parts) return;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { uuid },
          ...parts,
          ConditionExpression: 'attribute_exists(#key)',
          ExpressionAttributeNames: { ...parts.ExpressionAttributeNames, '#key': 'uuid' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new RecordNotFoundError(uuid);
      throw error;
    }
  }

  async delete(uuid: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { uuid } }));
  }
}

const BATCH_WRITE_LIMIT = 25;

/** The analysis table, partition key `uuid`, sort key `type`. */
export class DynamoDbAnalysisRecordStore implements AnalysisRecordStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async merge(record: AnalysisRecord): Promise<void> {
    const { uuid, type, ...fields } = record;
    const parts = updateParts({ set: fields }, ['uuid', 'type']);
    if (!parts) return;
    await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { uuid, type }, ...parts }));
  }

  async list(uuid: string): Promise<AnalysisRecord[]> {
    const items: AnalysisRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#uuid = :uuid',
          ExpressionAttributeNames: { '#uuid': 'uuid' },
          ExpressionAttributeValues: { ':uuid': uuid },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...((page.Items ?? []) as AnalysisRecord[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  async deleteAll(uuid: string): Promise<number> {
    const items = await this.list(uuid);
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) {
      let requests: Record<string, unknown>[] | undefined = items
        .slice(i, i + BATCH_WRITE_LIMIT)
        .map((item) => ({ DeleteRequest: { Key: { uuid: item.uuid, type: item.type } } }));
      for (let attempt = 0; requests && requests.length > 0 && attempt < 5; attempt += 1) {
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = result.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
    return items.length;
  }
}
