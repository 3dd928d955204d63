import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import { notFound } from '../domain/errors';
import type { Listing, ProjectStore } from '../domain/ports';
import type { ProjectRecord } from '../domain/records';
import { queryIndex } from './query-index';

/** Projects by id; a team's projects, newest first, through the team index (the listing's fields projected). */
export const PROJECTS_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
  indexes: {
    team: {
      indexName: 'team-created',
      partitionKey: { name: 'teamId', type: 'S' },
      sortKey: { name: 'createdKey', type: 'S' },
      projection: { type: 'INCLUDE', nonKeyAttributes: ['name', 'userId', 'dateCreated', 'timeLastUpdated'] },
    },
  },
} as const satisfies TableSchema;

export class ProjectsTable implements ProjectStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<ProjectRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item as ProjectRecord | undefined;
  }

  async put(project: ProjectRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: project }));
  }

  async rename(id: string, name: string, timeLastUpdated: string): Promise<ProjectRecord> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET #name = :name, timeLastUpdated = :time',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': name, ':time': timeLastUpdated },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as ProjectRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw notFound('Project', id);
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { id } }));
  }

  listByTeam(teamId: string, offset: number, limit: number): Promise<Listing<ProjectRecord>> {
    return queryIndex<ProjectRecord>(this.client, this.tableName, PROJECTS_TABLE.indexes.team, teamId, offset, limit);
  }
}
