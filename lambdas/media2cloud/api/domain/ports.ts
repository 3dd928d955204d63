import type { SearchEngine } from '../../search';
import type { SecondaryIndex } from '../tables';
import type {
  AiOptions,
  AnalysisRecord,
  IndexEntry,
  IndexKey,
  IngestRecord,
  IngestStart,
  StartedExecution,
} from './records';

/**
 * What the API needs from the services around it, in its own words. The adapters implement these on DynamoDB, S3,
 * Step Functions, Lambda and OpenSearch; tests put recording fakes where a call would leave the process.
 */

/** Whether `begin` wrote the record, and what it held before (undefined for a new asset). */
export type BeginIngestResult =
  { readonly accepted: true; readonly previous: IngestRecord | undefined } | { readonly accepted: false };

export interface AssetRun {
  readonly executionArn: string;
  readonly aiOptions?: AiOptions;
}

export interface IngestStore {
  get(uuid: string): Promise<IngestRecord | undefined>;
  /**
   * Entries of one index partition, newest first, starting after `startKey`: at most `limit`, fewer only when the
   * partition has no more.
   */
  listIndex(index: SecondaryIndex, value: string | number, limit: number, startKey?: IndexKey): Promise<IndexEntry[]>;
  /**
   * Writes the first ingest fields over the record, keeping the others (a re-ingest keeps proxies and analysis as
   * the original's merge does). Refused when the uuid holds an asset with another key.
   */
  begin(start: IngestStart): Promise<BeginIngestResult>;
  /** Puts back what `begin` replaced: the previous record, or nothing at all for a new asset. */
  restore(uuid: string, previous: IngestRecord | undefined): Promise<void>;
  /** Records the execution now working on the asset (and the options it runs with); `false` when it is gone. */
  recordRun(uuid: string, run: AssetRun): Promise<boolean>;
  /** Removes the `analysis` list (the media types with current results); `false` when the asset does not exist. */
  dropAnalysis(uuid: string): Promise<boolean>;
  /** Sets `status`, `overallStatus` and `errorMessage` (removed when not given); `false` when the asset is gone. */
  setStatus(uuid: string, statuses: AssetStatuses): Promise<boolean>;
}

export interface AssetStatuses {
  readonly status: string;
  readonly overallStatus: string;
  readonly errorMessage?: string;
}

export interface AnalysisStore {
  /** Every analysis record of the asset, in sort-key order. */
  list(uuid: string): Promise<AnalysisRecord[]>;
  deleteAll(uuid: string): Promise<void>;
}

export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
}

/** What S3's HeadObject tells about a source object. */
export interface SourceObject {
  readonly contentLength: number;
  readonly lastModified: number;
  readonly storageClass: string;
  readonly etag?: string;
  readonly serverSideEncryption?: string;
  /** User metadata (`x-amz-meta-*`), names in lower case. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface SourceObjects {
  /** The object's properties, `'missing'` when there is none, `'denied'` when the function may not read it. */
  head(ref: ObjectRef): Promise<SourceObject | 'missing' | 'denied'>;
  readText(ref: ObjectRef): Promise<string>;
}

export interface StateMachines {
  start(stateMachineArn: string, input: unknown): Promise<StartedExecution>;
}

/** What the removal function receives: the asset and, if it has one, the execution to stop first. */
export interface RemovalRequest {
  readonly uuid: string;
  readonly executionArn?: string;
}

export interface AssetRemoval {
  /** Queues the removal and returns at once; the work happens in the removal function. */
  request(removal: RemovalRequest): Promise<void>;
}

/** The search index: `/search` queries, and the asset's analysis fields dropped with its analysis. */
export interface SearchPort extends SearchEngine {
  dropAnalysisFields(uuid: string): void | Promise<void>;
}

export interface Media2CloudSettings {
  readonly ingestBucket: string;
  readonly proxyBucket: string;
  readonly mainStateMachineArn: string;
  readonly analysisStateMachineArn: string;
  /** `POST /analysis` falls back to these for an asset recorded without any (ingest leaves it to the pipeline). */
  readonly defaultAiOptions: AiOptions;
}

export interface Media2CloudPorts {
  readonly ingest: IngestStore;
  readonly analysis: AnalysisStore;
  readonly objects: SourceObjects;
  readonly stateMachines: StateMachines;
  readonly removal: AssetRemoval;
  readonly search: SearchPort;
}

export interface Media2CloudDependencies extends Media2CloudPorts {
  readonly settings: Media2CloudSettings;
  readonly now: () => number;
  readonly newUuid: () => string;
}
