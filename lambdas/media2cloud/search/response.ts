import type { MediaType, SearchEntry } from './document';

/** The body of `GET /search` and `GET /search/{uuid}`. */
export interface SearchResponse {
  readonly term: string;
  /** Documents that matched, capped at 10,000 as OpenSearch counts them by default. */
  readonly totalHits: number;
  /** The `token` of the next page, or `totalHits` once a page came back short. */
  readonly nextToken: number;
  /** Milliseconds the engine spent (OpenSearch's `took`). */
  readonly elapsed: number;
  readonly hits: SearchHit[];
}

export interface SearchHit {
  /** The asset uuid. */
  readonly id: string;
  readonly score: number;
  readonly type: MediaType;
  /** Keyed by top-level field (`celeb`, `transcribe`, `basename`, `attributes`...). */
  readonly fields: Record<string, SearchHitField>;
}

export interface SearchHitField {
  /** Matching text with each matched word wrapped in `<em>`, at most five per field, without duplicates. */
  readonly highlights: string[];
  /** The matched values themselves; absent when none could be told apart from the highlights. */
  readonly hits?: SearchFieldHit[];
}

/**
 * What a matched value looks like, by the shape of the field: a whole entry (with its timecodes) for entry fields,
 * the string for a string field such as `basename`, and `{attribute: value}` for `attributes`.
 */
export type SearchFieldHit = SearchEntry | string | Readonly<Record<string, string>>;

export const HIGHLIGHT_PRE_TAG = '<em>';
export const HIGHLIGHT_POST_TAG = '</em>';
/** OpenSearch's highlighter defaults, which the original does not override. */
export const HIGHLIGHT_FRAGMENT_SIZE = 100;
export const HIGHLIGHT_FRAGMENTS_PER_FIELD = 5;

/**
 * The original's pagination: a full page (counted before hits without reportable fields are dropped) points at
 * the next one; a short page answers `totalHits`, which the web client reads as the end.
 */
export function nextToken(from: number, size: number, pageLength: number, totalHits: number): number {
  return pageLength >= size ? from + size : totalHits;
}
