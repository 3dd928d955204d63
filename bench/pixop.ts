import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import {
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { planEncoding, planSegments, type EncodingPlan } from '../lambdas/pixop/domain/encoding';
import { metadataFromProbe } from '../lambdas/pixop/domain/metadata';
import type { ProcessingInput } from '../lambdas/pixop/domain/ports';
import { parseProcessRequest } from '../lambdas/pixop/domain/process-request';
import { mediaTools } from '../lambdas/shared/media/tools';
import { ms, type BenchRow } from './table';
import { startBenchLocalMode } from './local';

const run = promisify(execFile);
const SECONDS = Number(process.env.PIXOP_BENCH_SECONDS ?? '60');
/** Segments for the parallel runs: 10 s, six of them for a minute. */
const SEGMENT_SECONDS = 10;
/** The parts of Pixop's answers the benchmark reads (the API's own field names). */
interface PixopAnswer {
  readonly jwtToken: string;
  readonly videoId: string;
  readonly processedVideoId: string;
  readonly uploadUrl: string;
  readonly uploadFields: Record<string, string>;
  readonly ingestionState: { readonly ingestionStatus: string };
  readonly processingState: { readonly processingStatus: string };
  readonly video: { readonly id: string };
}
/** The process-video request every run makes: H.264 in MOV, denoised, at the source size. */
const REQUEST = { mediaContainerCodec: { container: 'mov', codec: 'h264' }, denoiser: 'hqdn3d', bitrate: { mbps: 8 } };

/**
 * Pixop processing in local mode for a 60 s 1080p25 H.264/AAC clip. First the overhead: `process-video` through
 * the API until `DONE` (segments, parallel encoding, join, upload, probe, record keeping) against the same ffmpeg
 * command run alone over the whole clip. Then the speed-up of segmented encoding: the process state machine run
 * with 1, 2 and N (= number of segments) segments at once. Local functions share this machine's cores, as Lambda
 * functions would not, so the speed-up here is a floor of what AWS gives.
 */
export async function pixopBenchmark(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-pixop-'));
  const tools = mediaTools();
  const source = path.join(root, 'source.mp4');
  await run(tools.ffmpeg, [
    ...['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=25:duration=${SECONDS}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${SECONDS}`],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', source],
  ]);
  const probe = await run(tools.ffprobe, [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    source,
  ]);
  const metadata = metadataFromProbe(JSON.parse(probe.stdout), fs.statSync(source).size);
  const plan: EncodingPlan = planEncoding(parseProcessRequest(REQUEST), { metadata, fileName: 'source.mp4' });

  // Baseline: the plan's filters and encoder over the whole clip, with the audio, in one ffmpeg.
  let started = performance.now();
  await run(tools.ffmpeg, [
    ...['-nostdin', '-v', 'error', '-y', '-i', source, '-map', '0:v:0', '-map', '0:a:0'],
    ...['-vf', plan.filters.join(','), ...plan.encoderArgs, ...(plan.audioArgs ?? []), ...plan.muxerArgs],
    ...['-f', plan.muxer, path.join(root, `baseline.${plan.extension}`)],
  ]);
  const baselineMs = performance.now() - started;

  const local = await startBenchLocalMode(root);
  const rows: BenchRow[] = [];
  const sfn = new SFNClient({
    region: local.region,
    endpoint: local.outputs.Local?.StepFunctionsEndpoint,
    credentials: local.credentials,
  });
  try {
    const api = local.outputs.Pixop?.ApiEndpoint ?? '';
    const demo = JSON.parse(fs.readFileSync(local.outputs.Pixop?.DemoUserFile ?? '', 'utf8')) as {
      email: string;
      password: string;
    };
    const call = async (method: string, route: string, body?: unknown, authorization?: string) => {
      const response = await fetch(`${api}${route}`, {
        method,
        headers: { authorization: authorization ?? `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as PixopAnswer;
      if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    let token = '';
    token = (
      await call(
        'GET',
        '/accounts/v1/token',
        undefined,
        `Basic ${Buffer.from(`${demo.email}:${demo.password}`).toString('base64')}`,
      )
    ).jwtToken;
    const poll = async (route: string, status: (body: PixopAnswer) => string) => {
      for (;;) {
        const value = status(await call('GET', route));
        if (value === 'DONE') return;
        if (value === 'FAILED') throw new Error(`${route} FAILED`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    // The clip is larger than the API takes, so it goes up through a presigned POST, as a client would send it.
    const { videoId } = await call('PUT', '/videos/v1/video', { name: 'bench' });
    const presigned = await call('POST', `/media/v1/upload/light/${videoId}`, { fileName: 'source.mp4' });
    const form = new FormData();
    for (const [name, value] of Object.entries(presigned.uploadFields)) form.append(name, value);
    form.append('file', new Blob([fs.readFileSync(source)]), 'source.mp4');
    const stored = await fetch(presigned.uploadUrl, { method: 'POST', body: form });
    if (!stored.ok) throw new Error(`presigned upload: ${stored.status}`);
    await poll(`/videos/v1/check-ingest-video-progress/${videoId}`, (body) => body.ingestionState.ingestionStatus);

    started = performance.now();
    const processed = await call('POST', `/videos/v1/process-video/${videoId}`, REQUEST);
    await poll(
      `/videos/v1/check-process-video-progress/${processed.processedVideoId}`,
      (body) => body.processingState.processingStatus,
    );
    const apiMs = performance.now() - started;

    // The same video again through the state machine, with the segment count and parallelism under test.
    const record = await call('GET', `/videos/v1/video/${processed.processedVideoId}`);
    const stateMachineArn = await findProcessStateMachine(sfn);
    const segments = planSegments(plan, SEGMENT_SECONDS);
    const parallel = async (maxConcurrency: number) => {
      const input: ProcessingInput = { videoId: record.video.id, sourceVideoId: videoId, segments, maxConcurrency };
      const begun = performance.now();
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
      );
      for (;;) {
        const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (status === 'SUCCEEDED') return performance.now() - begun;
        if (status !== 'RUNNING') throw new Error(`parallel run with ${maxConcurrency}: ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const one = await parallel(1);
    const two = await parallel(2);
    const all = await parallel(segments.length);

    const benchmark = 'pixop';
    const clip = `${SECONDS} s 1080p25 H.264/AAC → MOV H.264 8 Mb/s + hqdn3d`;
    rows.push(
      { benchmark, case: clip, metric: 'ffmpeg alone (same filters and encoder)', value: ms(baselineMs) },
      { benchmark, case: clip, metric: 'process-video → DONE (local mode)', value: ms(apiMs) },
      {
        benchmark,
        case: clip,
        metric: 'overhead (process-video / ffmpeg alone)',
        value: `${(apiMs / baselineMs).toFixed(2)}×`,
      },
    );
    for (const [workers, took] of [
      ['1 worker', one],
      ['2 workers', two],
      [`${segments.length} workers`, all],
    ] as const) {
      rows.push({
        benchmark,
        case: `${segments.length} segments of ${SEGMENT_SECONDS} s, ${os.cpus().length} cores`,
        metric: `state machine, ${workers}`,
        value: ms(took),
        reference: `speed-up ${(one / took).toFixed(2)}×`,
      });
    }
  } finally {
    sfn.destroy();
    await local.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

/** The Pixop process state machine among those local mode registered (its name is CloudFormation's). */
async function findProcessStateMachine(sfn: SFNClient): Promise<string> {
  const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
  const found = stateMachines?.find((machine) => /^Pixop.*ProcessStateMachine/.test(machine.name ?? ''));
  if (!found?.stateMachineArn) throw new Error('The Pixop process state machine is not registered');
  return found.stateMachineArn;
}
