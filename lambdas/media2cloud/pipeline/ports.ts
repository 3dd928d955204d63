import type { SearchDocument, SearchDocumentPatch } from '../search/document';
import type { AiOptions } from './domain/ai-options';
import type { AnalysisTable } from '../tables/analysis';
import type { IngestTable } from '../tables/ingest';
import type { DocInfo, ObjectLocation } from './domain/records';
import type { MediaTools } from '../../shared/media/tools';
import type { MediaDescriber } from './media/mediainfo';
import type { RekognitionVision } from '../../shared/ai/rekognition';
import type { TranscribeSpeech } from '../../shared/ai/transcribe';
import type { ComprehendLanguage } from '../../shared/ai/comprehend';
import type { TextractDocuments } from '../../shared/ai/textract';
import type { MediaConvertTranscoder } from '../../shared/ai/mediaconvert';

/** The ingest table (partition key `uuid`), as the pipeline uses it. */
export type IngestRecordStore = Pick<IngestTable, 'get' | 'upsert' | 'update' | 'delete'>;

/** The analysis table (partition key `uuid`, sort key `type`), as the pipeline uses it. */
export type AnalysisRecordStore = Pick<AnalysisTable, 'merge' | 'list' | 'deleteAll'>;

export interface ObjectHead {
  readonly size: number;
  readonly lastModified: number;
  readonly storageClass: string;
  readonly contentType?: string;
  readonly etag?: string;
  readonly serverSideEncryption?: string;
  /** User metadata (`x-amz-meta-*`), names lower-cased without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly lastModified: number;
  readonly storageClass: string;
}

/** S3 as the pipeline uses it: media is streamed or read in ranges, never held whole in memory. */
export interface ObjectStore {
  /** `undefined` when the object does not exist. */
  head(location: ObjectLocation): Promise<ObjectHead | undefined>;
  readRange(location: ObjectLocation, offset: number, length: number): Promise<Uint8Array>;
  /** The object's bytes as a stream of chunks. */
  stream(location: ObjectLocation): AsyncIterable<Uint8Array>;
  /** Streams the object into a local file. */
  download(location: ObjectLocation, filePath: string): Promise<void>;
  /** Streams a local file into the object. */
  uploadFile(location: ObjectLocation, filePath: string, contentType: string): Promise<void>;
  putText(location: ObjectLocation, body: string, contentType: string): Promise<void>;
  /** `undefined` when the object does not exist. */
  getText(location: ObjectLocation): Promise<string | undefined>;
  /** Every object under the prefix, across pages. */
  list(bucket: string, prefix: string): Promise<ObjectSummary[]>;
  deleteKeys(bucket: string, keys: readonly string[]): Promise<void>;
  /** A time-limited GET URL, for tools that read media over HTTP with range requests. */
  presignGet(location: ObjectLocation, expiresInSeconds: number): Promise<string>;
}

export interface StatusUpdate {
  readonly status?: string;
  readonly overallStatus?: string;
}

/**
 * The `content` search index. `update`, `updateStatus` and `dropAnalysisFields` reject with
 * `SearchDocumentMissingError` when the asset has no document.
 */
export interface SearchIndexPort {
  /** Adds or replaces the asset's whole document. */
  index(document: SearchDocument): Promise<void>;
  /** Merges fields into the asset's document (OpenSearch partial `update`). */
  update(uuid: string, patch: SearchDocumentPatch): Promise<void>;
  updateStatus(uuid: string, status: StatusUpdate): Promise<void>;
  /** `false` when the asset had no document. */
  remove(uuid: string): Promise<boolean>;
  /** Drops every AI/ML field of the document (the analysis is being re-run). */
  dropAnalysisFields(uuid: string): Promise<void>;
}

export interface StartedExecution {
  readonly executionArn: string;
  readonly startDate: Date;
}

/** Step Functions as the pipeline drives it. */
export interface ExecutionControl {
  start(stateMachineArn: string, input: unknown): Promise<StartedExecution>;
  /** Stops a running execution; an execution that already ended or never existed is left alone. */
  stop(executionArn: string, cause: string): Promise<'stopped' | 'not-running'>;
}

/** The pipeline's own settings, from the function's environment (see `catalog.ts`). */
export interface PipelineConfig {
  readonly ingestBucket: string;
  readonly proxyBucket: string;
  /** `DEFAULT_AI_OPTIONS`, resolved. */
  readonly defaultAiOptions: AiOptions;
  readonly mainStateMachineArn: string;
  /** The role MediaConvert reads the ingest bucket and writes the proxy bucket with (`MEDIACONVERT_ROLE_ARN`). */
  readonly mediaConvertRoleArn: string;
}

/** MediaConvert as ingest uses it: jobs are submitted, and their end comes back as an EventBridge event. */
export type TranscodeJobs = Pick<MediaConvertTranscoder, 'submit'>;

/** The callbacks of a task waiting with `.waitForTaskToken`. */
export interface TaskCallbacks {
  /** Ends the waiting task with `output` as its result; `false` when the task is no longer waiting. */
  succeed(token: string, output: unknown): Promise<boolean>;
  /** Fails the waiting task; `false` when the task is no longer waiting. */
  fail(token: string, error: string, cause: string): Promise<boolean>;
}

/** A file's bytes by offset, so parsers can read what they need of a large file. */
export interface RandomAccess {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A private scratch directory in `/tmp` for one invocation, removed afterwards. */
export type ScratchSpace = <T>(work: (directory: string) => Promise<T>) => Promise<T>;

/** Renders a PDF's pages to images (the document proxies). */
export interface PdfPageRenderer {
  /** Writes one PNG per page into `outputDir`, in page order, and returns their paths. */
  render(pdfFile: string, outputDir: string): Promise<string[]>;
}

/** Reads a PDF's metadata and text. */
export interface PdfReader {
  /** Page count, fingerprint, version and Info entries; rejects a file that is not a PDF it can read. */
  docinfo(pdfFile: string): Promise<DocInfo>;
  /** The text of every page, in page order: lines joined with `\n`, empty for a page without text. */
  pageTexts(pdfFile: string): Promise<string[]>;
}

/**
 * The AWS AI services the analyzers call, through the shared adapters (`lambdas/shared/ai`), as far as they use them.
 * Only the RunAnalyzer function carries them.
 */
export interface AiServices {
  readonly vision: Pick<
    RekognitionVision,
    | 'detectLabels'
    | 'detectFaces'
    | 'recognizeCelebrities'
    | 'detectModerationLabels'
    | 'detectText'
    | 'searchFacesByImage'
    | 'imageAnalysisResponse'
    | 'startVideoAnalysis'
    | 'getVideoAnalysis'
    | 'getVideoAnalysisPage'
  >;
  readonly speech: Pick<TranscribeSpeech, 'startTranscription' | 'getTranscription'>;
  readonly language: Pick<ComprehendLanguage, 'batchDetectKeyPhrases' | 'batchDetectEntities' | 'detectSentiment'>;
  readonly documents: Pick<TextractDocuments, 'detectText'>;
}

/** Everything the pipeline's functions use from outside; tests replace any part. */
export interface PipelineDependencies {
  readonly config: PipelineConfig;
  readonly records: IngestRecordStore;
  readonly analyses: AnalysisRecordStore;
  readonly objects: ObjectStore;
  readonly search: SearchIndexPort;
  readonly executions: ExecutionControl;
  readonly tools: MediaTools;
  /** MediaInfoLib, reading by ranges. */
  readonly describeMedia: MediaDescriber;
  readonly scratch: ScratchSpace;
  readonly now: () => number;
  /** Only the RunDocinfo function carries the renderer (pdf.js and a native canvas); elsewhere it refuses. */
  readonly pdfPages: PdfPageRenderer;
  /** Only the RunDocinfo and RunAnalyzer functions carry pdf.js; elsewhere it refuses. */
  readonly pdfReader: PdfReader;
  /** Only the RunAnalyzer function carries the AI adapters; elsewhere they refuse. */
  readonly ai: AiServices;
  /** Only the StartTranscode function carries the MediaConvert adapter; elsewhere it refuses. */
  readonly transcoder: TranscodeJobs;
  readonly tasks: TaskCallbacks;
}
