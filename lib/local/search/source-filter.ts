import { ParsingError } from './errors';

/** Which part of `_source` a request wants back, as OpenSearch's source filtering reads it. */
export interface SourceFilter {
  readonly fetch: boolean;
  /** Field paths or `*` patterns; empty means everything. */
  readonly includes: readonly string[];
  readonly excludes: readonly string[];
}

export const WHOLE_SOURCE: SourceFilter = { fetch: true, includes: [], excludes: [] };

/**
 * Reads a body's `_source`: `true`/`false`, a pattern, a list of patterns, or `{includes, excludes}` — OpenSearch
 * also takes the singular `include`/`exclude`, which is what the original's `mget` sends.
 */
export function readSourceFilter(value: unknown, where: string): SourceFilter {
  if (value === undefined || value === true) return WHOLE_SOURCE;
  if (value === false) return { fetch: false, includes: [], excludes: [] };
  if (typeof value === 'string' || Array.isArray(value))
    return { fetch: true, includes: patterns(value, where), excludes: [] };
  if (typeof value === 'object' && value !== null) {
    const spec = value as Record<string, unknown>;
    for (const key of Object.keys(spec)) {
      if (!['includes', 'include', 'excludes', 'exclude'].includes(key)) {
        throw new ParsingError(`Unknown key for [_source] in ${where}: [${key}]`);
      }
    }
    return {
      fetch: true,
      includes: patterns(spec.includes ?? spec.include ?? [], where),
      excludes: patterns(spec.excludes ?? spec.exclude ?? [], where),
    };
  }
  throw new ParsingError(`[_source] in ${where} must be a boolean, a string, a list of strings or an object`);
}

/** Reads the `_source`, `_source_includes` and `_source_excludes` query parameters of a document GET. */
export function sourceFilterFromParams(params: ReadonlyMap<string, string>): SourceFilter {
  const list = (name: string) =>
    (params.get(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const source = params.get('_source');
  if (source === 'false') return { fetch: false, includes: [], excludes: [] };
  const includes = source === undefined || source === 'true' ? list('_source_includes') : list('_source');
  return { fetch: true, includes, excludes: list('_source_excludes') };
}

function patterns(value: unknown, where: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item): item is string => typeof item === 'string')) {
    throw new ParsingError(`[_source] patterns in ${where} must be strings`);
  }
  return list;
}

/** The part of `source` the filter keeps; `undefined` when the source is not fetched at all. */
export function filterSource(
  source: Readonly<Record<string, unknown>>,
  filter: SourceFilter,
): Record<string, unknown> | undefined {
  if (!filter.fetch) return undefined;
  if (filter.includes.length === 0 && filter.excludes.length === 0) return { ...source };
  return filterObject(source, '', filter, filter.includes.length === 0);
}

function filterObject(
  object: Readonly<Record<string, unknown>>,
  prefix: string,
  filter: SourceFilter,
  included: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (filter.excludes.some((pattern) => matchesPattern(pattern, path))) continue;
    const isIncluded = included || filter.includes.some((pattern) => matchesPattern(pattern, path));
    if (!isIncluded && !filter.includes.some((pattern) => mayMatchBelow(pattern, path))) continue;
    const kept = filterValue(value, path, filter, isIncluded);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

function filterValue(value: unknown, path: string, filter: SourceFilter, included: boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => filterValue(item, path, filter, included)).filter((item) => item !== undefined);
    return included || items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const kept = filterObject(value as Record<string, unknown>, path, filter, included);
    return included || Object.keys(kept).length > 0 ? kept : undefined;
  }
  return included ? value : undefined;
}

/** OpenSearch's simple match: `*` stands for any characters, dots included. */
export function matchesPattern(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern === path;
  return patternExpression(pattern).test(path);
}

/** Compiled patterns: a search's `highlight` and `_source` patterns are checked against every path of every hit. */
const PATTERN_EXPRESSIONS = new Map<string, RegExp>();
const PATTERN_CACHE_SIZE = 256;

function patternExpression(pattern: string): RegExp {
  let expression = PATTERN_EXPRESSIONS.get(pattern);
  if (expression === undefined) {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    expression = new RegExp(`^${source}$`);
    if (PATTERN_EXPRESSIONS.size >= PATTERN_CACHE_SIZE) PATTERN_EXPRESSIONS.clear();
    PATTERN_EXPRESSIONS.set(pattern, expression);
  }
  return expression;
}

function mayMatchBelow(pattern: string, path: string): boolean {
  return pattern.startsWith(`${path}.`) || pattern.includes('*');
}
