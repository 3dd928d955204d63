import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import { updateParts } from './support';

/**
 * The face indexer table, as the original's backend stack defines it: one item per face of a Rekognition face
 * collection that Media2Cloud manages, with the name (`celeb`) people gave it. Analysis turns a matched `FaceId` into
 * that name; renaming a face renames every face that had the same name (found through `gsi-celeb-timestamp`).
 */
export const FACE_INDEXER_TABLE = {
  partitionKey: { name: 'faceId', type: 'S' },
  indexes: {
    celeb: {
      indexName: 'gsi-celeb-timestamp',
      partitionKey: { name: 'celeb', type: 'S' },
      sortKey: { name: 'timestamp', type: 'N' },
      projection: { type: 'KEYS_ONLY' },
    },
    faceId: {
      indexName: 'gsi-faceid-timestamp',
      partitionKey: { name: 'faceId', type: 'S' },
      sortKey: { name: 'timestamp', type: 'N' },
      projection: { type: 'INCLUDE', nonKeyAttributes: ['celeb'] },
    },
  },
} as const satisfies TableSchema;

/** The item, with the original's attribute names. */
export interface FaceRecord {
  readonly faceId: string;
  readonly collectionId?: string;
  /** `v4:<uuid without dashes>:<ms>` for faces the indexer stored; whatever the collection had for imported ones. */
  readonly externalImageId?: string;
  /** The person's name; absent for a face nobody named yet. */
  readonly celeb?: string;
  /** The asset the face was taken from. */
  readonly uuid?: string;
  readonly userId?: string;
  /** The face's image in the proxy bucket (`autofaceindexer/<collection>/<faceId without dashes>.jpg`). */
  readonly key?: string;
  readonly timestamp: number;
  readonly fullImageKey?: string;
  readonly coord?: string;
  /** The name it had before its last renaming. */
  readonly updateFrom?: string;
}

/** A renaming applied: the face's new record. */
export type RenamedFace = FaceRecord & { readonly celeb: string };

const FACE_ID = FACE_INDEXER_TABLE.partitionKey.name;
const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;

/** The face indexer table's one adapter; the API and the analysis each take the `Pick<>` of it they need. */
export class FaceIndexerTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the face's item or merges the fields into it. */
  async register(record: FaceRecord): Promise<void> {
    const { faceId, ...fields } = record;
    const parts = updateParts({ set: fields }, [FACE_ID]);
    if (!parts) return;
    await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { [FACE_ID]: faceId }, ...parts }));
  }

  /** The items of the faces the table knows, in no particular order; unknown ids are left out. */
  async batchGet(faceIds: readonly string[]): Promise<FaceRecord[]> {
    const unique = [...new Set(faceIds)];
    const found: FaceRecord[] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = unique
        .slice(i, i + BATCH_GET_LIMIT)
        .map((faceId) => ({ [FACE_ID]: faceId }));
      for (let attempt = 0; keys && keys.length > 0 && attempt < 5; attempt += 1) {
        const page = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        found.push(...((page.Responses?.[this.tableName] ?? []) as FaceRecord[]));
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }

  /** Writes the items whole; resolves with those DynamoDB did not take. */
  async putAll(records: readonly FaceRecord[]): Promise<FaceRecord[]> {
    const unprocessed: FaceRecord[] = [];
    for (let i = 0; i < records.length; i += BATCH_WRITE_LIMIT) {
      let requests: Record<string, unknown>[] | undefined = records
        .slice(i, i + BATCH_WRITE_LIMIT)
        .map((record) => ({ PutRequest: { Item: record } }));
      for (let attempt = 0; requests && requests.length > 0 && attempt < 5; attempt += 1) {
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = result.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
      for (const request of requests ?? [])
        unprocessed.push((request as { PutRequest: { Item: FaceRecord } }).PutRequest.Item);
    }
    return unprocessed;
  }

  /**
   * Names a face the table knows, unless it already has that name (the original's condition); `undefined` when it
   * did not apply.
   */
  async rename(faceId: string, celeb: string, updateFrom?: string): Promise<RenamedFace | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [FACE_ID]: faceId },
          UpdateExpression: updateFrom === undefined ? 'SET #celeb = :celeb' : 'SET #celeb = :celeb, #from = :from',
          ConditionExpression: 'attribute_exists(#faceId) AND (attribute_not_exists(#celeb) OR #celeb <> :celeb)',
          ExpressionAttributeNames: {
            '#faceId': FACE_ID,
            '#celeb': 'celeb',
            ...(updateFrom === undefined ? {} : { '#from': 'updateFrom' }),
          },
          ExpressionAttributeValues: { ':celeb': celeb, ...(updateFrom === undefined ? {} : { ':from': updateFrom }) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as RenamedFace | undefined;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  /** Deletes a face nobody named (the original keeps named ones); resolves with the deleted item, if any. */
  async deleteUnnamed(faceId: string): Promise<FaceRecord | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [FACE_ID]: faceId },
          ConditionExpression: 'attribute_exists(#faceId) AND attribute_not_exists(#celeb)',
          ExpressionAttributeNames: { '#faceId': FACE_ID, '#celeb': 'celeb' },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes as FaceRecord | undefined;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  /** The ids of every face with this name. */
  async faceIdsNamed(celeb: string): Promise<string[]> {
    const index = FACE_INDEXER_TABLE.indexes.celeb;
    const ids: string[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#celeb = :celeb AND #ts > :zero',
          ExpressionAttributeNames: { '#celeb': index.partitionKey.name, '#ts': index.sortKey.name },
          ExpressionAttributeValues: { ':celeb': celeb, ':zero': 0 },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item[FACE_ID]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return ids;
  }
}
