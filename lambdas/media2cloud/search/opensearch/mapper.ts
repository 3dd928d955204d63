import { IGNORED_FIELDS, type MediaType } from '../document';
import type { SearchRequest } from '../request';
import { nextToken, type SearchFieldHit, type SearchHit, type SearchHitField, type SearchResponse } from '../response';
import { CONTENT_INDEX } from './compiler';

/** The parts of an OpenSearch `_search` response body the original reads. */
export interface OpenSearchSearchResponseBody {
  readonly took: number;
  readonly hits: {
    /** An object since Elasticsearch 7 / OpenSearch; a bare number before. */
    readonly total: { readonly value: number; readonly relation?: string } | number;
    readonly hits: readonly OpenSearchHit[];
  };
}

export interface OpenSearchHit {
  readonly _index?: string;
  readonly _id: string;
  readonly _score: number | null;
  readonly _source?: { readonly type?: string };
  /** Keyed by field path (`celeb.name`, `celeb.name.keyword`, `attributes.title`); absent when nothing matched. */
  readonly highlight?: Readonly<Record<string, readonly string[]>>;
}

/** The parameters of the client's `mget()` call. `include` (not `includes`) is what the original sends. */
export interface OpenSearchMgetParams {
  readonly index: typeof CONTENT_INDEX;
  readonly body: {
    readonly docs: ReadonlyArray<{ readonly _id: string; readonly _source: { readonly include: readonly string[] } }>;
  };
}

export interface OpenSearchMgetResponseBody {
  readonly docs: ReadonlyArray<{
    readonly _id: string;
    readonly found?: boolean;
    readonly _source?: Readonly<Record<string, unknown>>;
  }>;
}

export interface SearchStep {
  /** The answer so far: hits carry their highlights, not yet the matched values. */
  readonly response: SearchResponse;
  /** The `mget` that fetches the matched values; absent when no hit needs it (the response is then final). */
  readonly mget?: OpenSearchMgetParams;
}

/**
 * Maps the `_search` response. Highlight paths are grouped by their top-level field (`celeb.name` and
 * `celeb.name.keyword` both feed `celeb`, highlights de-duplicated), `type`/`key`/`bucket` are never reported, and
 * a hit left with no field is dropped from `hits` though it stays in `totalHits`, all as in the original.
 */
export function fromOpenSearchSearch(request: SearchRequest, body: OpenSearchSearchResponseBody): SearchStep {
  const raw = body.hits.hits;
  const totalHits = typeof body.hits.total === 'number' ? body.hits.total : body.hits.total.value;
  const hits: SearchHit[] = [];
  for (const hit of raw) {
    const fields: Record<string, SearchHitField> = {};
    // The original assumes every hit has highlights and fails otherwise; a hit without any is simply dropped here.
    for (const [path, highlights] of Object.entries(hit.highlight ?? {})) {
      const field = path.split('.')[0];
      if (IGNORED_FIELDS.has(field)) continue;
      const merged = new Set([...(fields[field]?.highlights ?? []), ...highlights]);
      fields[field] = { highlights: [...merged] };
    }
    if (Object.keys(fields).length > 0) {
      hits.push({ id: hit._id, score: hit._score ?? 0, type: hit._source?.type as MediaType, fields });
    }
  }
  const response: SearchResponse = {
    term: request.term,
    totalHits,
    nextToken: nextToken(request.from, request.size, raw.length, totalHits),
    elapsed: body.took,
    hits,
  };
  // The original sends an empty `mget` (which OpenSearch rejects) when every hit was dropped; no call is needed.
  if (hits.length === 0) return { response };
  return {
    response,
    mget: {
      index: CONTENT_INDEX,
      body: { docs: hits.map((hit) => ({ _id: hit.id, _source: { include: Object.keys(hit.fields) } })) },
    },
  };
}

/**
 * Attaches the matched values fetched by the `mget`. The original finds them by comparing each highlight, tags
 * stripped, with the stored values, ignoring case and accents: a string field yields the string, an entry list
 * the entries whose `name` is equal (an empty list when none is, which the original keeps), an object such as
 * `attributes` the `{key: value}` pairs whose value is equal. So a value longer than one highlight fragment
 * (100 characters) is highlighted but not listed, and only values among a field's first five highlights are.
 */
export function fromOpenSearchMget(response: SearchResponse, body: OpenSearchMgetResponseBody): SearchResponse {
  const hits = response.hits.map((hit): SearchHit => {
    const source = body.docs.find((doc) => doc._id === hit.id)?._source;
    if (source === undefined) return hit;
    const fields: Record<string, SearchHitField> = {};
    for (const [field, reported] of Object.entries(hit.fields)) {
      let matched: SearchFieldHit[] | undefined;
      const value = source[field];
      for (const highlight of reported.highlights) {
        const found = matchValue(value, highlight.replace(/<em>|<\/em>/gi, ''));
        if (found !== undefined) matched = [...(matched ?? []), ...found];
      }
      fields[field] = matched === undefined ? reported : { ...reported, hits: matched };
    }
    return { ...hit, fields };
  });
  return { ...response, hits };
}

function matchValue(value: unknown, text: string): SearchFieldHit[] | undefined {
  if (!value) return undefined;
  if (typeof value === 'string') return sameText(value, text) ? [value] : undefined;
  if (Array.isArray(value)) {
    return value.filter(
      (entry): entry is SearchFieldHit =>
        typeof entry === 'object' && entry !== null && typeof entry.name === 'string' && sameText(entry.name, text),
    );
  }
  if (typeof value === 'object') {
    const pairs = Object.entries(value).filter(
      (pair): pair is [string, string] => typeof pair[1] === 'string' && sameText(pair[1], text),
    );
    return pairs.length === 0 ? undefined : [Object.fromEntries(pairs)];
  }
  return undefined;
}

/**
 * The collator of the original's `localeCompare(b, undefined, {sensitivity: 'base'})`, made once: that call builds
 * the same collator anew on every comparison, which cost a search of 30 hits tens of milliseconds.
 */
const BASE_LETTERS = new Intl.Collator(undefined, { sensitivity: 'base' });

/** Equal ignoring case and accents: the original's `localeCompare` at `sensitivity: 'base'`. */
function sameText(a: string, b: string): boolean {
  return BASE_LETTERS.compare(a, b) === 0;
}
