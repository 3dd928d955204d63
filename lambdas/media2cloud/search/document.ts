/**
 * The document the search index holds per asset, laid out like the original's `content` OpenSearch index: a few
 * ingest fields, then one field per kind of text, each a list of `{name, timecodes}` entries.
 */

export const MEDIA_TYPES = ['audio', 'video', 'image', 'document'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** A span of the asset in milliseconds, as the original stores every timecode. */
export interface Timecode {
  readonly begin: number;
  readonly end: number;
}

/**
 * One searchable piece of text. A subtitle cue, a transcript segment, a detected celebrity (with every span it was
 * seen in), one page of a PDF, one keyword of an XMP packet. Entries of still images and documents have no
 * timecodes, as in the original.
 */
export interface SearchEntry {
  readonly name: string;
  readonly timecodes?: readonly Timecode[];
  /** Zero-based page, for document text (the original's `textract` entries carry it). */
  readonly page?: number;
  /** The Rekognition face id behind a `facematch` entry. */
  readonly faceId?: string;
  /** The Custom Labels model behind a `customlabel` entry. */
  readonly model?: string;
}

/**
 * The AI/ML fields of the original's index, under the original's names (its `Indexer.getAnalysisFields()`): the
 * mapping properties that have both `name` and `timecodes`. Dropped together when an asset's analysis is removed.
 */
export const ANALYSIS_FIELDS = [
  'celeb',
  'facematch',
  'face',
  'label',
  'customlabel',
  'moderation',
  'text',
  'transcribe',
  'entity',
  'customentity',
  'keyphrase',
  'sentiment',
  'textract',
  'caption',
] as const;
export type AnalysisField = (typeof ANALYSIS_FIELDS)[number];

/**
 * The analysis fields whose `name` the original's `content` mapping gives a `keyword` sub-field, so that its
 * `terms` aggregation on `<field>.name.keyword` counts names. `text`, `transcribe`, `textract` and `caption` are mapped
 * as text only: that sub-field does not exist for them, and OpenSearch answers an aggregation on it with no buckets.
 */
export const KEYWORD_NAME_FIELDS: readonly AnalysisField[] = ANALYSIS_FIELDS.filter(
  (field) => !['text', 'transcribe', 'textract', 'caption'].includes(field),
);

export function isAnalysisField(value: string): value is AnalysisField {
  return (ANALYSIS_FIELDS as readonly string[]).includes(value);
}

/**
 * Text mediaplane extracts without AI (the original indexes none of it): descriptive tags from EXIF, XMP and ID3,
 * sidecar subtitle cues (`.vtt`, `.srt`) and PDF page text. Kept apart from the analysis fields so that dropping
 * analysis results never drops them.
 */
export const METADATA_FIELDS = [
  'title',
  'description',
  'keywords',
  'artist',
  'album',
  'genre',
  'creator',
  'copyright',
  'comment',
  'subtitle',
  'pagetext',
] as const;
export type MetadataField = (typeof METADATA_FIELDS)[number];

export type EntryField = AnalysisField | MetadataField;
export const ENTRY_FIELDS: readonly EntryField[] = [...METADATA_FIELDS, ...ANALYSIS_FIELDS];

/**
 * Ingest fields a query is matched against. `type`, `key` and `bucket` match (the original's `query_string` runs
 * over every field) but are never reported in a hit (its `IGNORED_LIST`), so an asset matched only there counts in
 * `totalHits` without appearing in `hits`: a search for `video` counts every video.
 */
export const INGEST_TEXT_FIELDS = ['type', 'basename', 'key', 'bucket'] as const;
export const IGNORED_FIELDS: ReadonlySet<string> = new Set(['type', 'key', 'bucket']);

/** Every field a query is matched against, in the order hits report them. */
export const SEARCHABLE_FIELDS = [...INGEST_TEXT_FIELDS, 'attributes', ...ENTRY_FIELDS] as const;
export type SearchableField = (typeof SEARCHABLE_FIELDS)[number];

export interface IngestFields {
  readonly uuid: string;
  readonly type: MediaType;
  readonly basename?: string;
  readonly key?: string;
  readonly bucket?: string;
  readonly mime?: string;
  readonly md5?: string;
  readonly fileSize?: number;
  readonly duration?: number;
  readonly framerate?: number;
  /** Ingest time in epoch ms; the original sorts its index by it, newest first. */
  readonly timestamp?: number;
  readonly lastModified?: number;
  readonly group?: string;
  readonly status?: string;
  readonly overallStatus?: string;
  readonly executionArn?: string;
  /** The caller's own key/value pairs from the ingest request. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export type SearchDocument = IngestFields & { readonly [F in EntryField]?: readonly SearchEntry[] };

/** What an `update` may change: anything but the identity of the asset (the original's partial `update` body). */
export type SearchDocumentPatch = Partial<Omit<SearchDocument, 'uuid' | 'type'>>;

export function isMediaType(value: unknown): value is MediaType {
  return typeof value === 'string' && (MEDIA_TYPES as readonly string[]).includes(value);
}
