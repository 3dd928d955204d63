import { CreateTableCommand, type DynamoDBClient, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import type { KeyAttribute, TableSchema } from '../../lambdas/shared/dynamodb/schema';

/** Creates a table from the schema its module declares, as `SecureTable` does in the stack. */
export async function createTable(dynamo: DynamoDBClient, tableName: string, schema: TableSchema): Promise<void> {
  const keys = (partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] => [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
  const indexes = Object.values(schema.indexes ?? {});
  const attributes = new Map<string, KeyAttribute>();
  for (const key of [schema.partitionKey, schema.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    if (key) attributes.set(key.name, key);
  }
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: keys(schema.partitionKey, schema.sortKey),
      AttributeDefinitions: [...attributes.values()].map((key) => ({
        AttributeName: key.name,
        AttributeType: key.type,
      })),
      GlobalSecondaryIndexes:
        indexes.length > 0
          ? indexes.map((index) => ({
              IndexName: index.indexName,
              KeySchema: keys(index.partitionKey, index.sortKey),
              Projection:
                index.projection.type === 'INCLUDE'
                  ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.nonKeyAttributes] }
                  : { ProjectionType: index.projection.type },
            }))
          : undefined,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
