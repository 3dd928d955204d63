import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { SecondaryIndex } from '../../shared/dynamodb/schema';
import type { Listing } from '../domain/ports';

/**
 * Every item of an index partition, newest first, with the total. Pixop pages by number, which DynamoDB cannot
 * jump to, so the listing reads the partition's (projected, small) index entries and slices the page.
 */
export async function queryIndex<T>(
  client: DynamoDBDocumentClient,
  tableName: string,
  index: Pick<SecondaryIndex, 'indexName' | 'partitionKey'>,
  value: string,
  offset: number,
  limit: number,
  keep: (item: T) => boolean = () => true,
): Promise<Listing<T>> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.indexName,
        KeyConditionExpression: '#key = :value',
        ExpressionAttributeNames: { '#key': index.partitionKey.name },
        ExpressionAttributeValues: { ':value': value },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as T[]).filter(keep));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { items: items.slice(offset, offset + limit), total: items.length };
}
