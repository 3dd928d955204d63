import type { CustomizationCatalog } from './customizations';
import type { SearchEngine } from '../../search';
import type { AnalysisTable } from '../../tables/analysis';
import type { IngestTable } from '../../tables/ingest';
import type { ConsolePorts } from './console-ports';
import type { FaceIndexerPorts } from './face-indexer';
import type { AiOptions, StartedExecution } from './records';

/**
 * What the API needs from the services around it, in its own words. Its tables are the `Pick<>`s of their one
 * adapter each (`../../tables/`) that the API uses; adapters implement the rest on S3, Step Functions, Lambda and
 * OpenSearch; tests put recording fakes where a call would leave the process.
 */

export type IngestStore = Pick<
  IngestTable,
  | 'get'
  | 'listIndex'
  | 'begin'
  | 'restore'
  | 'recordRun'
  | 'dropAnalysis'
  | 'claimRun'
  | 'restoreStatuses'
  | 'summaries'
>;

export type AnalysisStore = Pick<AnalysisTable, 'list' | 'deleteAll'>;

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

export interface Media2CloudPorts extends ConsolePorts, Omit<FaceIndexerPorts, 'now'> {
  readonly ingest: IngestStore;
  readonly analysis: AnalysisStore;
  readonly objects: SourceObjects;
  readonly stateMachines: StateMachines;
  readonly removal: AssetRemoval;
  readonly search: SearchPort;
  readonly customizations: CustomizationCatalog;
}

export interface Media2CloudDependencies extends Media2CloudPorts {
  readonly settings: Media2CloudSettings;
  readonly now: () => number;
  readonly newUuid: () => string;
}
