import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SystemConfigurationStore } from '../api/ports';
import type { SystemConfigurationItem } from '../domain/types';
import { allPages, conditionally } from './dynamodb-support';

/** The system table: one item per setting keyed by `Name`, stored as posted (the original's layout). */
export class DynamoDbSystemConfiguration implements SystemConfigurationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
