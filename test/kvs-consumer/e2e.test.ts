import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { PROJECT_ROOT } from '../../lib/project-root';
import { apiClient, startTestLocalMode, type TestLocalMode } from '../support/local';
import { mediaTools } from '../../lambdas/shared/media/tools';
import { turnOffAiAnalysis } from '../media2cloud/pipeline/fixtures';

const run = promisify(execFile);
const FFPROBE = mediaTools().ffprobe;
const STREAM = 'e2e-camera';
/** The issue's minute is in `npm run bench -- kvs`; here 12 s keep the suite quick, the path is the same. */
const FEED_MS = 12_000;
const FPS = 25;

/**
 * The KVS consumer end to end through local mode: `npm run kvs:put` feeds test pattern through PutMedia
 * (faster than real time), the KvsConsumer state machine runs the consumer function on the Kinesis Video stand-in,
 * and its clips become Media2Cloud assets through Media2Cloud's own ingest bucket.
 */
describe('KVS consumer through local mode', () => {
  let env: TestLocalMode;
  let s3: S3Client;
  let sfn: SFNClient;
  let outputs: Record<string, Record<string, string>>;

  beforeAll(async () => {
    env = await startTestLocalMode();
    outputs = env.local.outputs;
    const client = { region: env.local.region, credentials: env.local.credentials };
    s3 = new S3Client({ ...client, endpoint: outputs.Local?.S3Endpoint, forcePathStyle: true });
    sfn = new SFNClient({ ...client, endpoint: outputs.Local?.StepFunctionsEndpoint });
  });

  afterAll(async () => {
    s3?.destroy();
    sfn?.destroy();
    await env?.stop();
  });

  it('turns a stream fed by kvs:put into Media2Cloud assets whose clips play end to end and cover it', async () => {
    // Prepare: 12 s of 25 fps test pattern with a tone, 2 s fragments; the clips' ingest without AI analysis.
    await turnOffAiAnalysis(s3, outputs.Media2Cloud?.ProxyBucket as string);
    await feed(STREAM, FEED_MS);

    // Act: start the consumer loop for the stream, clips of 6 s to Media2Cloud.
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: outputs.KvsConsumer?.ConsumerStateMachineArn,
        input: JSON.stringify({
          config: { streamName: STREAM, startSelector: 'EARLIEST', clipSeconds: 6, clipTarget: 'media2cloud' },
        }),
      }),
    );
    const ingestBucket = outputs.Media2Cloud?.IngestBucket as string;
    const clips = await waitFor(async () => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: ingestBucket, Prefix: `kvs/${STREAM}/` }));
      const keys = (listed.Contents ?? []).map((object) => object.Key as string).sort();
      const heads = await Promise.all(
        keys.map(async (key) => ({
          key,
          head: await s3.send(new HeadObjectCommand({ Bucket: ingestBucket, Key: key })),
        })),
      );
      const covered = heads.reduce(
        (sum, { head }) => sum + Number(head.Metadata?.['kvs-end-ms']) - Number(head.Metadata?.['kvs-start-ms']),
        0,
      );
      return covered >= FEED_MS - 100 ? heads : undefined;
    }, 120_000);
    await sfn.send(new StopExecutionCommand({ executionArn }));

    // Assess: contiguous clips covering what was fed, each a whole playable file…
    const spans = clips.map(({ head }) => ({
      start: Number(head.Metadata?.['kvs-start-ms']),
      end: Number(head.Metadata?.['kvs-end-ms']),
      uuid: head.Metadata?.uuid as string,
    }));
    for (let i = 1; i < spans.length; i++) expect(spans[i]?.start).toBe(spans[i - 1]?.end);
    expect((spans[spans.length - 1]?.end as number) - (spans[0]?.start as number)).toBeGreaterThanOrEqual(
      FEED_MS - 100,
    );
    expect((spans[spans.length - 1]?.end as number) - (spans[0]?.start as number)).toBeLessThanOrEqual(FEED_MS + 100);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-e2e-'));
    let videoFrames = 0;
    try {
      for (const { key } of clips) {
        const object = await s3.send(new GetObjectCommand({ Bucket: ingestBucket, Key: key }));
        const file = path.join(dir, path.basename(key));
        fs.writeFileSync(
          file,
          Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
        );
        const probe = JSON.parse(
          (
            await run(FFPROBE, [
              '-v',
              'error',
              '-count_frames',
              '-show_entries',
              'stream=codec_type,nb_read_frames:format=duration,start_time',
              '-of',
              'json',
              file,
            ])
          ).stdout,
        ) as {
          streams: Array<{ codec_type: string; nb_read_frames: string }>;
          format: { duration: string; start_time: string };
        };
        const video = probe.streams.find((stream) => stream.codec_type === 'video');
        // Timecodes count from the clip's first cluster; its first audio and video frames sit within a frame of it.
        expect(Math.abs(Number(probe.format.start_time))).toBeLessThanOrEqual(0.1);
        const span = spans.find((candidate) => key.includes(`-${String(candidate.start).padStart(13, '0')}-`));
        expect(Number(probe.format.duration) * 1000).toBeCloseTo((span?.end ?? 0) - (span?.start ?? 0), -1);
        videoFrames += Number(video?.nb_read_frames);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // …and every frame fed is in exactly one clip.
    expect(videoFrames).toBe((FEED_MS / 1000) * FPS);

    // Each clip is a Media2Cloud asset that its pipeline ingested.
    const api = apiClient(`${outputs.Media2Cloud?.ApiEndpoint}/`, env.local.credentials);
    for (const { uuid } of spans) {
      const asset = await waitFor(async () => {
        const response = await api.get(`assets/${uuid}`);
        const body = response.status === 200 ? response.json() : undefined;
        return body && ['COMPLETED', 'ERROR'].includes(body.overallStatus) ? body : undefined;
      }, 180_000);
      expect(asset.overallStatus).toBe('COMPLETED');
      expect(asset.type).toBe('video');
    }

    // The checkpoint holds the last fragment, its number a string of about 47 digits.
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: env.local.region,
        credentials: env.local.credentials,
        endpoint: outputs.Local?.DynamoDbEndpoint,
      }),
    );
    const { Item } = await db.send(
      new GetCommand({ TableName: outputs.KvsConsumer?.StreamTable, Key: { streamName: STREAM } }),
    );
    expect(Item?.lastFragmentNumber).toMatch(/^\d{40,}$/);
    expect(Item?.pendingClip).toBeUndefined();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('ABORTED');
  }, 300_000);

  it('hands each clip of a stream to a Media Insights workflow that runs it to Complete', async () => {
    // Prepare: a workflow of one real operator, and 6 s of stream cut into clips of one 2 s fragment each.
    const stream = 'e2e-mie-camera';
    const feedMs = 6_000;
    const workflowApi = apiClient(outputs.MediaInsights?.WorkflowApiEndpoint as string, env.local.credentials);
    const workflowName = 'KvsClipMediainfo';
    const created = await workflowApi.post('workflow', {
      Name: workflowName,
      StartAt: '_Mediainfo',
      Stages: { _Mediainfo: { End: true } },
    });
    expect(created.status).toBe(200);
    await feed(stream, feedMs);

    // Act
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: outputs.KvsConsumer?.ConsumerStateMachineArn,
        input: JSON.stringify({
          config: {
            streamName: stream,
            startSelector: 'EARLIEST',
            clipSeconds: 2,
            clipTarget: { type: 'media-insights', workflowName },
          },
        }),
      }),
    );
    const executions = await waitFor(async () => {
      const listed = (await workflowApi.get('workflow/execution/status/Complete')).json() as Array<{
        Id: string;
        Workflow: { Name: string };
      }>;
      const ours = listed.filter((execution) => execution.Workflow.Name === workflowName);
      return ours.length >= feedMs / 2000 ? ours : undefined;
    }, 180_000);
    await sfn.send(new StopExecutionCommand({ executionArn }));

    // Assess: one execution per clip, each reading a whole clip of the stream with the real Mediainfo operator.
    expect(executions).toHaveLength(feedMs / 2000);
    for (const { Id } of executions) {
      const execution = (await workflowApi.get(`workflow/execution/${Id}`)).json();
      expect(execution.Workflow.Stages._Mediainfo.Status).toBe('Complete');
      const { S3Bucket, S3Key } = execution.Globals.Media.Video as { S3Bucket: string; S3Key: string };
      const clip = await s3.send(new HeadObjectCommand({ Bucket: S3Bucket, Key: S3Key }));
      expect(clip.ContentLength).toBeGreaterThan(0);
      const dataplane = apiClient(outputs.MediaInsights?.DataplaneApiEndpoint as string, env.local.credentials);
      const mediainfo = await dataplane.get(`metadata/${execution.AssetId}/Mediainfo`);
      expect(mediainfo.status).toBe(200);
      const general = (mediainfo.json().results.tracks as Array<{ track_type: string; duration?: number }>).find(
        (track) => track.track_type === 'General',
      );
      // pymediainfo's milliseconds.
      const duration = Number(general?.duration) / 1000;
      expect(duration).toBeCloseTo(2, 0);
    }
  }, 300_000);

  /** `npm run kvs:put` with test pattern into a stream, as fast as ffmpeg makes it; 2 s fragments. */
  async function feed(stream: string, feedMs: number): Promise<void> {
    const put = await run(
      'npx',
      ['tsx', 'bin/kvs-put.ts', 'testsrc', '--stream', stream, '--duration', String(feedMs / 1000), '--speed', '0'],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: env.local.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: env.local.credentials.secretAccessKey,
          AWS_REGION: env.local.region,
          AWS_ENDPOINT_URL_KINESIS_VIDEO: outputs.Local?.KinesisVideoEndpoint,
        },
      },
    );
    expect(put.stderr).toContain(`${feedMs / 2000} fragments persisted`);
  }
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out${last ? `: ${String(last)}` : ''}`);
}
