import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { frameCaptureRate, stackDefaultAiOptions } from '../lambdas/media2cloud/pipeline/domain/ai-options';
import { openFileAccess } from '../lambdas/media2cloud/pipeline/media/access';
import { describeMedia, summarize } from '../lambdas/media2cloud/pipeline/media/mediainfo';
import { mediaTools } from '../lambdas/shared/media/tools';
import { videoArguments } from '../lambdas/media2cloud/pipeline/media/transcode';
import { apiClient } from '../test/support/local';
import { ms, type BenchRow } from './table';
import { startBenchLocalMode } from './local';

const run = promisify(execFile);
const DURATION_SECONDS = 60;

/**
 * Media2Cloud ingest in local mode for a 60 s 1080p25 H.264/AAC video — upload (which starts ingest), poll to
 * INGEST_COMPLETED and to COMPLETED — next to ffprobe and ffmpeg making the same proxies alone (the same
 * arguments the pipeline's transcode step uses). The ratio is the pipeline's overhead: record keeping, fixity,
 * MediaInfo, state machines, S3 transfers and analysis.
 */
export async function ingestBenchmark(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-ingest-'));
  const tools = mediaTools();
  const source = path.join(root, 'source.mp4');
  await run(tools.ffmpeg, [
    ...[
      '-hide_banner',
      '-nostdin',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=1920x1080:rate=25:duration=${DURATION_SECONDS}`,
    ],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${DURATION_SECONDS}`],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', source],
  ]);
  const sizeMb = fs.statSync(source).size / 1e6;
  const aiOptions = stackDefaultAiOptions('v4.default');

  // Baseline: ffprobe, then ffmpeg with the pipeline's own transcode arguments.
  const access = await openFileAccess(source);
  const media = summarize(await describeMedia(access));
  await access.close();
  const outputs = path.join(root, 'baseline');
  for (const dir of ['aiml', 'proxy', 'frameCapture']) fs.mkdirSync(path.join(outputs, dir), { recursive: true });
  const started = performance.now();
  await run(tools.ffprobe, ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', source]);
  await run(
    tools.ffmpeg,
    videoArguments(source, media, {
      aimlDir: path.join(outputs, 'aiml'),
      proxyDir: path.join(outputs, 'proxy'),
      frameCaptureDir: path.join(outputs, 'frameCapture'),
      basename: 'source',
      frameCaptureRate: frameCaptureRate(aiOptions, media.video[0]?.frameRate),
    }),
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const baselineMs = performance.now() - started;

  const local = await startBenchLocalMode(root);
  const rows: BenchRow[] = [];
  try {
    const outputsOf = local.outputs.Media2Cloud ?? {};
    const api = apiClient(`${outputsOf.ApiEndpoint}/`, local.credentials);
    const s3 = new S3Client({
      region: local.region,
      endpoint: local.outputs.Local?.S3Endpoint,
      forcePathStyle: true,
      credentials: local.credentials,
    });
    // Ingest started by the upload itself, under the uuid the upload names (x-amz-meta-uuid).
    const ingest = async (key: string) => {
      const uuid = randomUUID();
      const begun = performance.now();
      await s3.send(
        new PutObjectCommand({
          Bucket: outputsOf.IngestBucket,
          Key: key,
          Body: fs.createReadStream(source),
          ContentLength: fs.statSync(source).size,
          Metadata: { uuid },
        }),
      );
      const uploadedMs = performance.now() - begun;
      let ingestedMs: number | undefined;
      let record: Record<string, unknown> = {};
      for (;;) {
        const response = await api.get(`assets/${uuid}`);
        if (response.status === 200) {
          record = response.json();
          if (ingestedMs === undefined && record.status !== 'INGEST_STARTED') ingestedMs = performance.now() - begun;
          if (record.overallStatus === 'COMPLETED' || record.overallStatus === 'ERROR') break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const completedMs = performance.now() - begun;
      if (record.overallStatus !== 'COMPLETED')
        throw new Error(`ingest ended in ERROR: ${String(record.errorMessage)}`);
      return { uploadedMs, ingestedMs: ingestedMs ?? completedMs, completedMs };
    };
    // The first ingest starts every pipeline function (worker threads loading their bundles); the second finds
    // them warm, as a steady stream of uploads does.
    const cold = await ingest('bench/cold.mp4');
    const warm = await ingest('bench/warm.mp4');
    s3.destroy();

    const benchmark = 'ingest';
    const clip = `${DURATION_SECONDS} s 1080p25 H.264/AAC (${sizeMb.toFixed(0)} MB)`;
    rows.push({ benchmark, case: clip, metric: 'ffprobe + ffmpeg alone (same proxies)', value: ms(baselineMs) });
    for (const [label, run] of [
      ['cold functions', cold],
      ['warm functions', warm],
    ] as const) {
      rows.push(
        { benchmark, case: clip, metric: `local mode, ${label}: upload`, value: ms(run.uploadedMs) },
        { benchmark, case: clip, metric: `local mode, ${label}: upload → INGEST_COMPLETED`, value: ms(run.ingestedMs) },
        { benchmark, case: clip, metric: `local mode, ${label}: upload → COMPLETED`, value: ms(run.completedMs) },
        {
          benchmark,
          case: clip,
          metric: `local mode, ${label}: overhead (COMPLETED / ffmpeg alone)`,
          value: `${(run.completedMs / baselineMs).toFixed(2)}×`,
        },
      );
    }
  } finally {
    await local.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}
