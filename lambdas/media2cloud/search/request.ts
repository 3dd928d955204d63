import { BadRequestError } from '../../shared/http/errors';
import { MEDIA_TYPES, type MediaType } from './document';
import { parseQuery } from './parser';
import type { QueryNode } from './query';

export const DEFAULT_PAGE_SIZE = 30;
/** The original's `validateCharacterSet` limit, counted in UTF-8 bytes of the decoded query. */
export const MAX_QUERY_BYTES = 2048;
/** OpenSearch's default `index.max_result_window`: the original fails beyond it, so no engine pages past it. */
export const MAX_RESULT_WINDOW = 10_000;

/** A validated `GET /search` or `GET /search/{uuid}`, ready for any engine. */
export interface SearchRequest {
  /** The query as the original echoes it back: decoded, re-joined on single spaces, operators upper-cased. */
  readonly term: string;
  readonly query: QueryNode;
  readonly from: number;
  readonly size: number;
  /** Media types left in the search, in the order the original lists them. */
  readonly types: readonly MediaType[];
  /** Restricts the search to one asset. */
  readonly uuid?: string;
}

export interface SearchRequestInput {
  /** The query-string parameters, as API Gateway delivers them (already URL-decoded once). */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** The `{uuid}` path parameter of `/search/{uuid}`. */
  readonly uuid?: string;
}

export function parseSearchRequest(input: SearchRequestInput): SearchRequest {
  const params = input.query ?? {};
  // The original drops parameters whose value is the string 'undefined' (what its web client sends for unset ones).
  const param = (name: string): string | undefined => {
    const value = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
    return value === undefined || value === 'undefined' ? undefined : value;
  };

  // The original spreads the query string over `{id: <path uuid>}`, so an `id` parameter wins over the path.
  const uuid = param('id') ?? input.uuid;
  if (uuid !== undefined && !isAssetId(uuid)) throw new BadRequestError('invalid id');

  const term = decodeSearchTerm(param('query') ?? unnamedQuery(params));
  const query = parseQuery(term);
  const from = nonNegativeInteger(param('token'), 0, 'invalid token');
  const size = nonNegativeInteger(param('pageSize'), DEFAULT_PAGE_SIZE, 'invalid pageSize');
  if (size === 0) throw new BadRequestError('invalid pageSize');
  if (from + size > MAX_RESULT_WINDOW) {
    throw new BadRequestError(`invalid token: token + pageSize must not exceed ${MAX_RESULT_WINDOW}`);
  }
  // Only the exact string 'false' excludes a media type: the original compares with `!== 'false'`.
  const types = MEDIA_TYPES.filter((type) => param(type) !== 'false');

  return { term, query, from, size, types, ...(uuid === undefined ? {} : { uuid }) };
}

const NAMED_PARAMETERS: ReadonlySet<string> = new Set(['query', 'token', 'pageSize', 'id', ...MEDIA_TYPES]);

/**
 * The base64 query sent without its `query=` name, as the curl examples of the original's API guide send it
 * (`--data-urlencode "$(echo … | base64)"`): curl then makes the text before the first `=` a parameter name and the
 * padding its value. The original answers those examples `invalid query`; here they search for what they say.
 */
function unnamedQuery(params: Readonly<Record<string, string | undefined>>): string | undefined {
  const unnamed = Object.entries(params).filter(([name]) => !NAMED_PARAMETERS.has(name));
  if (unnamed.length !== 1) return undefined;
  const [name, value = ''] = unnamed[0]!;
  if (!/^[A-Za-z0-9+/]+$/.test(name) || !/^=*$/.test(value)) return undefined;
  return value === '' ? name : `${name}=${value}`;
}

/**
 * Decodes the `query` parameter the way the original does: URL-decode, base64-decode (always: a plain-text query
 * decodes to noise, as it does there), then URL-decode again if that succeeds (clients URL-encode non-Latin text
 * before base64). The result is split into quoted phrases and words, stand-alone `and`/`or`/`not` are upper-cased
 * in any case, and the pieces are re-joined with single spaces.
 */
export function decodeSearchTerm(raw: string | undefined): string {
  let query: string;
  try {
    query = decodeURIComponent(raw ?? '');
  } catch {
    throw new BadRequestError('invalid query');
  }
  query = Buffer.from(query, 'base64').toString('utf8');
  try {
    query = decodeURIComponent(query);
  } catch {
    // Not URL-encoded (a literal `%` in the query): keep the base64-decoded text.
  }
  if (query.length === 0 || Buffer.byteLength(query, 'utf8') > MAX_QUERY_BYTES || !hasSearchableCharacter(query)) {
    throw new BadRequestError('invalid query');
  }
  // A quote only opens a phrase if it closes on the same line; an unpaired quote is dropped, as in the original.
  const pieces = query.match(/(?:"[^"\n\r\u2028\u2029]*"|[^"\s]+)+/g);
  if (pieces === null) throw new BadRequestError('invalid query');
  return pieces.map((piece) => (/^(and|or|not)$/i.test(piece) ? piece.toUpperCase() : piece)).join(' ');
}

/** The original's character-set check is unanchored: one letter, digit, punctuation mark or space is enough. */
function hasSearchableCharacter(query: string): boolean {
  return /[\p{L}\p{P}\p{N}\p{Sc}\s]/u.test(query);
}

/** The original's `validateUuid`: a v4-style uuid, or any run of at least eight hex digits. */
function isAssetId(value: string): boolean {
  return /^[a-fA-F0-9]{8}(-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}$/.test(value) || /^[a-fA-F0-9]{8,}$/.test(value);
}

function nonNegativeInteger(value: string | undefined, fallback: number, message: string): number {
  // The original treats an empty parameter like an absent one (`Number(qs.token || 0)`).
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new BadRequestError(message);
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new BadRequestError(message);
  return parsed;
}

/** What a client puts in the `query` parameter for `text`: URL-encoded, then base64 (the original's v4 scheme). */
export function encodeSearchQuery(text: string): string {
  return Buffer.from(encodeURIComponent(text), 'utf8').toString('base64');
}
