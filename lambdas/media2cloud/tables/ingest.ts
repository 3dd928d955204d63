import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TableSchema } from '../../shared/dynamodb/schema';
import type { IngestStart } from '../api/domain/records';
import type { AiOptions } from '../pipeline/domain/ai-options';
import { RecordNotFoundError } from '../pipeline/domain/errors';
import type { Destination, DocInfo, ProxyEntry } from '../pipeline/domain/records';
import type { OverallStatus, Status } from '../pipeline/domain/statuses';
import { updateParts, type RecordChange } from './support';

/**
 * The ingest table, as the original's backend stack defines it (`IngestTable`): one item per asset keyed by `uuid`,
 * and the indexes the asset listing reads. The API creates the record and lists assets; the pipeline fills the record
 * in as ingest and analysis go.
 */

const TIMESTAMP = { name: 'timestamp', type: 'N' } as const;

export const INGEST_TABLE = {
  partitionKey: { name: 'uuid', type: 'S' },
  indexes: {
    /** Every asset (each record carries `schemaVersion: 1`), newest first; `type` is projected for the listing. */
    schemaVersion: {
      indexName: 'gsi-schemaversion-timestamp',
      partitionKey: { name: 'schemaVersion', type: 'N' },
      sortKey: TIMESTAMP,
      projection: { type: 'INCLUDE', nonKeyAttributes: ['type'] },
    },
    type: {
      indexName: 'gsi-type-timestamp',
      partitionKey: { name: 'type', type: 'S' },
      sortKey: TIMESTAMP,
      projection: { type: 'KEYS_ONLY' },
    },
    group: {
      indexName: 'gsi-group-timestamp',
      partitionKey: { name: 'group', type: 'S' },
      sortKey: TIMESTAMP,
      projection: { type: 'KEYS_ONLY' },
    },
    overallStatus: {
      indexName: 'gsi-overallstatus-timestamp',
      partitionKey: { name: 'overallStatus', type: 'S' },
      sortKey: TIMESTAMP,
      projection: { type: 'KEYS_ONLY' },
    },
  },
} as const satisfies TableSchema;

/** An index of the ingest table, as the asset listing queries it. */
export type IngestIndex = (typeof INGEST_TABLE.indexes)[keyof typeof INGEST_TABLE.indexes];

/** The value every record's `schemaVersion` holds, which makes the schema-version index list all assets. */
export const SCHEMA_VERSION = 1;

/** The item, with the original's attribute names. Records are open: the API returns fields it does not know. */
export interface IngestRecord {
  readonly uuid: string;
  readonly schemaVersion?: number;
  readonly bucket?: string;
  readonly key?: string;
  readonly basename?: string;
  readonly md5?: string;
  readonly mime?: string;
  readonly type?: string;
  readonly timestamp?: number;
  readonly fileSize?: number;
  readonly storageClass?: string;
  readonly lastModified?: number;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly group?: string;
  readonly aiOptions?: AiOptions;
  readonly status?: Status;
  readonly overallStatus?: OverallStatus;
  readonly executionArn?: string;
  readonly destination?: Destination;
  /** Keys of the MediaInfo report in the proxy bucket. */
  readonly mediainfo?: readonly string[];
  readonly duration?: number;
  readonly framerate?: number;
  /** Key of the image metadata report in the proxy bucket. */
  readonly imageinfo?: string;
  readonly docinfo?: DocInfo;
  readonly proxies?: readonly ProxyEntry[];
  /** The analysis record types (`video`, `audio`, `image`, `document`) written for the asset. */
  readonly analysis?: readonly string[];
  readonly errorMessage?: string;
  readonly [field: string]: unknown;
}

/** The fields of a record that `GET /stats` reports (the original reads them from its search index). */
export const SUMMARY_FIELDS = [
  'uuid',
  'type',
  'basename',
  'fileSize',
  'duration',
  'lastModified',
  'timestamp',
  'overallStatus',
] as const;
export type AssetSummary = Pick<IngestRecord, (typeof SUMMARY_FIELDS)[number]>;

/** A listing entry as an index holds it: the table key, the index keys and any projected attribute. */
export type IndexEntry = Readonly<Record<string, unknown>>;

/** DynamoDB's `LastEvaluatedKey` of an index query, in plain JSON: what a page token carries. */
export type IndexKey = Readonly<Record<string, string | number>>;

/** Whether `begin` wrote the record, and what it held before (undefined for a new asset). */
export type BeginIngestResult =
  | { readonly accepted: true; readonly previous: IngestRecord | undefined }
  /** `other-key`: the uuid names another asset; `in-flight`: the asset is being processed already. */
  | { readonly accepted: false; readonly reason: 'other-key' | 'in-flight' };

export interface AssetRun {
  readonly executionArn: string;
  readonly aiOptions?: Readonly<Record<string, unknown>>;
}

export interface AssetStatuses {
  readonly status: string;
  readonly overallStatus: string;
}

/** The fields a run's claim changes, as they were before it: each absent one is removed again. */
export interface PreviousStatuses {
  readonly status?: unknown;
  readonly overallStatus?: unknown;
  readonly errorMessage?: unknown;
}

/** What `claimRun` found: the asset is now marked, it does not exist, or a run is in flight already. */
export type RunClaim = 'claimed' | 'missing' | 'in-flight';

const STATUS_FIELDS = ['status', 'overallStatus', 'errorMessage'] as const;

const UUID = INGEST_TABLE.partitionKey.name;

/** The ingest table's one adapter; the API and the pipeline each take the `Pick<>` of it they need. */
export class IngestTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(uuid: string): Promise<IngestRecord | undefined> {
    const { Item } = await this.client.send(
      // Consistent: a client reads the record right after starting an ingest.
      new GetCommand({ TableName: this.tableName, Key: { [UUID]: uuid }, ConsistentRead: true }),
    );
    return Item as IngestRecord | undefined;
  }

  /**
   * Entries of one index partition, newest first, starting after `startKey`: at most `limit`, fewer only when the
   * partition has no more.
   */
  async listIndex(
    index: IngestIndex,
    value: string | number,
    limit: number,
    startKey?: IndexKey,
  ): Promise<IndexEntry[]> {
    const entries: IndexEntry[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined = startKey;
    do {
      // A query may stop short of its limit at 1 MB; keep reading until the page is full or the partition ends.
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#partition = :value',
          ExpressionAttributeNames: { '#partition': index.partitionKey.name },
          ExpressionAttributeValues: { ':value': value },
          ScanIndexForward: false,
          Limit: limit - entries.length,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      entries.push(...((page.Items ?? []) as IndexEntry[]));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey && entries.length < limit);
    return entries;
  }

  /**
   * Writes the first ingest fields over the record, keeping the others (a re-ingest keeps proxies and analysis as
   * the original's merge does). Refused when the uuid holds an asset with another key, or one still being
   * processed: the condition makes concurrent requests for one asset start one run, never several.
   */
  async begin(start: IngestStart): Promise<BeginIngestResult> {
    const names: Record<string, string> = { '#uuid': UUID, '#key': 'key', '#overall': 'overallStatus' };
    // The status a new run writes is the one that marks a run in flight.
    const values: Record<string, unknown> = { ':key': start.key, ':inFlight': start.overallStatus };
    const assignments: string[] = [];
    Object.entries(start).forEach(([field, value], position) => {
      if (field === UUID || value === undefined) return;
      names[`#f${position}`] = field;
      values[`:v${position}`] = value;
      assignments.push(`#f${position} = :v${position}`);
    });
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [UUID]: start.uuid },
          UpdateExpression: `SET ${assignments.join(', ')}`,
          // A new asset, or the same key again once its last run has ended; never another asset's uuid.
          ConditionExpression:
            'attribute_not_exists(#uuid) OR (#key = :key AND (attribute_not_exists(#overall) OR #overall <> :inFlight))',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { accepted: true, previous: Attributes as IngestRecord | undefined };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.get(start.uuid);
      return { accepted: false, reason: current?.key === start.key ? 'in-flight' : 'other-key' };
    }
  }

  /** Puts back what `begin` replaced: the previous record, or nothing at all for a new asset. */
  async restore(uuid: string, previous: IngestRecord | undefined): Promise<void> {
    if (previous === undefined) {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [UUID]: uuid } }));
    } else {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: previous }));
    }
  }

  /** Records the execution now working on the asset (and the options it runs with); `false` when it is gone. */
  async recordRun(uuid: string, run: AssetRun): Promise<boolean> {
    if (run.aiOptions === undefined) {
      return this.updateExisting(uuid, 'SET #arn = :arn', { '#arn': 'executionArn' }, { ':arn': run.executionArn });
    }
    return this.updateExisting(
      uuid,
      'SET #arn = :arn, #options = :options',
      { '#arn': 'executionArn', '#options': 'aiOptions' },
      { ':arn': run.executionArn, ':options': run.aiOptions },
    );
  }

  /**
   * Marks the asset as having a run in flight (`overallStatus` = the given one, `errorMessage` removed), unless one
   * is in flight already: the condition makes concurrent requests for one asset start one run, never several.
   */
  async claimRun(uuid: string, statuses: AssetStatuses): Promise<RunClaim> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [UUID]: uuid },
          UpdateExpression: 'SET #status = :status, #overall = :overall REMOVE #error',
          ConditionExpression: 'attribute_exists(#uuid) AND (attribute_not_exists(#overall) OR #overall <> :overall)',
          ExpressionAttributeNames: {
            '#uuid': UUID,
            '#status': 'status',
            '#overall': 'overallStatus',
            '#error': 'errorMessage',
          },
          ExpressionAttributeValues: { ':status': statuses.status, ':overall': statuses.overallStatus },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.get(uuid)) === undefined ? 'missing' : 'in-flight';
    }
  }

  /** Puts `status`, `overallStatus` and `errorMessage` back as they were before `claimRun`; `false` when gone. */
  restoreStatuses(uuid: string, previous: PreviousStatuses): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const set: string[] = [];
    const remove: string[] = [];
    STATUS_FIELDS.forEach((field, position) => {
      names[`#s${position}`] = field;
      if (previous[field] === undefined) {
        remove.push(`#s${position}`);
      } else {
        values[`:s${position}`] = previous[field];
        set.push(`#s${position} = :s${position}`);
      }
    });
    const expression = [
      set.length > 0 ? `SET ${set.join(', ')}` : '',
      remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return this.updateExisting(uuid, expression, names, set.length > 0 ? values : undefined);
  }

  /** Removes the `analysis` list (the media types with current results); `false` when the asset does not exist. */
  dropAnalysis(uuid: string): Promise<boolean> {
    return this.updateExisting(uuid, 'REMOVE #analysis', { '#analysis': 'analysis' });
  }

  /** Creates the record or merges into it (the original's `db.update`, which upserts). */
  async upsert(uuid: string, change: RecordChange): Promise<void> {
    const parts = updateParts(change, [UUID]);
    // An UpdateItem with no expression creates the item with its key only.
    await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { [UUID]: uuid }, ...parts }));
  }

  /**
   * Merges into an existing record only; throws `RecordNotFoundError` when there is none, so work that finishes
   * after an asset was removed never brings its record back.
   */
  async update(uuid: string, change: RecordChange): Promise<void> {
    const parts = updateParts(change, [UUID]);
    if (!parts) return;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [UUID]: uuid },
          ...parts,
          ConditionExpression: 'attribute_exists(#key)',
          ExpressionAttributeNames: { ...parts.ExpressionAttributeNames, '#key': UUID },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new RecordNotFoundError(uuid);
      throw error;
    }
  }

  async delete(uuid: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [UUID]: uuid } }));
  }

  /** Every record, with only the fields `GET /stats` aggregates (one paginated Scan). */
  async summaries(): Promise<AssetSummary[]> {
    const names = Object.fromEntries(SUMMARY_FIELDS.map((field, index) => [`#f${index}`, field]));
    const summaries: AssetSummary[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ProjectionExpression: Object.keys(names).join(', '),
          ExpressionAttributeNames: names,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      summaries.push(...((page.Items ?? []) as AssetSummary[]));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    return summaries;
  }

  /** An update that never creates an item: `false` when the asset does not exist (any more). */
  private async updateExisting(
    uuid: string,
    updateExpression: string,
    names: Record<string, string>,
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [UUID]: uuid },
          UpdateExpression: updateExpression,
          ConditionExpression: 'attribute_exists(#uuid)',
          ExpressionAttributeNames: { '#uuid': UUID, ...names },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
