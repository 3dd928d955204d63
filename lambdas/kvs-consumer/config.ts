/** The consumer function's settings, from its environment (set by the KvsConsumer stack). */
export interface ConsumerConfig {
  readonly streamTableName: string;
  readonly archiveBucket: string;
  /** Media2Cloud's ingest bucket, for clips handed to Media2Cloud. */
  readonly media2CloudIngestBucket?: string;
  /** Media Insights' dataplane bucket and workflow API (ends with `/api/`), for clips handed to a workflow. */
  readonly mediaInsightsBucket?: string;
  readonly mediaInsightsWorkflowApi?: string;
  readonly metricsNamespace: string;
  /** Stop reading this long before the Lambda deadline, to finish the fragment in hand and checkpoint it. */
  readonly stopBeforeDeadlineMs: number;
  /** How long the state machine waits after a caught-up invocation. */
  readonly pollSeconds: number;
}

export function consumerConfig(env: NodeJS.ProcessEnv = process.env): ConsumerConfig {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`Missing environment variable ${name}`);
    return value;
  };
  return {
    streamTableName: required('STREAM_TABLE_NAME'),
    archiveBucket: required('ARCHIVE_BUCKET'),
    ...(env.M2C_INGEST_BUCKET ? { media2CloudIngestBucket: env.M2C_INGEST_BUCKET } : {}),
    ...(env.MIE_DATAPLANE_BUCKET ? { mediaInsightsBucket: env.MIE_DATAPLANE_BUCKET } : {}),
    ...(env.MIE_WORKFLOW_API ? { mediaInsightsWorkflowApi: env.MIE_WORKFLOW_API } : {}),
    metricsNamespace: env.METRICS_NAMESPACE ?? 'Mediaplane/KvsConsumer',
    stopBeforeDeadlineMs: Number(env.STOP_BEFORE_DEADLINE_MS ?? 30_000),
    pollSeconds: Number(env.POLL_SECONDS ?? 10),
  };
}
