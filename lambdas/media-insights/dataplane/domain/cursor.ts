import { BadRequestError, isPlainObject } from '../../../shared/http';
import { parseMetadataKey } from './keys';
import { pythonJsonDumps } from './python-compat';

/**
 * The metadata cursor is opaque to clients but not to us: the original hands out URL-safe base64 of Python's
 * `json.dumps({"next": {...}, "remaining": [...]})`, and we produce byte-identical text.
 *
 * An entry is `{"<operator name>": "<pointer>"}`, with `"page": n` once it is being read.
 */
export interface CursorEntry {
  readonly operatorName: string;
  readonly pointer: string;
  readonly page?: number;
}

export interface CursorPage extends CursorEntry {
  readonly page: number;
}

/** GET /metadata/{asset_id}: the page to serve next and the operators still to visit, the current one first. */
export interface AssetCursor {
  readonly next: CursorPage;
  readonly remaining: readonly CursorEntry[];
}

/** GET /metadata/{asset_id}/{operator_name}: the original fills `remaining` with the operator's name only. */
export interface OperatorCursor {
  readonly next: CursorPage;
  readonly remaining: readonly string[];
}

export function encodeAssetCursor(cursor: AssetCursor): string {
  return encodeCursorJson({ next: entryJson(cursor.next), remaining: cursor.remaining.map(entryJson) });
}

export function encodeOperatorCursor(cursor: OperatorCursor): string {
  return encodeCursorJson({ next: entryJson(cursor.next), remaining: cursor.remaining });
}

/** The cursor sent to GET /metadata/{asset_id}, checked to stay within that asset's metadata. */
export function decodeAssetCursor(text: string, assetId: string): AssetCursor {
  const raw = decodeCursorJson(text);
  const next = cursorPage(raw.next);
  if (!Array.isArray(raw.remaining) || raw.remaining.length === 0) throw invalidCursor('remaining is not a list');
  const remaining = raw.remaining.map((value) => {
    const entry = cursorEntry(value);
    if (!entry) throw invalidCursor('remaining holds an entry that is not {operator: pointer}');
    return entry;
  });
  const current = remaining[0];
  if (current.operatorName !== next.operatorName || current.pointer !== next.pointer) {
    throw invalidCursor('next is not the first remaining entry');
  }
  for (const entry of [next, ...remaining]) assertPointsIntoAsset(entry, assetId);
  return { next, remaining };
}

/** The page named by a cursor sent to GET /metadata/{asset_id}/{operator_name}. */
export function decodeOperatorCursor(text: string, assetId: string, operatorName: string): CursorPage {
  // Like the original, only `next` matters here; a cursor from the asset-wide listing is accepted too.
  const next = cursorPage(decodeCursorJson(text).next);
  if (next.operatorName !== operatorName) throw invalidCursor(`it does not belong to operator ${operatorName}`);
  assertPointsIntoAsset(next, assetId);
  return next;
}

function entryJson(entry: CursorEntry): Record<string, unknown> {
  return entry.page === undefined
    ? { [entry.operatorName]: entry.pointer }
    : { [entry.operatorName]: entry.pointer, page: entry.page };
}

function encodeCursorJson(cursor: Record<string, unknown>): string {
  const base64 = Buffer.from(pythonJsonDumps(cursor), 'utf8').toString('base64url');
  // base64.urlsafe_b64encode pads; Node's base64url does not.
  return base64.padEnd(Math.ceil(base64.length / 4) * 4, '=');
}

function decodeCursorJson(text: string): Record<string, unknown> {
  // The original decodes with the standard alphabet, which silently drops '-' and '_' from its own URL-safe
  // cursors; we accept both alphabets and reject anything else.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw invalidCursor('it is not base64');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw invalidCursor('it does not hold JSON');
  }
  if (!isPlainObject(decoded)) throw invalidCursor('it does not hold an object');
  return decoded;
}

function cursorEntry(value: unknown): CursorEntry | undefined {
  if (!isPlainObject(value)) return undefined;
  let operatorName: string | undefined;
  let pointer: string | undefined;
  let page: number | undefined;
  for (const [key, member] of Object.entries(value)) {
    if (key === 'page') {
      if (typeof member !== 'number' || !Number.isSafeInteger(member) || member < 0) return undefined;
      page = member;
    } else {
      if (operatorName !== undefined || typeof member !== 'string') return undefined;
      operatorName = key;
      pointer = member;
    }
  }
  if (operatorName === undefined || pointer === undefined) return undefined;
  return page === undefined ? { operatorName, pointer } : { operatorName, pointer, page };
}

function cursorPage(value: unknown): CursorPage {
  const entry = cursorEntry(value);
  if (!entry || entry.page === undefined) throw invalidCursor('next is not {operator: pointer, page: n}');
  return { ...entry, page: entry.page };
}

/** A cursor names S3 keys; one that strays from the asset's own metadata would let a caller read anything. */
function assertPointsIntoAsset(entry: CursorEntry, assetId: string): void {
  const parts = parseMetadataKey(entry.pointer);
  if (!parts || parts.assetId !== assetId || parts.operatorName !== entry.operatorName) {
    throw invalidCursor(`it points outside the metadata of asset ${assetId}`);
  }
}

function invalidCursor(reason: string): BadRequestError {
  return new BadRequestError(`Invalid cursor: ${reason}`);
}
