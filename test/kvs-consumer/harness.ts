import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, GetDataEndpointCommand, KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { KinesisVideoMediaClient } from '@aws-sdk/client-kinesis-video-media';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Archive } from '../../lambdas/kvs-consumer/adapters/s3-archive';
import { StreamTable } from '../../lambdas/kvs-consumer/tables/streams';
import { KinesisVideoMediaSource } from '../../lambdas/kvs-consumer/adapters/kvs-media';
import {
  DEFAULT_SETTINGS,
  type ConsumerDependencies,
  type ConsumerSettings,
} from '../../lambdas/kvs-consumer/domain/consumer';
import type { ClipSink, ConsumerMetrics, FinishedClip, MetricName } from '../../lambdas/kvs-consumer/domain/ports';
import type { AddressInfo } from 'node:net';
import { startS3, type RunningEngine } from '../../lib/local/engines';
import { LocalKinesisVideoServer } from '../../lib/local/kinesisvideo/server';
import type { KinesisVideoLimits } from '../../lib/local/kinesisvideo/service';
import { producerStream, type ProducerSource } from '../../lib/kvs/producer';
import { putMedia, type PutMediaAck } from '../../lib/kvs/put-media';

export const REGION = 'us-east-1';
export const credentials = { accessKeyId: 'AKIDKVSTEST000000000', secretAccessKey: 'kvs-test-secret' };

/** Counts what the consumer reports, for assertions. */
export class RecordingMetrics implements ConsumerMetrics {
  readonly counts = new Map<string, number>();
  readonly gaps: number[] = [];
  readonly behind: number[] = [];
  fragment(_stream: string, values: { bytes: number; millisBehindNow?: number; gapMs: number }): void {
    this.add('FragmentsArchived', 1);
    if (values.gapMs > 0) this.gaps.push(values.gapMs);
    if (values.millisBehindNow !== undefined) this.behind.push(values.millisBehindNow);
  }
  count(_stream: string, name: MetricName, value = 1): void {
    this.add(name, value);
  }
  flush(): void {}
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
  private add(name: string, value: number) {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
}

export class RecordingClips implements ClipSink {
  readonly clips: FinishedClip[] = [];
  async deliver(clip: FinishedClip): Promise<void> {
    this.clips.push(clip);
  }
}

/**
 * The KVS stand-in, DynamoDB and S3 engines on free ports, with the consumer's real adapters pointed at them: the
 * consumer runs in this process, against real HTTP and real SDK clients.
 */
export class KvsHarness {
  readonly table = 'kvs-streams';
  readonly bucket = 'kvs-archive';
  kvs!: LocalKinesisVideoServer;
  control!: KinesisVideoClient;
  s3!: S3Client;
  db!: DynamoDBDocumentClient;
  store!: StreamTable;
  private engines: RunningEngine[] = [];
  private dir = '';

  static async start(limits?: Partial<KinesisVideoLimits>): Promise<KvsHarness> {
    const harness = new KvsHarness();
    harness.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-harness-'));
    const lookupSecret = (id: string) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined);
    harness.kvs = await LocalKinesisVideoServer.start(
      { directory: path.join(harness.dir, 'kvs'), region: REGION, accountId: '000000000000', lookupSecret, limits },
      0,
    );
    const dynamo = await startDynalite();
    const s3 = await startS3(path.join(harness.dir, 's3'), 0, credentials);
    harness.engines.push(dynamo, s3);
    harness.control = new KinesisVideoClient({ region: REGION, endpoint: harness.kvs.endpoint, credentials });
    harness.s3 = new S3Client({ region: REGION, endpoint: s3.endpoint, credentials, forcePathStyle: true });
    const dynamoClient = new DynamoDBClient({ region: REGION, endpoint: dynamo.endpoint, credentials });
    harness.db = DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } });
    await dynamoClient.send(
      new CreateTableCommand({
        TableName: harness.table,
        KeySchema: [{ AttributeName: 'streamName', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'streamName', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await harness.s3.send(new CreateBucketCommand({ Bucket: harness.bucket }));
    harness.store = new StreamTable(harness.db, harness.table);
    return harness;
  }

  async createStream(name: string): Promise<void> {
    await this.control.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 24 }));
  }

  /** Feeds a stream from ffmpeg's test source through PutMedia, as fast as it can. */
  async put(streamName: string, source: Partial<ProducerSource> = {}): Promise<PutMediaAck[]> {
    const { DataEndpoint } = await this.control.send(
      new GetDataEndpointCommand({ StreamName: streamName, APIName: 'PUT_MEDIA' }),
    );
    return putMedia({
      dataEndpoint: DataEndpoint as string,
      streamName,
      region: REGION,
      credentials,
      body: producerStream({
        input: 'testsrc',
        durationSeconds: 12,
        fragmentSeconds: 1,
        speed: 0,
        testsrc: { width: 160, height: 120, fps: 10 },
        ...source,
      }),
    });
  }

  deps(
    overrides: Partial<ConsumerDependencies> = {},
  ): ConsumerDependencies & { metrics: RecordingMetrics; clips: RecordingClips } {
    const metrics = new RecordingMetrics();
    const clips = new RecordingClips();
    return {
      media: new KinesisVideoMediaSource(
        this.control,
        (endpoint) => new KinesisVideoMediaClient({ region: REGION, endpoint, credentials, maxAttempts: 1 }),
      ),
      store: this.store,
      archive: new S3Archive(this.s3, this.bucket),
      clips,
      metrics,
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
      log: { info: () => {}, warn: () => {} },
      ...overrides,
    } as ConsumerDependencies & { metrics: RecordingMetrics; clips: RecordingClips };
  }

  settings(overrides: Partial<ConsumerSettings> = {}): ConsumerSettings {
    return { ...DEFAULT_SETTINGS, stallTimeoutMs: 5000, ...overrides };
  }

  async archivedKeys(prefix = 'fragments/'): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key as string));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  async stop(): Promise<void> {
    await this.kvs.close();
    this.control.destroy();
    this.s3.destroy();
    for (const engine of this.engines.reverse()) await engine.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** dynalite in memory on a free port: the consumer's table needs nothing more. */
async function startDynalite(): Promise<RunningEngine> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => import('node:http').Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
