/** The original's `overallStatus` values: what a client polls to know whether an asset is done. */
export const OverallStatus = {
  Processing: 'PROCESSING',
  Completed: 'COMPLETED',
  Error: 'ERROR',
} as const;
export type OverallStatus = (typeof OverallStatus)[keyof typeof OverallStatus];

/** The original's workflow `status` values, in the order an asset goes through them. */
export const Status = {
  IngestStarted: 'INGEST_STARTED',
  IngestCompleted: 'INGEST_COMPLETED',
  IngestError: 'INGEST_ERROR',
  AnalysisStarted: 'ANALYSIS_STARTED',
  AnalysisCompleted: 'ANALYSIS_COMPLETED',
  AnalysisError: 'ANALYSIS_ERROR',
} as const;
export type Status = (typeof Status)[keyof typeof Status];

/** The original's internal state statuses, used in analysis records and API answers. */
export const StateStatus = {
  Started: 'STARTED',
  Completed: 'COMPLETED',
  NoData: 'NO_DATA',
  Removed: 'REMOVED',
} as const;
export type StateStatus = (typeof StateStatus)[keyof typeof StateStatus];
