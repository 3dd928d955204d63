import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { itemSize, largestAttribute, MAX_ITEM_BYTES } from '../../shared/dynamodb/item-size';

/**
 * Workflow definitions are mostly generated ASL: every stage embeds each operation's ~2.4 KB state machine, and every
 * workflow and execution embeds its stages. Stored as the API returns them, a stage of 200 operations, a workflow of
 * 80 stages or an execution that has run 60 stages passes DynamoDB's 400 KB item limit. The bulky, never-queried
 * fields (`Definition`, stage `Input`/`Outputs`) are therefore stored packed: moved out of the record into one
 * Brotli-compressed binary attribute (ASL repeats itself, so it shrinks 20–50×), and put back on every read. The API
 * answers exactly the record it always did; queries and projections read the fields left in place.
 */
export const PACKED_ATTRIBUTE = 'Packed';

/** Where the packed fields sit: dot-separated attribute names, `*` for every key of a map. */
export type PackedPaths = readonly string[];

/** Raised before a write that would not fit in an item, naming the attribute that takes the most room. */
export class ItemTooLargeError extends Error {
  constructor(
    readonly attribute: string,
    readonly bytes: number,
  ) {
    super(`The record takes ${bytes} bytes stored, more than DynamoDB's ${MAX_ITEM_BYTES}; most is in ${attribute}`);
  }
}

/** The item to store: `record` without the fields at `paths`, which travel compressed in `Packed`. */
export function pack<T extends object>(record: T, paths: PackedPaths): Record<string, unknown> {
  const item = structuredClone(record) as Record<string, unknown>;
  const moved: [string[], unknown][] = [];
  for (const path of paths) take(item, path.split('.'), [], moved);
  if (moved.length > 0) {
    const json = Buffer.from(JSON.stringify(moved));
    item[PACKED_ATTRIBUTE] = brotliCompressSync(json, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: json.length },
    });
  }
  return item;
}

/** The record as it was before {@link pack}; an item stored without packing is returned as it is. */
export function unpack<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { [PACKED_ATTRIBUTE]: packed, ...record } = item;
  if (!(packed instanceof Uint8Array)) return item as T;
  const moved = JSON.parse(brotliDecompressSync(packed).toString('utf8')) as [string[], unknown][];
  for (const [path, value] of moved) put(record, path, value);
  return record as T;
}

/** `pack`, refusing with {@link ItemTooLargeError} what DynamoDB would refuse. */
export function packToFit<T extends object>(record: T, paths: PackedPaths): Record<string, unknown> {
  const item = pack(record, paths);
  const bytes = itemSize(item);
  if (bytes > MAX_ITEM_BYTES) throw new ItemTooLargeError(largestAttribute(item) ?? PACKED_ATTRIBUTE, bytes);
  return item;
}

function take(node: unknown, path: readonly string[], at: readonly string[], moved: [string[], unknown][]): void {
  if (!isMap(node)) return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  const keys = head === '*' ? Object.keys(node) : Object.hasOwn(node, head) ? [head] : [];
  for (const key of keys) {
    if (rest.length > 0) take(node[key], rest, [...at, key], moved);
    else if (node[key] !== undefined) {
      moved.push([[...at, key], node[key]]);
      delete node[key];
    }
  }
}

function put(record: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: unknown = record;
  for (const key of path.slice(0, -1)) {
    if (!isMap(node)) return;
    node = node[key];
  }
  const last = path[path.length - 1];
  if (isMap(node) && last !== undefined) node[last] = value;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
