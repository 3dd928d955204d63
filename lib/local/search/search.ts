import { MEDIA_TYPES } from '../../../lambdas/media2cloud/search/document';
import type { SearchPage, SearchPageRequest } from '../../../lambdas/media2cloud/search/local/local-search-index';
import {
  parseQueryString,
  QueryStringSyntaxError,
  QueryStringUnsupportedError,
} from '../../../lambdas/media2cloud/search/local/query-string';
import { and, type QueryNode } from '../../../lambdas/media2cloud/search/query';
import { readAggregations, type TermsAggregation } from './aggregations';
import { IllegalArgumentError, ParsingError, QueryShardError } from './errors';
import { filterSource, matchesPattern, readSourceFilter, type SourceFilter } from './source-filter';

/** OpenSearch's `index.max_result_window` default. */
const MAX_RESULT_WINDOW = 10_000;
/** OpenSearch's `track_total_hits` default: totals are exact up to this many. */
const DEFAULT_TOTAL_HITS_LIMIT = 10_000;

/** A `_search` request, read and checked: what to ask the index, and how to shape the answer. */
export interface SearchPlan {
  /**
   * `undefined` when the query can match nothing (an empty `terms` list, an empty `query_string`); `'all'` for no
   * query (OpenSearch's `match_all`), which the local endpoint answers only with no hits (`size: 0`).
   */
  readonly request: SearchPageRequest | 'all' | undefined;
  /** Computed over every document; only without a query. */
  readonly aggregations: readonly TermsAggregation[] | undefined;
  readonly source: SourceFilter;
  /** Field path patterns to highlight; `undefined` when the request asks for no highlighting. */
  readonly highlight: readonly string[] | undefined;
  /** `true`: exact; a number: exact up to it; `false`: no total. */
  readonly trackTotalHits: boolean | number;
  readonly totalHitsAsInt: boolean;
}

const BODY_KEYS = new Set([
  'query',
  'from',
  'size',
  '_source',
  'highlight',
  'track_total_hits',
  'timeout',
  'aggs',
  'aggregations',
]);
const QUERY_STRING_KEYS = new Set([
  'query',
  'default_field',
  'fields',
  'analyze_wildcard',
  'default_operator',
  'lenient',
]);

/**
 * Reads a `_search` body and its `from`/`size`/`track_total_hits` parameters (which win over the body's, as in
 * OpenSearch). The query may be a `query_string`, `terms`/`term` on `type` or `_id`, `ids`, and `bool` `must` or
 * `filter` lists of those: what the original sends, and the plain variations of it. Anything else is a 400 that says
 * what the local engine does not support, never a different answer.
 */
export function planSearch(index: string, body: unknown, params: ReadonlyMap<string, string>): SearchPlan {
  const search = asObject(body ?? {}, 'the search body');
  for (const key of Object.keys(search)) {
    if (!BODY_KEYS.has(key)) throw new ParsingError(`[${key}] is not supported by the local search endpoint`);
  }
  const from = count(params.get('from') ?? search.from, 'from', 0);
  const size = count(params.get('size') ?? search.size, 'size', 10);
  if (from + size > MAX_RESULT_WINDOW) {
    throw new IllegalArgumentError(
      `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was ` +
        `[${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can ` +
        'be set by changing the [index.max_result_window] index level setting.',
    );
  }
  if (search.aggs !== undefined && search.aggregations !== undefined) {
    throw new ParsingError('Found two aggregation type definitions: [aggs] and [aggregations]');
  }
  const aggs = search.aggs ?? search.aggregations;
  const aggregations = aggs === undefined ? undefined : readAggregations(aggs);
  const common = {
    source: readSourceFilter(search._source, '[_search]'),
    highlight: search.highlight === undefined ? undefined : readHighlight(search.highlight),
    trackTotalHits: readTrackTotalHits(params.get('track_total_hits') ?? search.track_total_hits),
    totalHitsAsInt: params.get('rest_total_hits_as_int') === 'true',
    aggregations,
  };
  if (search.query === undefined) {
    // Every document matches: counted, and aggregated, but not listed (the local engine has no order for them).
    if (size === 0) return { request: 'all', ...common };
    throw new ParsingError(
      'the local search endpoint needs a [query] with a [query_string] (it has no match_all) unless [size] is 0',
    );
  }
  if (aggregations !== undefined) {
    throw new ParsingError('the local search endpoint aggregates every document only: [aggs] without a [query]');
  }
  const constraints = readQuery(search.query, index, { queries: [], types: undefined, ids: undefined });
  if (constraints.queries.length === 0) {
    throw new ParsingError('the local search endpoint needs a [query_string] in the query (it has no match_all)');
  }
  const types = MEDIA_TYPES.filter((type) => constraints.types?.has(type) ?? true);
  const ids = constraints.ids === undefined ? undefined : [...constraints.ids];
  if (ids !== undefined && ids.length > 1) {
    throw new ParsingError('the local search endpoint filters on one _id at most');
  }
  const queries = constraints.queries.filter((query): query is QueryNode => query !== NOTHING);
  const matchesNothing = queries.length < constraints.queries.length || ids?.length === 0;
  const query = queries.length === 1 ? (queries[0] as QueryNode) : and(queries);
  const request = matchesNothing
    ? undefined
    : { query, from, size, types, ...(ids?.length === 1 ? { uuid: ids[0] } : {}) };
  return { request, ...common };
}

/** OpenSearch's `_search` answer for a page of the local index. */
export function searchResponse(
  index: string,
  plan: SearchPlan,
  page: SearchPage | undefined,
  took: number,
  aggregations?: Record<string, unknown>,
): unknown {
  const hits = (page?.hits ?? []).map((hit) => {
    const source = filterSource(hit.document as unknown as Record<string, unknown>, plan.source);
    const highlight = plan.highlight === undefined ? {} : highlighted(hit.highlights, plan.highlight);
    return {
      _index: index,
      _id: hit.document.uuid,
      _score: hit.score,
      ...(source === undefined ? {} : { _source: source }),
      ...(Object.keys(highlight).length === 0 ? {} : { highlight }),
    };
  });
  const total = page?.total ?? 0;
  const limit = plan.trackTotalHits === true ? Infinity : plan.trackTotalHits === false ? 0 : plan.trackTotalHits;
  const counted = { value: Math.min(total, limit), relation: total > limit ? 'gte' : 'eq' };
  let totalField: unknown;
  if (plan.totalHitsAsInt) totalField = plan.trackTotalHits === false ? -1 : counted.value;
  else if (plan.trackTotalHits !== false) totalField = counted;
  return {
    took,
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: {
      ...(totalField === undefined ? {} : { total: totalField }),
      max_score: hits.length === 0 ? null : Math.max(...hits.map((hit) => hit._score)),
      hits,
    },
    ...(aggregations === undefined ? {} : { aggregations }),
  };
}

/** Stands for a `query_string` that matches nothing (an empty one, as OpenSearch reads it). */
const NOTHING = Symbol('nothing');

interface Constraints {
  readonly queries: Array<QueryNode | typeof NOTHING>;
  /** Intersection of every `type` filter; `undefined` when there is none. */
  types: Set<string> | undefined;
  /** Intersection of every `_id` filter; `undefined` when there is none. */
  ids: Set<string> | undefined;
}

function readQuery(value: unknown, index: string, into: Constraints): Constraints {
  const query = asObject(value, 'a query');
  const kinds = Object.keys(query);
  if (kinds.length !== 1) throw new ParsingError(`a query must have exactly one kind, got [${kinds.join(', ')}]`);
  const kind = kinds[0] as string;
  const spec = query[kind];
  switch (kind) {
    case 'bool': {
      const bool = asObject(spec, '[bool]');
      for (const [key, clauses] of Object.entries(bool)) {
        if (key !== 'must' && key !== 'filter') {
          throw new ParsingError(`[bool] [${key}] is not supported by the local search endpoint (only must, filter)`);
        }
        for (const clause of Array.isArray(clauses) ? clauses : [clauses]) readQuery(clause, index, into);
      }
      return into;
    }
    case 'query_string':
      into.queries.push(readQueryString(spec, index));
      return into;
    case 'terms':
    case 'term': {
      const [field, values] = readTerms(kind, spec);
      if (field === 'type') into.types = intersect(into.types, values);
      else if (field === '_id') into.ids = intersect(into.ids, values);
      else
        throw new ParsingError(
          `[${kind}] on [${field}] is not supported by the local search endpoint (only type, _id)`,
        );
      return into;
    }
    case 'ids': {
      const values = asObject(spec, '[ids]').values;
      if (!Array.isArray(values) || !values.every((id) => typeof id === 'string')) {
        throw new ParsingError('[ids] needs [values], a list of strings');
      }
      into.ids = intersect(into.ids, values);
      return into;
    }
    default:
      throw new ParsingError(`[${kind}] queries are not supported by the local search endpoint`);
  }
}

function readQueryString(value: unknown, index: string): QueryNode | typeof NOTHING {
  const spec = asObject(value, '[query_string]');
  for (const key of Object.keys(spec)) {
    if (!QUERY_STRING_KEYS.has(key)) throw new ParsingError(`[query_string] query does not support [${key}]`);
  }
  if (typeof spec.query !== 'string') throw new ParsingError('[query_string] must be provided with a [query]');
  // The local index searches every field, which is what `*` (and OpenSearch's default `index.query.default_field`) is.
  const fields = spec.fields ?? (spec.default_field === undefined ? undefined : [spec.default_field]);
  if (fields !== undefined && !(Array.isArray(fields) && fields.length === 1 && fields[0] === '*')) {
    throw new ParsingError('the local search endpoint searches [query_string] over every field only ([*])');
  }
  if (spec.default_operator !== undefined && String(spec.default_operator).toLowerCase() !== 'or') {
    throw new ParsingError('the local search endpoint supports [query_string] only with default_operator OR');
  }
  if (spec.query.trim() === '') return NOTHING;
  try {
    return parseQueryString(spec.query);
  } catch (error) {
    if (error instanceof QueryStringSyntaxError) {
      throw new QueryShardError(spec.query, index, { type: 'parse_exception', reason: error.message });
    }
    if (error instanceof QueryStringUnsupportedError) {
      throw new QueryShardError(spec.query, index, { type: 'illegal_argument_exception', reason: error.message });
    }
    throw error;
  }
}

function readTerms(kind: 'terms' | 'term', value: unknown): [string, string[]] {
  const spec = asObject(value, `[${kind}]`);
  const fields = Object.keys(spec).filter((key) => key !== 'boost');
  if (fields.length !== 1) throw new ParsingError(`[${kind}] query needs exactly one field`);
  const field = fields[0] as string;
  let values = spec[field];
  if (kind === 'term') {
    const single = typeof values === 'object' && values !== null ? (values as Record<string, unknown>).value : values;
    values = [single];
  }
  if (!Array.isArray(values) || !values.every((item) => typeof item === 'string')) {
    throw new ParsingError(`[${kind}] on [${field}] needs string values`);
  }
  return [field, values];
}

function readHighlight(value: unknown): string[] {
  const highlight = asObject(value, '[highlight]');
  for (const key of Object.keys(highlight)) {
    if (key !== 'fields') {
      throw new ParsingError(`[highlight] [${key}] is not supported by the local search endpoint (only fields)`);
    }
  }
  const fields = highlight.fields;
  const entries = Array.isArray(fields)
    ? fields.flatMap((item) => Object.entries(asObject(item, '[highlight]')))
    : Object.entries(asObject(fields, '[highlight] [fields]'));
  return entries.map(([pattern, options]) => {
    if (Object.keys(asObject(options, `[highlight] [${pattern}]`)).length > 0) {
      throw new ParsingError(`[highlight] options of [${pattern}] are not supported by the local search endpoint`);
    }
    return pattern;
  });
}

function readTrackTotalHits(value: unknown): boolean | number {
  if (value === undefined) return DEFAULT_TOTAL_HITS_LIMIT;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new IllegalArgumentError(
      `[track_total_hits] must be a boolean or a non-negative integer, got [${String(value)}]`,
    );
  }
  return limit;
}

function highlighted(
  highlights: Readonly<Record<string, readonly string[]>>,
  patterns: readonly string[],
): Record<string, readonly string[]> {
  return Object.fromEntries(
    Object.entries(highlights).filter(([path]) => patterns.some((pattern) => matchesPattern(pattern, path))),
  );
}

function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new IllegalArgumentError(`[${name}] must be an integer, got [${String(value)}]`);
  }
  if (number < 0) throw new IllegalArgumentError(`[${name}] parameter cannot be negative, found [${number}]`);
  return number;
}

function intersect(current: Set<string> | undefined, values: readonly string[]): Set<string> {
  return new Set(current === undefined ? values : values.filter((value) => current.has(value)));
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ParsingError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
