import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { AssetLock, LockStore } from '../dataplane/domain/ports';
import type { ScanOptions } from './support';

/**
 * Asset locks, one item per locked asset keyed by `AssetId`, with the attributes the original sets on a locked asset:
 * `Locked` ("true"), `LockedBy` and `LockedAt` (a number). The original keeps them on the asset item and queries a
 * `LockIndex` GSI; a table of its own holds only locked assets, so a Scan lists them without any index.
 */
export const LOCK_TABLE = {
  partitionKey: { name: 'AssetId', type: 'S' },
} as const satisfies TableSchema;

/** The lock table's adapter; the data plane API is its only reader. */
export class LockTable implements LockStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: ScanOptions = {},
  ) {}

  async acquire(lock: AssetLock): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { AssetId: lock.assetId, Locked: 'true', LockedBy: lock.lockedBy, LockedAt: lock.lockedAt },
          ConditionExpression: 'attribute_not_exists(AssetId)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(assetId: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { AssetId: assetId },
          ConditionExpression: 'attribute_exists(AssetId)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async remove(assetId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { AssetId: assetId } }));
  }

  async list(): Promise<AssetLock[]> {
    const locks: AssetLock[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey, Limit: this.options.scanPageSize }),
      );
      for (const item of page.Items ?? []) {
        const { AssetId, LockedBy, LockedAt } = item;
        if (typeof AssetId === 'string' && typeof LockedBy === 'string' && typeof LockedAt === 'number') {
          locks.push({ assetId: AssetId, lockedBy: LockedBy, lockedAt: LockedAt });
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return locks;
  }
}
