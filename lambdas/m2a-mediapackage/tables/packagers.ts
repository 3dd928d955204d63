import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PackagerRecord } from '../domain/packagers';
import type { PackagerStore } from '../domain/ports';
import type { TableSchema } from '../../shared/dynamodb/schema';

/** One item per packager, keyed by its id; the item is the domain's `PackagerRecord` as it is. */
export const PACKAGERS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
} as const satisfies TableSchema;

export type PackagerItem = PackagerRecord;

const ID = PACKAGERS_TABLE.partitionKey.name;

/** The packagers table's one adapter: every write is conditional on the version read. */
export class PackagersTable implements PackagerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<PackagerRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [ID]: id }, ConsistentRead: true }),
    );
    return Item as PackagerRecord | undefined;
  }

  async create(record: PackagerRecord): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': ID },
      }),
    );
  }

  async replace(next: PackagerRecord, expectedVersion: number): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: next,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      }),
    );
  }

  private async conditional(command: PutCommand): Promise<boolean> {
    try {
      await this.client.send(command);
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
