import { KEYWORD_NAME_FIELDS, type AnalysisField } from '../document';
import { CONTENT_INDEX } from './compiler';

/** How many assets name something in one analysis field (`{name: 'Andy Jassy', count: 3}` for `celeb`). */
export interface NameCount {
  readonly name: string;
  readonly count: number;
}

/** Per requested field, its names, most assets first. */
export type NameCounts = Readonly<Partial<Record<AnalysisField, readonly NameCount[]>>>;

export interface TermsAggregation {
  readonly terms: { readonly field: string; readonly size: number };
}

/** The `_search` the original's `Indexer.aggregate` sends: no hits, one `terms` aggregation per field. */
export interface OpenSearchNameCountsParams {
  readonly index: typeof CONTENT_INDEX;
  readonly body: { readonly size: 0; readonly aggs: Readonly<Record<string, TermsAggregation>> };
}

export interface OpenSearchNameCountsResponseBody {
  readonly aggregations?: Readonly<
    Record<string, { readonly buckets?: ReadonlyArray<{ readonly key: unknown; readonly doc_count: number }> }>
  >;
}

/**
 * The original's aggregation: a `terms` aggregation named after each field, on `<field>.name.keyword`, with the
 * caller's `size`, over every document. Fields without that keyword sub-field in the original's mapping are left out:
 * there they answer no buckets whatever the index holds, while an index mapped dynamically would count them.
 * `undefined` when no requested field can have a bucket.
 */
export function toOpenSearchNameCounts(
  fields: readonly AnalysisField[],
  size: number,
): OpenSearchNameCountsParams | undefined {
  const counted = fields.filter((field) => KEYWORD_NAME_FIELDS.includes(field));
  if (counted.length === 0) return undefined;
  const aggs = Object.fromEntries(
    counted.map((field) => [field, { terms: { field: `${field}.name.keyword`, size } }] as const),
  );
  return { index: CONTENT_INDEX, body: { size: 0, aggs } };
}

/**
 * Each requested field, in the order asked, with its buckets as `{name, count}` (a field with no bucket, or no
 * answer at all because nothing is indexed yet, has an empty list).
 */
export function fromOpenSearchNameCounts(
  fields: readonly AnalysisField[],
  body: OpenSearchNameCountsResponseBody | undefined,
): NameCounts {
  return Object.fromEntries(
    fields.map((field) => [
      field,
      (body?.aggregations?.[field]?.buckets ?? []).map((bucket) => ({
        name: String(bucket.key),
        count: bucket.doc_count,
      })),
    ]),
  );
}
