import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { TeamStore } from '../domain/ports';
import type { TeamRecord } from '../domain/records';

/** Teams by id; users list the ids of theirs. */
export const TEAMS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
} as const satisfies TableSchema;

export class TeamsTable implements TeamStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<TeamRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id } }));
    return Item as TeamRecord | undefined;
  }

  async getMany(ids: readonly string[]): Promise<TeamRecord[]> {
    const unique = [...new Set(ids)];
    const found: TeamRecord[] = [];
    // BatchGetItem takes 100 keys; a user is in far fewer teams, but unprocessed keys are retried all the same.
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Array<Record<string, unknown>> | undefined = unique.slice(i, i + 100).map((id) => ({ id }));
      while (keys && keys.length > 0) {
        const output: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
        );
        found.push(...((output.Responses?.[this.tableName] ?? []) as TeamRecord[]));
        keys = output.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    // In the user's order, so "the first team" stays the default.
    return unique.map((id) => found.find((team) => team.id === id)).filter((team): team is TeamRecord => !!team);
  }

  async put(team: TeamRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: team }));
  }
}
