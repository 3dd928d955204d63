import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ListJobsCommand, MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { apiClient, startTestLocalMode, type TestLocalMode } from '../support/local';
import { makeLongLowResVideo, turnOffAiAnalysis } from './pipeline/fixtures';
import { assetSettled } from './settled';

const TWO_HOURS_S = 2 * 60 * 60;

/**
 * Broadcast-length media through local mode: a two-hour video (64×36 at 1 fps, silent stereo AAC, so it is made and
 * transcoded in seconds) is ingested as a short one made the same way, through the MediaConvert job the ingest
 * state machine waits for; no function holds the transcode, so nothing is bounded by Lambda's 15 minutes.
 */
describe('Media2Cloud ingest of a two-hour video through local mode', () => {
  let env: TestLocalMode;
  let api: ReturnType<typeof apiClient>;
  let s3: S3Client;
  let media: string;
  const assets: Record<'long' | 'short', { uuid: string; record: Record<string, any> }> = {} as never;

  /** Polls `GET /assets/{uuid}` until `overallStatus` is no longer PROCESSING. */
  const settled = async (uuid: string, timeoutMs: number): Promise<Record<string, any>> => {
    return assetSettled(api, uuid, timeoutMs);
  };

  beforeAll(async () => {
    env = await startTestLocalMode();
    const { Media2Cloud: outputs = {}, Local: local = {} } = env.local.outputs;
    api = apiClient(`${outputs.ApiEndpoint}/`, env.local.credentials);
    s3 = new S3Client({
      region: local.Region,
      endpoint: local.S3Endpoint,
      forcePathStyle: true,
      credentials: env.local.credentials,
    });
    await turnOffAiAnalysis(s3, outputs.ProxyBucket!);
    media = mkdtempSync(path.join(tmpdir(), 'm2c-long-'));
    const files = {
      long: await makeLongLowResVideo(media, 'long', TWO_HOURS_S),
      short: await makeLongLowResVideo(media, 'short', 60),
    };
    await Promise.all(
      (['long', 'short'] as const).map(async (name) => {
        const key = `${name}/tide.mp4`;
        // Marked as the web portal marks its uploads, so only POST /assets starts the ingest.
        await s3.send(
          new PutObjectCommand({
            Bucket: outputs.IngestBucket,
            Key: key,
            Body: readFileSync(files[name]),
            Metadata: { webupload: 'true' },
          }),
        );
        const response = await api.post('assets', { input: { key } });
        if (response.status !== 200) throw new Error(`POST /assets ${key}: ${response.status} ${response.text}`);
        const uuid = response.json().uuid as string;
        assets[name] = { uuid, record: await settled(uuid, 240_000) };
      }),
    );
  }, 300_000);

  afterAll(async () => {
    s3?.destroy();
    await env?.stop();
    if (media) rmSync(media, { recursive: true, force: true });
  });

  /** The record with the asset's own values taken out: its fields, and its proxies by place, type and MIME type. */
  const shape = ({ uuid, record }: { uuid: string; record: Record<string, any> }) => ({
    fields: Object.keys(record).sort(),
    proxies: (record.proxies as Array<{ key: string; outputType: string; type: string; mime: string }>)
      .map(({ key, outputType, type, mime }) => ({ key: key.replace(/^[^/]+\/[^/]+\//, ''), outputType, type, mime }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    startsWithUuid: (record.proxies as Array<{ key: string }>).every(({ key }) => key.startsWith(`${uuid}/`)),
  });

  it('ingests to COMPLETED with a record of the same shape as a one-minute video', () => {
    const { long, short } = assets;

    expect(long.record).toMatchObject({ type: 'video', status: 'ANALYSIS_COMPLETED', overallStatus: 'COMPLETED' });
    expect(long.record.errorMessage).toBeUndefined();
    expect(long.record.duration).toBeGreaterThanOrEqual(TWO_HOURS_S * 1000);
    expect(long.record.duration).toBeLessThan((TWO_HOURS_S + 5) * 1000);
    expect(shape(long)).toEqual(shape(short));
    expect(shape(long).proxies.map(({ key }) => key)).toEqual([
      'transcode/aiml/tide.m4a',
      'transcode/aiml/tide.mp4',
      expect.stringMatching(/^transcode\/proxy\/tide\.\d{7}\.jpg$/),
    ]);
  });

  it('made its proxies in one MediaConvert job of the whole two hours', async () => {
    const client = new MediaConvertClient({
      region: env.local.outputs.Local?.Region,
      endpoint: env.local.outputs.Local?.MediaConvertEndpoint,
      credentials: env.local.credentials,
    });
    const { Jobs: jobs = [] } = await client.send(new ListJobsCommand({}));
    client.destroy();
    const job = jobs.find((each) => each.UserMetadata?.uuid === assets.long.uuid);

    expect(job).toMatchObject({ Status: 'COMPLETE', JobPercentComplete: 100 });
    expect(job?.Settings?.Inputs?.[0]?.FileInput).toMatch(/\/long\/tide\.mp4$/);
    expect(job?.OutputGroupDetails?.[0]?.OutputDetails?.[0]?.DurationInMs).toBeGreaterThanOrEqual(TWO_HOURS_S * 1000);
  });
});
