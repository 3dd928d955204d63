import { BatchWriteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { MediaType } from '../pipeline/domain/records';
import type { StateStatus } from '../pipeline/domain/statuses';
import { updateParts } from './support';

/**
 * The analysis (AI/ML) table, as the original's backend stack defines it: one item per asset and media type analysed
 * (`video`, `audio`, `image`, `document`). The pipeline writes and removes the items; the API lists them and drops
 * them when an analysis is re-run.
 */
export const ANALYSIS_TABLE = {
  partitionKey: { name: 'uuid', type: 'S' },
  sortKey: { name: 'type', type: 'S' },
} as const satisfies TableSchema;

/** The item: one analysis category of an asset, with the original's attribute names. */
export interface AnalysisRecord {
  readonly uuid: string;
  readonly type: MediaType;
  readonly status: StateStatus;
  readonly startTime: number;
  readonly endTime: number;
  readonly executionArn?: string;
  /** One entry per analyzer that ran, keyed by analyzer id (`subtitle`, `pagetext`, `tags`, ...). */
  readonly [analyzer: string]: unknown;
}

const UUID = ANALYSIS_TABLE.partitionKey.name;
const TYPE = ANALYSIS_TABLE.sortKey.name;
const BATCH_WRITE_LIMIT = 25;

/** The analysis table's one adapter; the API and the pipeline each take the `Pick<>` of it they need. */
export class AnalysisTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the `(uuid, type)` item or merges into it. */
  async merge(record: AnalysisRecord): Promise<void> {
    const { uuid, type, ...fields } = record;
    const parts = updateParts({ set: fields }, [UUID, TYPE]);
    if (!parts) return;
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: { [UUID]: uuid, [TYPE]: type }, ...parts }),
    );
  }

  /** Every analysis record of the asset, in sort-key order (consistent reads). */
  async list(uuid: string): Promise<AnalysisRecord[]> {
    const items: AnalysisRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#uuid = :uuid',
          ExpressionAttributeNames: { '#uuid': UUID },
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

  /** Deletes every item of the asset; resolves with how many there were. */
  async deleteAll(uuid: string): Promise<number> {
    const items = await this.list(uuid);
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) {
      let requests: Record<string, unknown>[] | undefined = items
        .slice(i, i + BATCH_WRITE_LIMIT)
        .map((item) => ({ DeleteRequest: { Key: { [UUID]: item.uuid, [TYPE]: item.type } } }));
      for (let attempt = 0; requests && requests.length > 0 && attempt < 5; attempt += 1) {
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = result.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
    return items.length;
  }
}
