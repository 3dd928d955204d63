import { DeleteCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import { allPages, conditionally } from './support';

/**
 * The slot table: one item `{Slot: n, ExecutionId, ClaimedAt}` per running workflow, keyed by the slot number. It
 * never holds more than `MaxConcurrentWorkflows` items. Only the engine and scheduler use it (the original counts
 * running executions instead, which two schedulers can both read as "one slot free").
 */
export const SLOT_TABLE = {
  partitionKey: { name: 'Slot', type: 'N' },
} as const satisfies TableSchema;

/** A running-workflow slot held by one execution. */
export interface Slot {
  readonly slot: number;
  readonly executionId: string;
  readonly claimedAt: number;
}

/**
 * The slot table's adapter. Each slot is claimed with a conditional write, so two schedulers can never hand the same
 * slot out twice, and a release names its holder, so it is idempotent.
 */
export class SlotTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every held slot, by slot number. */
  async list(): Promise<Slot[]> {
    const items = await allPages<Record<string, unknown>>((startKey) =>
      this.client.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
      ),
    );
    return items
      .map((item) => ({
        slot: Number(item.Slot),
        executionId: String(item.ExecutionId),
        claimedAt: Number(item.ClaimedAt),
      }))
      .sort((a, b) => a.slot - b.slot);
  }

  /** `false` when the slot is held. */
  claim(slot: number, executionId: string, now: number): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { Slot: slot, ExecutionId: executionId, ClaimedAt: now },
          ConditionExpression: 'attribute_not_exists(Slot)',
        }),
      ),
    );
  }

  /** Frees the slot if `executionId` holds it; otherwise leaves it alone. */
  async release(slot: number, executionId: string): Promise<void> {
    await conditionally(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { Slot: slot },
          ConditionExpression: 'ExecutionId = :id',
          ExpressionAttributeValues: { ':id': executionId },
        }),
      ),
    );
  }
}
