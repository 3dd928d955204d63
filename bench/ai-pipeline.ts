import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BASE_AI_OPTIONS, FrameCaptureMode } from '../lambdas/media2cloud/pipeline/domain/ai-options';
import { mediaTools } from '../lambdas/shared/media/tools';
import { faceSample, renderText } from '../test/local/rekognition/support';
import { ENTITY_PARAGRAPH } from '../test/support/language';
import { apiClient } from '../test/support/local';
import { speak, SPOKEN_SENTENCES } from '../test/support/speech';
import { busyMs, modelRuns, totalMs } from './model-time';
import { ms, type BenchRow } from './table';
import { startBenchLocalMode } from './local';

const run = promisify(execFile);
const DURATION_SECONDS = 60;
const WIDTH = 640;
const HEIGHT = 360;

/**
 * A 60 s talk at 640×360: a slide with words on it for the first half, a photo of faces for the second, and espeak-ng
 * reading the test sentences and the entity paragraph over both (silence after the speech ends).
 */
async function talkVideo(directory: string): Promise<string> {
  const slide = path.join(directory, 'slide.png');
  const photo = path.join(directory, 'faces.jpg');
  const speech = path.join(directory, 'speech.wav');
  const video = path.join(directory, 'talk.mp4');
  fs.writeFileSync(slide, renderText(['LIGHTHOUSE', 'Harbour talk'], WIDTH, HEIGHT));
  fs.writeFileSync(photo, faceSample(1));
  await speak([...SPOKEN_SENTENCES, ENTITY_PARAGRAPH].join('. '), speech);
  const half = String(DURATION_SECONDS / 2);
  const fit = `scale=${WIDTH}:${HEIGHT}:force_original_aspect_ratio=decrease,pad=${WIDTH}:${HEIGHT}:(ow-iw)/2:(oh-ih)/2`;
  await run(mediaTools().ffmpeg, [
    ...['-nostdin', '-y', '-v', 'error'],
    ...['-loop', '1', '-framerate', '25', '-t', half, '-i', slide],
    ...['-loop', '1', '-framerate', '25', '-t', half, '-i', photo],
    ...['-i', speech],
    '-filter_complex',
    `[0:v]${fit},setsar=1[a];[1:v]${fit},setsar=1[b];[a][b]concat=n=2:v=1:a=0,format=yuv420p[v];[2:a]apad[s]`,
    ...['-map', '[v]', '-map', '[s]', '-t', String(DURATION_SECONDS)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', video],
  ]);
  return video;
}

/**
 * Media2Cloud's AI analysis of a 60 s video in local mode, next to the time its models ran. The video is uploaded
 * and ingested with `POST /assets` and aiOptions turning on label, face and text (frame-based, one frame a second as
 * the v4 preset's dynamic capture does for a short video), segment (a Rekognition Video job), transcribe, and
 * Comprehend keyphrase and entity on the transcript; the bench polls the asset to COMPLETED.
 *
 * Model times are what the analysis records (`GET /analysis/{uuid}`) hold: each feature's `startTime`/`endTime`,
 * which the analyzers (lambdas/media2cloud/pipeline/analysis/analyzers) take around the feature's service calls —
 * the image API calls on every frame, a video or Transcribe job from start through polling to its results, the
 * Comprehend calls — and the writing of that feature's result files. The analysis wall time is the same records'
 * `startTime` (the analysis execution's start) to `endTime` (`Analysis completed`). Features run concurrently (three
 * analyzers at a time, and an analyzer's features side by side), so the sum can exceed the wall time; the busy
 * time (when at least one model ran) is given too.
 */
export async function aiPipelineBenchmark(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-ai-pipeline-'));
  const video = await talkVideo(root);
  const local = await startBenchLocalMode(root);
  const rows: BenchRow[] = [];
  try {
    const outputs = local.outputs.Media2Cloud ?? {};
    const api = apiClient(`${outputs.ApiEndpoint}/`, local.credentials);
    const s3 = new S3Client({
      region: local.region,
      endpoint: local.outputs.Local?.S3Endpoint,
      forcePathStyle: true,
      credentials: local.credentials,
    });
    const key = 'bench/talk.mp4';
    const aiOptions = {
      ...BASE_AI_OPTIONS,
      label: true,
      face: true,
      text: true,
      segment: true,
      transcribe: true,
      keyphrase: true,
      entity: true,
      framebased: true,
      frameCaptureMode: FrameCaptureMode.Dynamic,
    };
    const begun = performance.now();
    await s3.send(
      new PutObjectCommand({
        Bucket: outputs.IngestBucket,
        Key: key,
        Body: fs.readFileSync(video),
        Metadata: { webupload: 'true' },
      }),
    );
    s3.destroy();
    const started = await api.post('assets', { input: { key, aiOptions } });
    if (started.status !== 200) throw new Error(`POST /assets: ${started.status} ${started.text}`);
    const uuid = String(started.json().uuid);
    let record: Record<string, unknown> = {};
    for (;;) {
      const response = await api.get(`assets/${uuid}`);
      if (response.status === 200) {
        record = response.json();
        if (record.overallStatus === 'COMPLETED' || record.overallStatus === 'ERROR') break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const completedMs = performance.now() - begun;
    if (record.overallStatus !== 'COMPLETED') throw new Error(`ingest ended in ERROR: ${String(record.errorMessage)}`);

    const records = (await api.get(`analysis/${uuid}`)).json() as Array<Record<string, unknown>>;
    const runs = modelRuns(records);
    const analysisStart = Math.min(...records.map((each) => Number(each.startTime)));
    const analysisEnd = Math.max(...records.map((each) => Number(each.endTime)));
    const wallMs = analysisEnd - analysisStart;
    const sumMs = totalMs(runs);
    const busy = busyMs(runs);

    const benchmark = 'ai-pipeline';
    const clip = `${DURATION_SECONDS} s ${WIDTH}×${HEIGHT} talk (slide, faces, speech)`;
    rows.push(
      { benchmark, case: clip, metric: 'upload → COMPLETED (ingest + analysis)', value: ms(completedMs) },
      { benchmark, case: clip, metric: 'analysis execution (wall)', value: ms(wallMs) },
    );
    for (const each of runs) {
      rows.push({
        benchmark,
        case: clip,
        metric: `model: ${each.record} ${each.feature}`,
        value: ms(each.endTime - each.startTime),
      });
    }
    rows.push(
      { benchmark, case: clip, metric: `sum of ${runs.length} model times`, value: ms(sumMs) },
      { benchmark, case: clip, metric: 'model busy time (at least one running)', value: ms(busy) },
      {
        benchmark,
        case: clip,
        metric: 'orchestration overhead (wall − sum)',
        value: ms(wallMs - sumMs),
        reference: `wall / sum ${(wallMs / sumMs).toFixed(2)}×`,
      },
      {
        benchmark,
        case: clip,
        metric: 'no model running (wall − busy)',
        value: ms(wallMs - busy),
        reference: `wall / busy ${(wallMs / busy).toFixed(2)}×`,
      },
    );
  } finally {
    await local.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}
