import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { Asset, AssetInfo, AssetStore, MetadataPointer, PointerWrite } from '../dataplane/domain/ports';
import { GLOBAL_ASSET_ATTRIBUTES } from '../dataplane/domain/validation';
import type { Item, ScanOptions } from './support';

/**
 * The data plane table, laid out as the original lays it out: one item per asset keyed by `AssetId`, with the global
 * attributes (`MediaType`, `S3Bucket`, `S3Key`, `Created`) and, per operator, a list attribute named after the
 * operator holding `{workflow, pointer}` maps, newest first. Only pointers live here; results stay in S3.
 */
export const ASSET_TABLE = {
  partitionKey: { name: 'AssetId', type: 'S' },
} as const satisfies TableSchema;

/** The data plane table's adapter; the data plane API is its only reader. */
export class AssetTable implements AssetStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: ScanOptions = {},
  ) {}

  async create(asset: AssetInfo): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          AssetId: asset.assetId,
          MediaType: asset.mediaType,
          S3Bucket: asset.s3Bucket,
          S3Key: asset.s3Key,
          Created: asset.created,
        },
        ConditionExpression: 'attribute_not_exists(AssetId)',
      }),
    );
  }

  async get(assetId: string): Promise<Asset | undefined> {
    const { Item } = await this.client.send(
      // Consistent reads: a workflow stores metadata right after it creates the asset.
      new GetCommand({ TableName: this.tableName, Key: { AssetId: assetId }, ConsistentRead: true }),
    );
    return Item ? toAsset(Item) : undefined;
  }

  async exists(assetId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { AssetId: assetId },
        ProjectionExpression: 'AssetId',
        ConsistentRead: true,
      }),
    );
    return Item !== undefined && Item['AssetId'] !== undefined;
  }

  async pointers(assetId: string, operatorName: string): Promise<readonly MetadataPointer[] | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { AssetId: assetId },
        ProjectionExpression: 'AssetId, #operator',
        ExpressionAttributeNames: { '#operator': operatorName },
        ConsistentRead: true,
      }),
    );
    if (!Item || Item['AssetId'] === undefined) return undefined;
    return pointerList(Item[operatorName]) ?? [];
  }

  async prependPointer(assetId: string, operatorName: string, pointer: MetadataPointer): Promise<PointerWrite> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { AssetId: assetId },
          // One atomic update, so concurrent writers for the same operator cannot drop each other's pointers.
          UpdateExpression: 'SET #operator = list_append(:pointer, if_not_exists(#operator, :none))',
          // Without the first condition an update would recreate a deleted asset as an item with no global
          // attributes; the second keeps a repeated store (same workflow, same key) from growing the list.
          ConditionExpression:
            'attribute_exists(AssetId) AND (attribute_not_exists(#operator[0]) OR #operator[0].#key <> :key OR #operator[0].#workflow <> :workflow)',
          ExpressionAttributeNames: { '#operator': operatorName, '#key': 'pointer', '#workflow': 'workflow' },
          ExpressionAttributeValues: {
            ':pointer': [{ workflow: pointer.workflow, pointer: pointer.pointer }],
            ':none': [],
            ':key': pointer.pointer,
            ':workflow': pointer.workflow,
          },
          // A failed condition says whether the asset is there (the same pointer already heads the list) or not,
          // without reading the item again.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'stored';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return error.Item?.['AssetId'] ? 'stored' : 'missing';
      // Every store adds a pointer to the one asset item; thousands of workflows on one asset can fill it.
      if (error instanceof Error && /Item size .*exceeded the maximum allowed size/.test(error.message)) return 'full';
      throw error;
    }
  }

  async removePointers(assetId: string, operatorName: string): Promise<readonly MetadataPointer[] | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { AssetId: assetId },
          UpdateExpression: 'REMOVE #operator',
          ConditionExpression: 'attribute_exists(AssetId)',
          ExpressionAttributeNames: { '#operator': operatorName },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return pointerList(Attributes?.[operatorName]) ?? [];
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async delete(assetId: string): Promise<Asset | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { AssetId: assetId }, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes ? toAsset(Attributes) : undefined;
  }

  async listIds(): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Item | undefined;
    do {
      // The original returns only the first 1 MB page of its Scan; we follow every page.
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ProjectionExpression: 'AssetId',
          ExclusiveStartKey: startKey,
          Limit: this.options.scanPageSize,
        }),
      );
      for (const item of page.Items ?? []) if (typeof item['AssetId'] === 'string') ids.push(item['AssetId']);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }
}

const GLOBAL_ATTRIBUTES: ReadonlySet<string> = new Set(GLOBAL_ASSET_ATTRIBUTES);

function toAsset(item: Item): Asset {
  const operators = new Map<string, readonly MetadataPointer[]>();
  for (const [name, value] of Object.entries(item)) {
    if (GLOBAL_ATTRIBUTES.has(name)) continue;
    const pointers = pointerList(value);
    if (pointers) operators.set(name, pointers);
  }
  return {
    assetId: stringAttribute(item, 'AssetId'),
    mediaType: stringAttribute(item, 'MediaType'),
    s3Bucket: stringAttribute(item, 'S3Bucket'),
    s3Key: stringAttribute(item, 'S3Key'),
    created: stringAttribute(item, 'Created'),
    operators,
  };
}

function stringAttribute(item: Item, name: string): string {
  const value = item[name];
  return typeof value === 'string' ? value : '';
}

/** The attribute as a pointer list, or `undefined` when it is not one (so it is not operator metadata). */
function pointerList(value: unknown): MetadataPointer[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const pointers: MetadataPointer[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { workflow, pointer } = entry as Record<string, unknown>;
    if (typeof workflow !== 'string' || typeof pointer !== 'string') return undefined;
    pointers.push({ workflow, pointer });
  }
  return pointers;
}
