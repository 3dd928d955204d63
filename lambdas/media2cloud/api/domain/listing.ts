import { keyValueViolation, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES } from '../../../shared/dynamodb/limits';
import { isPlainObject } from '../../../shared/http';
import { INGEST_TABLE, SCHEMA_VERSION, type IndexEntry, type IndexKey, type IngestIndex } from '../../tables/ingest';
import { invalid } from './errors';

export const DEFAULT_PAGE_SIZE = 20;
/** Ours: the original passes any number to DynamoDB (and fails on a non-number). */
export const MAX_PAGE_SIZE = 1000;
/** Base64 of the longest key DynamoDB accepts (a table key and an index's two), with room for the JSON around it. */
const MAX_TOKEN_LENGTH = Math.ceil(((2 * MAX_PARTITION_KEY_BYTES + MAX_SORT_KEY_BYTES + 512) * 4) / 3);

/** `GET /assets`: which index partition to read, from where, how much. */
export interface AssetListQuery {
  readonly index: IngestIndex;
  readonly value: string | number;
  readonly pageSize: number;
  readonly startKey?: IndexKey;
}

export interface AssetListPage {
  readonly Items: Readonly<Record<string, unknown>>[];
  /** Absent on the last page. */
  readonly NextToken?: string;
}

/**
 * The query string of `GET /assets`. `overallStatus` wins over `type`, and neither means every asset, as in the
 * original; an empty value counts as absent.
 */
export function parseAssetListQuery(query: Readonly<Record<string, string | undefined>>): AssetListQuery {
  const pageSize = parsePageSize(query.pageSize);
  const overallStatus = decodedParameter(query.overallStatus, 'overallStatus');
  const type = decodedParameter(query.type, 'type');
  const { index, value } =
    overallStatus !== undefined
      ? { index: INGEST_TABLE.indexes.overallStatus, value: overallStatus }
      : type !== undefined
        ? { index: INGEST_TABLE.indexes.type, value: type }
        : { index: INGEST_TABLE.indexes.schemaVersion, value: SCHEMA_VERSION };
  const token = decodedParameter(query.token, 'token');
  const startKey = token === undefined ? undefined : decodePageToken(token, index, value);
  return { index, value, pageSize, ...(startKey === undefined ? {} : { startKey }) };
}

/**
 * One page out of `pageSize + 1` entries read: the extra entry only tells that another page exists, so the last
 * page carries no token (DynamoDB alone would hand out a token that leads to an empty page).
 */
export function toAssetListPage(query: AssetListQuery, entries: readonly IndexEntry[]): AssetListPage {
  const page = entries.slice(0, query.pageSize);
  const Items = page.map((entry) => listItem(query.index, entry));
  if (entries.length <= query.pageSize || page.length === 0) return { Items };
  return { Items, NextToken: encodePageToken(indexKey(query.index, page[page.length - 1])) };
}

/**
 * What an index entry shows: the attributes the index projects, in the order the original's answers list them
 * (`uuid, schemaVersion, type, timestamp` for the unfiltered listing).
 */
function listItem(index: IngestIndex, entry: IndexEntry): Record<string, unknown> {
  const names = [
    INGEST_TABLE.partitionKey.name,
    index.partitionKey.name,
    ...(index.projection.type === 'INCLUDE' ? index.projection.nonKeyAttributes : []),
    index.sortKey.name,
  ];
  const item: Record<string, unknown> = {};
  for (const name of names) if (entry[name] !== undefined) item[name] = entry[name];
  return item;
}

/** The index's `LastEvaluatedKey` for an entry: the table key and the index keys. */
function indexKey(index: IngestIndex, entry: IndexEntry): IndexKey {
  const key: Record<string, string | number> = {};
  for (const name of [INGEST_TABLE.partitionKey.name, index.partitionKey.name, index.sortKey.name]) {
    const value = entry[name];
    if (typeof value === 'string' || typeof value === 'number') key[name] = value;
  }
  return key;
}

/** The original's token: base64 of the `LastEvaluatedKey` as plain JSON, so tokens of either implementation work. */
export function encodePageToken(key: IndexKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64');
}

/**
 * A token is only accepted if it is a key of the partition being listed; anything else would reach DynamoDB as an
 * invalid start key and fail there.
 */
export function decodePageToken(token: string, index: IngestIndex, value: string | number): IndexKey {
  // A `+` sent unencoded arrives as a space after URL decoding.
  const base64 = token.replace(/ /g, '+');
  if (base64.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw invalid('invalid token');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalid('invalid token');
  }
  const tableKey = INGEST_TABLE.partitionKey.name;
  const expected = [tableKey, index.partitionKey.name, index.sortKey.name];
  if (
    !isPlainObject(parsed) ||
    Object.keys(parsed).length !== expected.length ||
    typeof parsed[tableKey] !== 'string' ||
    parsed[tableKey] === '' ||
    parsed[index.partitionKey.name] !== value ||
    typeof parsed[index.sortKey.name] !== 'number' ||
    // DynamoDB refuses a start key it could never have returned, as a server error in the original.
    keyValueViolation(parsed[tableKey], 'partition') !== undefined ||
    keyValueViolation(parsed[index.sortKey.name], 'sort') !== undefined
  ) {
    throw invalid('invalid token');
  }
  return parsed as IndexKey;
}

function parsePageSize(value: string | undefined): number {
  // The original reads `Number(qs.pageSize || 20)`: an empty value is the default.
  if (value === undefined || value === '') return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(value)) throw invalid('invalid pageSize');
  const pageSize = Number(value);
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw invalid('invalid pageSize');
  return pageSize;
}

/** The original URL-decodes these once more than API Gateway does; a value that cannot be decoded is a 400. */
function decodedParameter(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw invalid(`invalid ${name}`);
  }
  if (decoded === '') return undefined;
  // Index key values: DynamoDB refuses more than 2048 bytes, which the original turns into a server error.
  if (name !== 'token' && !/^[\w.+-]{1,128}$/.test(decoded)) throw invalid(`invalid ${name}`);
  return decoded;
}
