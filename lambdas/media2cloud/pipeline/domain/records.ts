import type { MediaType } from '../../search/document';
import type { AiOptions } from './ai-options';
import type { OverallStatus, StateStatus, Status } from './statuses';

export type { MediaType };

/** Where an asset's proxies and analysis results go: the proxy bucket and the asset's prefix (`<uuid>/<dir>/`). */
export interface Destination {
  readonly bucket: string;
  readonly prefix: string;
}

export interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
}

/** The original's output types: `aiml` (video/audio proxies for analysis), `proxy` (an image), `prod`. */
export type ProxyOutputType = 'aiml' | 'proxy' | 'prod';

/** One entry of the ingest record's `proxies`, as the original's `update-record` state lists them. */
export interface ProxyEntry {
  readonly key: string;
  readonly outputType: ProxyOutputType;
  readonly mime: string;
  /** The major type of `mime` (`video`, `audio`, `image`). */
  readonly type: string;
  readonly fileSize: number;
  readonly storageClass: string;
  readonly lastModified: number;
}

/** The original's `docinfo` (`numPages`, `fingerprint`), plus the PDF's own descriptive Info entries. */
export interface DocInfo {
  readonly numPages: number;
  /** pdf.js's first fingerprint: the hex of the trailer's first `/ID`, or the MD5 of the first 1024 bytes. */
  readonly fingerprint: string;
  readonly version?: string;
  readonly title?: string;
  readonly author?: string;
  readonly subject?: string;
  readonly keywords?: string;
  readonly creator?: string;
  readonly producer?: string;
  readonly encrypted?: boolean;
}

/** The item of the ingest table (partition key `uuid`), with the original's attribute names. */
export interface IngestRecord {
  readonly uuid: string;
  readonly schemaVersion?: number;
  readonly bucket?: string;
  readonly key?: string;
  readonly basename?: string;
  readonly md5?: string;
  readonly mime?: string;
  readonly type?: string;
  readonly timestamp?: number;
  readonly fileSize?: number;
  readonly storageClass?: string;
  readonly lastModified?: number;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly group?: string;
  readonly aiOptions?: AiOptions;
  readonly status?: Status;
  readonly overallStatus?: OverallStatus;
  readonly executionArn?: string;
  readonly destination?: Destination;
  /** Keys of the MediaInfo report in the proxy bucket. */
  readonly mediainfo?: readonly string[];
  readonly duration?: number;
  readonly framerate?: number;
  /** Key of the image metadata report in the proxy bucket. */
  readonly imageinfo?: string;
  readonly docinfo?: DocInfo;
  readonly proxies?: readonly ProxyEntry[];
  /** The analysis record types (`video`, `audio`, `image`, `document`) written for the asset. */
  readonly analysis?: readonly string[];
  readonly errorMessage?: string;
  readonly [field: string]: unknown;
}

/** The item of the analysis table (partition key `uuid`, sort key `type`): one per analysis category. */
export interface AnalysisRecord {
  readonly uuid: string;
  readonly type: MediaType;
  readonly status: StateStatus;
  readonly startTime: number;
  readonly endTime: number;
  readonly executionArn?: string;
  /** One entry per analyzer that ran, keyed by analyzer id (`subtitle`, `pagetext`, `tags`, ...). */
  readonly [analyzer: string]: unknown;
}
