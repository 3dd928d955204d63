import { ANALYSIS_FIELDS, KEYWORD_NAME_FIELDS } from '../../../lambdas/media2cloud/search/document';
import { IllegalArgumentError, ParsingError, SearchPhaseExecutionError } from './errors';

/**
 * The aggregations of the local search endpoint: `terms` over any field of the index, computed from every document
 * as OpenSearch computes them on one shard (so `doc_count_error_upper_bound` is always 0). Fields are typed by the
 * original's `content` mapping, and the others as OpenSearch's dynamic mapping would type them.
 */

/** A `terms` aggregation, read and checked. */
export interface TermsAggregation {
  readonly name: string;
  readonly field: string;
  readonly size: number;
  readonly minDocCount: number;
}

type FieldType = 'keyword' | 'text' | 'long' | 'float' | 'date' | 'boolean';

/** The original's `mappings/content.js` as field paths; objects (`attributes`, `aiOptions`) map their keys dynamically. */
const CONTENT_MAPPING: ReadonlyMap<string, FieldType> = new Map<string, FieldType>([
  ['uuid', 'keyword'],
  ['type', 'keyword'],
  ['timestamp', 'date'],
  ['group', 'keyword'],
  ['status', 'keyword'],
  ['overallStatus', 'keyword'],
  ['executionArn', 'text'],
  ['fileSize', 'long'],
  ['mime', 'keyword'],
  ['duration', 'long'],
  ['framerate', 'float'],
  ['basename', 'text'],
  ['bucket', 'text'],
  ['key', 'text'],
  ['md5', 'keyword'],
  ['lastModified', 'date'],
  ...ANALYSIS_FIELDS.flatMap((field): Array<[string, FieldType]> => [
    [`${field}.name`, 'text'],
    ...(KEYWORD_NAME_FIELDS.includes(field) ? [[`${field}.name.keyword`, 'keyword'] as [string, FieldType]] : []),
    [`${field}.timecodes.begin`, 'long'],
    [`${field}.timecodes.end`, 'long'],
  ]),
]);

/** The `keyword` sub-field dynamic mapping gives a string skips longer values. */
const DYNAMIC_IGNORE_ABOVE = 256;
/** OpenSearch's default `terms` size. */
const DEFAULT_SIZE = 10;

const TERMS_KEYS = new Set(['field', 'size', 'min_doc_count']);

/** Reads `aggs` (or `aggregations`): each entry one `terms` aggregation, without sub-aggregations. */
export function readAggregations(value: unknown): TermsAggregation[] {
  return Object.entries(asObject(value, '[aggs]')).map(([name, spec]) => {
    const aggregation = asObject(spec, `[aggs] [${name}]`);
    const kinds = Object.keys(aggregation);
    if (kinds.some((kind) => kind === 'aggs' || kind === 'aggregations')) {
      throw new ParsingError(`sub-aggregations of [${name}] are not supported by the local search endpoint`);
    }
    if (kinds.length !== 1) {
      throw new ParsingError(`Expected exactly one aggregation type in [${name}], got [${kinds.join(', ')}]`);
    }
    const kind = kinds[0] as string;
    if (kind !== 'terms') {
      throw new ParsingError(`[${kind}] aggregations are not supported by the local search endpoint (only terms)`);
    }
    const terms = asObject(aggregation.terms, `[terms] of [${name}]`);
    for (const key of Object.keys(terms)) {
      if (!TERMS_KEYS.has(key)) {
        throw new ParsingError(`[terms] [${key}] is not supported by the local search endpoint (only field, size)`);
      }
    }
    if (terms.field === undefined) {
      throw new IllegalArgumentError('Required one of fields [field, script], but none were specified.');
    }
    if (typeof terms.field !== 'string') throw new ParsingError(`[terms] [field] of [${name}] must be a string`);
    const size = integer(terms.size, DEFAULT_SIZE, 'size', name);
    if (size <= 0) throw new IllegalArgumentError(`[size] must be greater than 0. Found [${size}] in [${name}]`);
    const minDocCount = integer(terms.min_doc_count, 1, 'min_doc_count', name);
    if (minDocCount < 0) {
      throw new IllegalArgumentError(
        `[minDocCount] must be greater than or equal to 0. Found [${minDocCount}] in [${name}]`,
      );
    }
    return { name, field: terms.field, size, minDocCount };
  });
}

interface Bucket {
  readonly key: string | number;
  readonly key_as_string?: string;
  doc_count: number;
}

/**
 * The `aggregations` of the answer: per aggregation, its largest buckets by document count (then by key, ascending),
 * a document counted once per distinct value however many entries hold it, and the documents of the other buckets
 * in `sum_other_doc_count`. A field no document has (or that the mapping has not) answers no buckets.
 */
export function runAggregations(
  aggregations: readonly TermsAggregation[],
  documents: readonly unknown[],
): Record<string, unknown> {
  return Object.fromEntries(
    aggregations.map((aggregation) => {
      const buckets = new Map<string | number, Bucket>();
      const read = termReader(aggregation.field, documents);
      for (const document of documents) {
        for (const term of new Map(read(document).map((bucket) => [bucket.key, bucket])).values()) {
          const bucket = buckets.get(term.key);
          if (bucket) bucket.doc_count += 1;
          else buckets.set(term.key, { ...term, doc_count: 1 });
        }
      }
      const ordered = [...buckets.values()]
        .filter((bucket) => bucket.doc_count >= Math.max(aggregation.minDocCount, 1))
        .sort((a, b) => b.doc_count - a.doc_count || compareKeys(a.key, b.key));
      const kept = ordered.slice(0, aggregation.size);
      const other = ordered.slice(aggregation.size).reduce((sum, bucket) => sum + bucket.doc_count, 0);
      return [
        aggregation.name,
        { doc_count_error_upper_bound: 0, sum_other_doc_count: other, buckets: kept.map((bucket) => ({ ...bucket })) },
      ];
    }),
  );
}

type TermReader = (document: unknown) => Array<Omit<Bucket, 'doc_count'>>;

/** How a field's terms are read from a document, by the type the mapping gives the field. */
function termReader(field: string, documents: readonly unknown[]): TermReader {
  if (field.startsWith('_')) {
    throw new ParsingError(`[terms] on [${field}] is not supported by the local search endpoint`);
  }
  const mapped = resolveField(field, documents);
  if (mapped === undefined) return () => [];
  const values = (document: unknown) => valuesAt(document, mapped.path);
  switch (mapped.type) {
    case 'text':
      throw new SearchPhaseExecutionError({
        type: 'illegal_argument_exception',
        reason:
          'Text fields are not optimised for operations that require per-document field data like aggregations and ' +
          'sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, ' +
          `set fielddata=true on [${field}] in order to load field data by uninverting the inverted index. Note ` +
          'that this can use significant memory.',
      });
    case 'keyword':
      return (document) =>
        values(document)
          .filter((value) => ['string', 'number', 'boolean'].includes(typeof value))
          .map(String)
          .filter((value) => value.length <= mapped.ignoreAbove)
          .map((key) => ({ key }));
    case 'boolean':
      return (document) =>
        values(document)
          .filter((value): value is boolean => typeof value === 'boolean')
          .map((value) => ({ key: value ? 1 : 0, key_as_string: String(value) }));
    default:
      return (document) =>
        values(document)
          .map(Number)
          .filter((value) => Number.isFinite(value))
          .map((value) => {
            // `long` and `date` (epoch_millis) drop the fraction; `float` keeps single precision.
            if (mapped.type === 'float') return { key: Math.fround(value) };
            const key = Math.trunc(value);
            return mapped.type === 'date' ? { key, key_as_string: String(key) } : { key };
          });
  }
}

interface MappedField {
  readonly type: FieldType;
  /** Where the values are in a document: a `keyword` sub-field reads its parent's. */
  readonly path: readonly string[];
  readonly ignoreAbove: number;
}

/**
 * The field as the original's mapping types it or, for a field it does not name, as dynamic mapping types it from
 * the first document that has it: a string is `text` with a `keyword` sub-field (up to 256 characters), a number
 * `long` or `float`. A `.keyword` of a field the mapping names without one, or of a number, does not exist.
 */
function resolveField(field: string, documents: readonly unknown[]): MappedField | undefined {
  const subField = field.endsWith('.keyword');
  const parent = (subField ? field.slice(0, -'.keyword'.length) : field).split('.');
  const mapped = CONTENT_MAPPING.get(field);
  if (mapped !== undefined) return { type: mapped, path: subField ? parent : field.split('.'), ignoreAbove: Infinity };
  if (subField && CONTENT_MAPPING.has(parent.join('.'))) return undefined;
  for (const document of documents) {
    const first = valuesAt(document, parent).find((value) => typeof value !== 'object');
    if (first === undefined) continue;
    if (typeof first === 'string') {
      return subField
        ? { type: 'keyword', path: parent, ignoreAbove: DYNAMIC_IGNORE_ABOVE }
        : { type: 'text', path: parent, ignoreAbove: Infinity };
    }
    if (subField) return undefined;
    if (typeof first === 'boolean') return { type: 'boolean', path: parent, ignoreAbove: Infinity };
    if (typeof first === 'number') {
      return { type: Number.isInteger(first) ? 'long' : 'float', path: parent, ignoreAbove: Infinity };
    }
  }
  return undefined;
}

/** The leaf values at a dotted path, lists of values and of objects flattened as OpenSearch indexes them. */
function valuesAt(value: unknown, segments: readonly string[]): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, segments));
  if (segments.length === 0) return value === null || value === undefined ? [] : [value];
  if (typeof value !== 'object' || value === null) return [];
  return valuesAt((value as Record<string, unknown>)[segments[0] as string], segments.slice(1));
}

/** Keys ascending as Lucene orders them: numbers by value, strings by their UTF-8 bytes. */
function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

function integer(value: unknown, fallback: number, name: string, aggregation: string): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new ParsingError(`[terms] [${name}] of [${aggregation}] must be an integer, got [${String(value)}]`);
  }
  return number;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ParsingError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
