/**
 * Key schemas of the Pixop tables. The stack builds the tables from these and the adapters query by these names.
 * No imports, like the routes list.
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface SecondaryIndex {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /** Attributes copied into the index besides the keys (the listing's fields). */
  readonly nonKeyAttributes: readonly string[];
}

const ID: KeyAttribute = { name: 'id', type: 'S' };
const CREATED: KeyAttribute = { name: 'createdKey', type: 'S' };
const VIDEO_SUMMARY = ['parentId', 'projectId', 'teamId', 'name', 'fileName', 'dateCreated', 'timeLastUpdated'];

/**
 * Users by id, and one claim item per e-mail address (`id` = `email#<address>`, `userId`) that makes addresses
 * unique: DynamoDB enforces uniqueness only on keys.
 */
export const USERS_TABLE = { partitionKey: ID } as const;
export const EMAIL_CLAIM_PREFIX = 'email#';

export const TEAMS_TABLE = { partitionKey: ID } as const;

export const PROJECTS_TABLE = {
  partitionKey: ID,
  indexes: {
    team: {
      indexName: 'team-created',
      partitionKey: { name: 'teamId', type: 'S' },
      sortKey: CREATED,
      nonKeyAttributes: ['name', 'userId', 'dateCreated', 'timeLastUpdated'],
    },
  },
} as const satisfies { partitionKey: KeyAttribute; indexes: Record<string, SecondaryIndex> };

export const VIDEOS_TABLE = {
  partitionKey: ID,
  indexes: {
    team: {
      indexName: 'team-created',
      partitionKey: { name: 'teamId', type: 'S' },
      sortKey: CREATED,
      nonKeyAttributes: VIDEO_SUMMARY,
    },
    project: {
      indexName: 'project-created',
      partitionKey: { name: 'projectId', type: 'S' },
      sortKey: CREATED,
      nonKeyAttributes: VIDEO_SUMMARY,
    },
    parent: {
      indexName: 'parent-created',
      partitionKey: { name: 'parentId', type: 'S' },
      sortKey: CREATED,
      nonKeyAttributes: VIDEO_SUMMARY,
    },
  },
} as const satisfies { partitionKey: KeyAttribute; indexes: Record<string, SecondaryIndex> };
