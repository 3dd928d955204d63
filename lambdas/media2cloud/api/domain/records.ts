/**
 * What the API reads and writes, in the original's field names. Records are open: the pipeline adds fields
 * (`mediainfo`, `proxies`, `analysis`, `duration`...) that the API returns untouched.
 */

/** The statuses the original's `StateData.Statuses` gives the API's answers and the first ingest record. */
export const Statuses = {
  Started: 'STARTED',
  Removed: 'REMOVED',
  Error: 'ERROR',
  IngestStarted: 'INGEST_STARTED',
  AnalysisStarted: 'ANALYSIS_STARTED',
  Processing: 'PROCESSING',
} as const;

/** Analysis switches and settings (`celeb`, `label`, `framebased`, `frameCaptureMode`, `filters`...). */
export type AiOptions = Readonly<Record<string, unknown>>;

export interface Destination {
  readonly bucket: string;
  readonly prefix: string;
}

/** The fields `POST /assets` writes before the pipeline starts, as the original's first ingest state writes them. */
export interface IngestStart {
  readonly uuid: string;
  readonly bucket: string;
  readonly key: string;
  readonly basename: string;
  readonly md5?: string;
  readonly mime: string;
  readonly type: string;
  readonly fileSize: number;
  readonly storageClass: string;
  readonly lastModified: number;
  readonly timestamp: number;
  readonly schemaVersion: number;
  readonly group?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly aiOptions?: AiOptions;
  readonly status: typeof Statuses.IngestStarted;
  readonly overallStatus: typeof Statuses.Processing;
  readonly destination: Destination;
}

export interface StartedExecution {
  readonly executionArn: string;
  readonly startDate: Date;
}
