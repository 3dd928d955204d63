import type { Logger } from '../../shared/logging';
import type { ConsumerConfig } from '../config';
import type { ConsumerDependencies } from '../domain/consumer';
import { ClipRouter, Media2CloudIngestSink, MediaInsightsWorkflowSink } from './clip-sinks';
import { kinesisVideoClient, mediaClient, s3Client } from '../clients';
import { documentClient } from '../tables/document-client';
import { StreamTable } from '../tables/streams';
import { EmbeddedMetrics } from './emf-metrics';
import { KinesisVideoMediaSource } from './kvs-media';
import { S3Archive } from './s3-archive';

/** The consumer's adapters, created once per container (the media source keeps its endpoint cache across calls). */
export function awsDependencies(config: ConsumerConfig, logger: Logger): ConsumerDependencies {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return {
    media: new KinesisVideoMediaSource(kinesisVideoClient, mediaClient),
    store: new StreamTable(documentClient, config.streamTableName),
    archive: new S3Archive(s3Client, config.archiveBucket),
    clips: new ClipRouter({
      ...(config.media2CloudIngestBucket
        ? { media2cloud: new Media2CloudIngestSink(s3Client, config.media2CloudIngestBucket) }
        : {}),
      ...(config.mediaInsightsBucket && config.mediaInsightsWorkflowApi
        ? {
            mediaInsights: new MediaInsightsWorkflowSink(
              s3Client,
              config.mediaInsightsBucket,
              config.mediaInsightsWorkflowApi,
              region,
              () => s3Client.config.credentials(),
            ),
          }
        : {}),
    }),
    metrics: new EmbeddedMetrics(config.metricsNamespace),
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    log: {
      info: (message, details) => logger.info(message, details ?? {}),
      warn: (message, details) => logger.warn(message, details ?? {}),
    },
  };
}
