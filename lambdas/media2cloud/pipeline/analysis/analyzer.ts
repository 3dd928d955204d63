import type { SearchDocumentPatch } from '../../search/document';
import type { AiOptions, AiService } from '../domain/ai-options';
import type { Destination, DocInfo, MediaType, ProxyEntry } from '../domain/records';
import type { StateStatus } from '../domain/statuses';
import type { PipelineDependencies } from '../ports';

/** What an analyzer knows of the asset: the ingest record's fields `prepare-analysis` passes on. */
export interface AnalysisAsset {
  readonly uuid: string;
  readonly type: MediaType;
  readonly bucket: string;
  readonly key: string;
  readonly mime?: string;
  readonly destination: Destination;
  readonly duration?: number;
  readonly framerate?: number;
  readonly mediainfo?: readonly string[];
  readonly imageinfo?: string;
  readonly docinfo?: DocInfo;
  readonly proxies?: readonly ProxyEntry[];
}

export interface AnalyzerContext {
  readonly asset: AnalysisAsset;
  readonly aiOptions: AiOptions;
  /** When analysis was requested: names the `raw/<YYYYMMDDThhmmss>/` folder of this run. */
  readonly requestTime: number;
  /** For an analyzer that runs `after` another: the results of the first round. */
  readonly previous?: readonly PreviousResult[];
}

/** What a follow-up analyzer sees of a first-round result. */
export interface PreviousResult {
  readonly analyzer: string;
  readonly status: string;
  readonly output: Readonly<Record<string, unknown>>;
}

export type AnalyzerDependencies = Pick<
  PipelineDependencies,
  'objects' | 'search' | 'tools' | 'scratch' | 'now' | 'pdfReader' | 'ai' | 'faceNames'
>;

/** An analyzer's result, for its entry in the analysis record. */
export interface AnalyzerOutcome {
  readonly status: typeof StateStatus.Completed | typeof StateStatus.NoData;
  /** Written under the analyzer's id in the analysis record (keys of its outputs, counts, times). */
  readonly output: Readonly<Record<string, unknown>>;
  /** Fields it added to the search document (already written), for the record of what was indexed. */
  readonly indexed?: readonly (keyof SearchDocumentPatch)[];
}

/**
 * One kind of analysis: mediaplane's own (subtitles, page text, tags, no AI service) or one of the original's AWS AI
 * analyses (Rekognition video and image, Transcribe, Comprehend, Textract). An analyzer that waits for a service's
 * job polls it within its invocation.
 */
export interface Analyzer {
  /** Its name in `aiOptions`-free terms: the key of its results in the analysis record. */
  readonly id: string;
  /** The AI service it calls, or `none`. */
  readonly service: AiService | 'none';
  /** The `aiOptions` that turn it on (any one of them). */
  readonly options: readonly string[];
  readonly mediaTypes: readonly MediaType[];
  /** Whether this deployment can run it. */
  readonly available: boolean;
  /** The analysis record (`type` sort key) its results go to. */
  category(asset: AnalysisAsset): MediaType;
  /** The attribute of the analysis record its output is written under. @default its id */
  readonly recordKey?: string;
  /**
   * The analyzer whose results it reads (Comprehend reads the transcript): it runs in the second round, and only when
   * that one is planned too. @default - first round
   */
  readonly after?: string;
  run(context: AnalyzerContext, deps: AnalyzerDependencies): Promise<AnalyzerOutcome>;
}
