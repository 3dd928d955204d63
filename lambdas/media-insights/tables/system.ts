import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { SystemConfigurationItem } from '../workflow/domain/types';
import { allPages, conditionally } from './support';

/**
 * The system table: one `SystemConfigurationItem` per setting keyed by `Name`, stored as posted (the original's
 * layout). The control plane reads and writes it; the scheduler reads `MaxConcurrentWorkflows`.
 */
export const SYSTEM_TABLE = {
  partitionKey: { name: 'Name', type: 'S' },
} as const satisfies TableSchema;

/** The system table's one adapter; each reader takes the `Pick<>` of it that it needs. */
export class SystemTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One setting (consistent read); `undefined` when it was never set. */
  async get(name: string): Promise<SystemConfigurationItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { Name: name }, ConsistentRead: true }),
    );
    return Item as SystemConfigurationItem | undefined;
  }

  list(): Promise<SystemConfigurationItem[]> {
    return allPages<SystemConfigurationItem>((startKey) =>
      this.client.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
      ),
    );
  }

  async put(item: SystemConfigurationItem): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** `false` when an item with that name exists (it is left unchanged). */
  putIfAbsent(item: SystemConfigurationItem): Promise<boolean> {
    return conditionally(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#name)',
          ExpressionAttributeNames: { '#name': 'Name' },
        }),
      ),
    );
  }
}
