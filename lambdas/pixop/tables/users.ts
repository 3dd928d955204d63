import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import { normalizeEmail } from '../domain/accounts';
import { conflict, notFound } from '../domain/errors';
import type { UserStore } from '../domain/ports';
import type { UserRecord } from '../domain/records';

/**
 * Users by id, and one claim item per e-mail address (`id` = `email#<address>`, `userId`) that makes addresses
 * unique: DynamoDB enforces uniqueness only on keys.
 */
export const USERS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
} as const satisfies TableSchema;

export const EMAIL_CLAIM_PREFIX = 'email#';

/** Users keyed by id, plus one `email#<address>` claim item per user that keeps addresses unique. */
export class UsersTable implements UserStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<UserRecord | undefined> {
    if (id.startsWith(EMAIL_CLAIM_PREFIX)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item as UserRecord | undefined;
  }

  async getByEmail(email: string): Promise<UserRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id: claimId(email) }, ConsistentRead: true }),
    );
    return typeof Item?.userId === 'string' ? this.get(Item.userId) : undefined;
  }

  /** The claim first, conditionally: of two creations with one address, one fails before writing a user. */
  async create(user: UserRecord): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: claimId(user.email), userId: user.id },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw conflict(`A user with e-mail ${user.email} exists`);
      throw error;
    }
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: user }));
    } catch (error) {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { id: claimId(user.email) } }));
      throw error;
    }
  }

  async update(id: string, changes: Partial<Omit<UserRecord, 'id' | 'email'>>): Promise<UserRecord> {
    const sets: string[] = [];
    const removes: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    Object.entries(changes).forEach(([key, value], index) => {
      names[`#f${index}`] = key;
      if (value === undefined) removes.push(`#f${index}`);
      else {
        sets.push(`#f${index} = :v${index}`);
        values[`:v${index}`] = value;
      }
    });
    const expression = [
      sets.length ? `SET ${sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as UserRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw notFound('User', id);
      throw error;
    }
  }
}

function claimId(email: string): string {
  return `${EMAIL_CLAIM_PREFIX}${normalizeEmail(email)}`;
}
