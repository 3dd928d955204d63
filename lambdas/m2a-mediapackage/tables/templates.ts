import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TemplateListPage, TemplateStore } from '../domain/ports';
import type { TemplateRecord, TemplateState } from '../domain/templates';
import type { TableSchema } from '../../shared/dynamodb/schema';

/**
 * Templates and the name claims that keep names unique per owner, side by side in one table (the adapter below
 * orders its writes so an interrupted create, rename or delete leaves nothing inconsistent): `template#<id>` items hold templates, `name#<owner>#<resource_name>` items hold the claim
 * on an ACTIVE template's name. The owner index (all attributes projected) lists an owner's templates oldest first.
 */
export const TEMPLATES_TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  indexes: {
    owner: {
      indexName: 'owner-listkey',
      partitionKey: { name: 'owner', type: 'S' },
      sortKey: { name: 'listKey', type: 'S' },
      projection: { type: 'ALL' },
    },
  },
} as const satisfies TableSchema;

const PK = TEMPLATES_TABLE.partitionKey.name;
const OWNER = TEMPLATES_TABLE.indexes.owner.partitionKey.name;
const LIST_KEY = TEMPLATES_TABLE.indexes.owner.sortKey.name;

/** How long a claim whose template does not exist yet is honoured: longer than any request that makes one runs. */
const PENDING_CLAIM_MS = 5 * 60 * 1000;

export interface TemplateItem extends TemplateRecord {
  readonly [PK]: string;
  readonly [LIST_KEY]: string;
}

export interface ClaimItem {
  readonly [PK]: string;
  readonly templateId: string;
  readonly claimedAt: number;
}

const templateKey = (id: string) => `template#${id}`;
const claimKey = (owner: string, name: string) => `name#${owner}#${name}`;

/**
 * Templates, and one claim item per ACTIVE name, in the templates table. A name is taken by a conditional put of its
 * claim before the template is written and released after, so two templates of one owner never share an ACTIVE
 * name. The local DynamoDB engine has no transactions, so the steps are ordered to be safe when one is cut short: a
 * claim whose template was deleted or renamed since, or never written, is stale and may be taken over.
 */
export class TemplatesTable implements TemplateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<TemplateRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: templateKey(id) }, ConsistentRead: true }),
    );
    return Item ? toRecord(Item as TemplateItem) : undefined;
  }

  async findActive(owner: string, name: string): Promise<TemplateRecord | undefined> {
    const claim = await this.claim(owner, name);
    if (!claim) return undefined;
    const template = await this.get(claim.templateId);
    return template && holds(template, owner, name) ? template : undefined;
  }

  async create(record: TemplateRecord): Promise<'created' | 'name-taken'> {
    if (!(await this.takeName(record))) return 'name-taken';
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(record),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
    return 'created';
  }

  async replace(next: TemplateRecord, previous: TemplateRecord): Promise<'replaced' | 'name-taken' | 'changed'> {
    const renamed = next.state === 'ACTIVE' && next.resourceName !== previous.resourceName;
    if (renamed && !(await this.takeName(next))) return 'name-taken';
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(next),
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': previous.version },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      if (renamed) await this.releaseName(next.owner, next.resourceName, next.id);
      return 'changed';
    }
    if (previous.state === 'ACTIVE' && (renamed || next.state === 'DELETED')) {
      await this.releaseName(previous.owner, previous.resourceName, previous.id);
    }
    return 'replaced';
  }

  async list(
    owner: string,
    options: { states: readonly TemplateState[]; resourceName?: string; after?: TemplateRecord; limit: number },
  ): Promise<TemplateListPage> {
    const items: TemplateRecord[] = [];
    const values: Record<string, unknown> = { ':owner': owner };
    options.states.forEach((state, index) => (values[`:state${index}`] = state));
    const filters = [`#state IN (${options.states.map((_, index) => `:state${index}`).join(', ')})`];
    const names: Record<string, string> = { '#owner': OWNER, '#state': 'state' };
    if (options.resourceName !== undefined) {
      filters.push('#name = :name');
      names['#name'] = 'resourceName';
      values[':name'] = options.resourceName;
    }
    let startKey: Record<string, unknown> | undefined = options.after
      ? { [PK]: templateKey(options.after.id), [OWNER]: owner, [LIST_KEY]: listKey(options.after) }
      : undefined;
    // Filters apply after each page is read, so keep reading until one more than the page is found (to know
    // whether a next link is due) or the owner has no more templates.
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TEMPLATES_TABLE.indexes.owner.indexName,
          KeyConditionExpression: '#owner = :owner',
          FilterExpression: filters.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => toRecord(item as TemplateItem)));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length <= options.limit);
    return { items: items.slice(0, options.limit), more: items.length > options.limit };
  }

  private async claim(owner: string, name: string): Promise<ClaimItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: claimKey(owner, name) }, ConsistentRead: true }),
    );
    return Item as ClaimItem | undefined;
  }

  /** Claims `record`'s name for it; `false` when an ACTIVE template of the owner holds it. */
  private async takeName(record: TemplateRecord): Promise<boolean> {
    const item: ClaimItem = {
      [PK]: claimKey(record.owner, record.resourceName),
      templateId: record.id,
      claimedAt: this.now(),
    };
    const current = await this.claim(record.owner, record.resourceName);
    if (current?.templateId === record.id) return true;
    if (current && !(await this.isStale(current, record.owner, record.resourceName))) return false;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(current
            ? {
                ConditionExpression: 'templateId = :stale',
                ExpressionAttributeValues: { ':stale': current.templateId },
              }
            : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }),
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  private async isStale(claim: ClaimItem, owner: string, name: string): Promise<boolean> {
    const template = await this.get(claim.templateId);
    if (template) return !holds(template, owner, name);
    return this.now() - claim.claimedAt > PENDING_CLAIM_MS;
  }

  private async releaseName(owner: string, name: string, templateId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [PK]: claimKey(owner, name) },
          ConditionExpression: 'templateId = :id',
          ExpressionAttributeValues: { ':id': templateId },
        }),
      );
    } catch (error) {
      // Someone else holds the claim now: it is theirs to keep.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}

function holds(template: TemplateRecord, owner: string, name: string): boolean {
  return template.state === 'ACTIVE' && template.owner === owner && template.resourceName === name;
}

function listKey(record: TemplateRecord): string {
  return `${record.createdAt}#${record.id}`;
}

function toItem(record: TemplateRecord): TemplateItem {
  return { ...record, [PK]: templateKey(record.id), [LIST_KEY]: listKey(record) };
}

function toRecord(item: TemplateItem): TemplateRecord {
  const { [PK]: _pk, [LIST_KEY]: _listKey, ...record } = item;
  return record;
}
