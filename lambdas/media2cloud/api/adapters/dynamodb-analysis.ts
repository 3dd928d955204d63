import { DeleteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AnalysisStore } from '../domain/ports';
import type { AnalysisRecord } from '../domain/records';
import { ANALYSIS_TABLE } from '../tables';

const UUID = ANALYSIS_TABLE.partitionKey.name;
const TYPE = ANALYSIS_TABLE.sortKey.name;

/** Analysis records in the AI/ML table, one item per asset and media type, as the original stores them. */
export class DynamoDbAnalysisStore implements AnalysisStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  list(uuid: string): Promise<AnalysisRecord[]> {
    return this.query(uuid);
  }

  async deleteAll(uuid: string): Promise<void> {
    // At most one record per media type: a few single deletes, no batch bookkeeping.
    const keys = await this.query(uuid, `#uuid, #type`);
    await Promise.all(
      keys.map((key) =>
        this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [UUID]: uuid, [TYPE]: key.type } })),
      ),
    );
  }

  private async query(uuid: string, projection?: string): Promise<AnalysisRecord[]> {
    const records: AnalysisRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#uuid = :uuid',
          ProjectionExpression: projection,
          ExpressionAttributeNames: { '#uuid': UUID, ...(projection ? { '#type': TYPE } : {}) },
          ExpressionAttributeValues: { ':uuid': uuid },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      records.push(...((page.Items ?? []) as AnalysisRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }
}
