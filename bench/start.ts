import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateStreamCommand, KinesisVideoClient, ListStreamsCommand } from '@aws-sdk/client-kinesis-video';
import { DetectFacesCommand, DetectLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DetectDocumentTextCommand, TextractClient } from '@aws-sdk/client-textract';
import { createCanvas } from '@napi-rs/canvas';
import { PROJECT_ROOT } from '../lib/project-root';
import { apiClient, request } from '../test/support/local';
import { percentile, type BenchRow } from './table';

const WARM_RUNS = 3;
/** Idle workers and processes retire after this long here (`MEDIAPLANE_IDLE_SECONDS`; five minutes by default). */
const IDLE_SECONDS = 20;
/** Rounds of the afternoon's work: every backend's API, the models, the document reader. */
const ROUNDS = 3;

type Outputs = Record<string, Record<string, string>>;

interface RunningLocalMode {
  readonly startMs: number;
  readonly outputs: Outputs;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `npm start` as a user meets it, in a process of its own: from process start until every endpoint in outputs.json
 * answers. Cold is the first start on a fresh data directory and bundle cache (bundling local mode, synthesizing the
 * app); warm is every later start. Each is paired with the floor, a bare `node -e` HTTP server started and answering
 * the same way. Then local mode's RSS (main process with its worker threads, plus its model and reader processes)
 * after an afternoon's work in a few minutes, and again once idle workers and processes have retired.
 */
export async function startBenchmark(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-start-'));
  const env = {
    MEDIAPLANE_PORT: '0',
    MEDIAPLANE_DATA_DIR: path.join(root, 'data'),
    MEDIAPLANE_CACHE_DIR: path.join(root, 'cache'),
    MEDIAPLANE_IDLE_SECONDS: String(IDLE_SECONDS),
  };
  let running: RunningLocalMode | undefined;
  try {
    const floor = [await bareServerStartMs()];
    running = await startLocalMode(env);
    const coldMs = running.startMs;
    await running.stop();
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i += 1) {
      // Alternated, so that a change of machine load weighs on both alike.
      floor.push(await bareServerStartMs());
      running = await startLocalMode(env);
      warm.push(running.startMs);
      if (i < WARM_RUNS - 1) await running.stop();
    }
    const floorMs = percentile(floor, 50);
    const warmMs = percentile(warm, 50);
    const rows: BenchRow[] = [
      {
        benchmark: 'start',
        case: 'cold start incl. bundling and synth (npm start, fresh data dir and cache)',
        metric: 'until every endpoint answers',
        value: seconds(coldMs),
        reference: `bare node HTTP server: ${seconds(floorMs)}; ratio ${(coldMs / floorMs).toFixed(0)}×`,
      },
      {
        benchmark: 'start',
        case: `warm start (npm start, p50 of ${WARM_RUNS})`,
        metric: 'until every endpoint answers',
        value: seconds(warmMs),
        reference: `bare node HTTP server: ${seconds(floorMs)}; ratio ${(warmMs / floorMs).toFixed(1)}×; goal ≤ 1 s`,
      },
    ];

    const pid = running.child.pid as number;
    const atStart = processTreeRss(pid);
    const workStarted = performance.now();
    const failures = await afternoon(running.outputs, env.MEDIAPLANE_DATA_DIR);
    const workMs = performance.now() - workStarted;
    const afterWork = processTreeRss(pid);
    const retired = await untilRetired(pid);
    rows.push(
      {
        benchmark: 'start',
        case: 'RSS of local mode, warm start',
        metric: 'main + threads + child processes',
        value: mib(atStart.bytes),
        reference: `${atStart.processes} process(es)`,
      },
      {
        benchmark: 'start',
        case: `RSS after the afternoon's work (${ROUNDS} rounds, all five backends + models + OCR, ${seconds(workMs)})`,
        metric: 'main + threads + child processes',
        value: mib(afterWork.bytes),
        reference: `${afterWork.processes} process(es); goal < 1 GiB${failures.length > 0 ? `; failed: ${failures.join('; ')}` : ''}`,
      },
      {
        benchmark: 'start',
        case: `RSS once idle workers and processes retired (MEDIAPLANE_IDLE_SECONDS=${IDLE_SECONDS})`,
        metric: 'main + threads + child processes',
        value: mib(retired.bytes),
        reference: `${retired.processes} process(es), ${seconds(retired.waitedMs)} after the work`,
      },
    );
    return rows;
  } finally {
    await running?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `node bin/start.js` (what `npm start` runs) until every endpoint of its outputs.json answers. */
async function startLocalMode(env: Record<string, string>): Promise<RunningLocalMode> {
  const outputsFile = path.join(env.MEDIAPLANE_DATA_DIR as string, 'outputs.json');
  fs.rmSync(outputsFile, { force: true });
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'start.js')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let diagnostics = '';
  child.stderr?.on('data', (chunk: Buffer) => (diagnostics = (diagnostics + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
  };
  const alive = () => {
    if (child.exitCode !== null) throw new Error(`local mode exited with ${child.exitCode}: ${diagnostics}`);
  };
  try {
    const outputs = await poll(() => {
      alive();
      return fs.existsSync(outputsFile) ? (JSON.parse(fs.readFileSync(outputsFile, 'utf8')) as Outputs) : undefined;
    });
    const endpoints = Object.values(outputs).flatMap((values) =>
      Object.values(values).filter((value) => /^http:\/\//.test(value)),
    );
    await Promise.all(endpoints.map((endpoint) => poll(async () => (alive(), (await answers(endpoint)) || undefined))));
    return { startMs: performance.now() - started, outputs, child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The floor: a bare Node HTTP server in a new process, from spawn until it answers. */
async function bareServerStartMs(): Promise<number> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s = require('http').createServer((q, r) => r.end('ok')); s.listen(0, '127.0.0.1', () => console.log(s.address().port));",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    });
    await poll(async () => (await answers(`http://127.0.0.1:${port}/`)) || undefined);
    return performance.now() - started;
  } finally {
    child.kill();
  }
}

/**
 * A few minutes of what a developer does in an afternoon, in rounds: Media Insights (assets, metadata, workflow
 * API), Media2Cloud's API, a Kinesis Video stream and its consumer state machine, Pixop (token), M2A Mediapackage's
 * API, and the model and reader processes (Rekognition labels and faces, Textract OCR).
 */
async function afternoon(outputs: Outputs, dataDir: string): Promise<string[]> {
  const credentials = readCredentials(path.join(dataDir, 'credentials'));
  const local = outputs.Local ?? {};
  const aws = { region: local.Region ?? 'us-east-1', credentials };
  const rekognition = new RekognitionClient({ ...aws, endpoint: local.RekognitionEndpoint });
  const textract = new TextractClient({ ...aws, endpoint: local.TextractEndpoint });
  const kinesisVideo = new KinesisVideoClient({ ...aws, endpoint: local.KinesisVideoEndpoint });
  const sfn = new SFNClient({ ...aws, endpoint: local.StepFunctionsEndpoint });
  const api = (endpoint: string | undefined) =>
    apiClient(endpoint?.endsWith('/') ? endpoint : `${endpoint}/`, credentials);
  const dataplane = api(outputs.MediaInsights?.DataplaneApiEndpoint);
  const workflow = api(outputs.MediaInsights?.WorkflowApiEndpoint);
  const media2cloud = api(outputs.Media2Cloud?.ApiEndpoint);
  const mediapackage = api(outputs.M2aMediapackage?.ApiEndpoint);
  const demo = JSON.parse(fs.readFileSync(outputs.Pixop?.DemoUserFile ?? '', 'utf8')) as {
    email: string;
    password: string;
  };
  const image = picture();
  const page = documentPage();
  // A call that fails is counted and the work goes on: the row is about memory, and says what failed.
  const failures: string[] = [];
  const step = async (name: string, call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message.slice(0, 80)}`);
    }
  };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      await step('MIE data plane', async () => {
        const created = await dataplane.post('create', {
          Input: { MediaType: 'Video', S3Bucket: 'media', S3Key: `afternoon-${round}.mp4` },
        });
        const assetId = created.json<{ AssetId: string }>().AssetId;
        for (let i = 0; i < 50; i += 1) {
          await dataplane.post(`metadata/${assetId}`, { OperatorName: `op${i % 5}`, WorkflowId: 'wf', Results: { i } });
        }
        await dataplane.get(`metadata/${assetId}/op0`);
      });
      await step('MIE workflow API', async () => {
        await workflow.get('workflow/operation');
        await workflow.get('workflow');
      });
      await step('Media2Cloud API', () => media2cloud.get('assets'));
      await step('M2A Mediapackage API', () => mediapackage.get('channels'));
      await step('Pixop token', () =>
        fetch(`${outputs.Pixop?.ApiEndpoint}/accounts/v1/token`, {
          headers: { authorization: `Basic ${Buffer.from(`${demo.email}:${demo.password}`).toString('base64')}` },
        }).then((response) => response.arrayBuffer()),
      );
      const streamName = `afternoon-${round}`;
      let executionArn: string | undefined;
      await step('KVS consumer', async () => {
        await kinesisVideo.send(new CreateStreamCommand({ StreamName: streamName, DataRetentionInHours: 1 }));
        await kinesisVideo.send(new ListStreamsCommand({}));
        ({ executionArn } = await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: outputs.KvsConsumer?.ConsumerStateMachineArn,
            input: JSON.stringify({ config: { streamName, startSelector: 'NOW', clipSeconds: 6 } }),
          }),
        ));
      });
      await step('Rekognition', async () => {
        await rekognition.send(new DetectLabelsCommand({ Image: { Bytes: image } }));
        await rekognition.send(new DetectFacesCommand({ Image: { Bytes: image }, Attributes: ['ALL'] }));
      });
      await step('Textract', () => textract.send(new DetectDocumentTextCommand({ Document: { Bytes: page } })));
      if (executionArn) await step('KVS consumer stop', () => sfn.send(new StopExecutionCommand({ executionArn })));
    }
    return failures;
  } finally {
    for (const client of [rekognition, textract, kinesisVideo, sfn]) client.destroy();
  }
}

/** Waits until local mode has no child process left and its RSS stops falling (at most three idle periods). */
async function untilRetired(pid: number): Promise<{ bytes: number; processes: number; waitedMs: number }> {
  const started = performance.now();
  const deadline = started + (3 * IDLE_SECONDS + 15) * 1000;
  let last = processTreeRss(pid);
  await sleep(IDLE_SECONDS * 1000);
  for (;;) {
    await sleep(2000);
    const now = processTreeRss(pid);
    const settled = now.processes === 1 && now.bytes >= last.bytes * 0.98;
    last = now;
    if (settled || performance.now() > deadline) return { ...now, waitedMs: performance.now() - started };
  }
}

/** RSS of a process and all its descendants (Linux /proc); worker threads are part of their process. */
function processTreeRss(root: number): { bytes: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the parent's pid is the second field after it.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Gone since the listing.
    }
  }
  let bytes = 0;
  let processes = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    try {
      const kib = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      bytes += Number(kib ?? 0) * 1024;
      processes += 1;
    } catch {
      continue;
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return { bytes, processes };
}

function readCredentials(file: string): { accessKeyId: string; secretAccessKey: string } {
  const profile =
    fs
      .readFileSync(file, 'utf8')
      .split(/^\[/m)
      .find((section) => section.startsWith('mediaplane]')) ?? '';
  const value = (key: string) => new RegExp(`^${key}\\s*=\\s*(\\S+)`, 'm').exec(profile)?.[1] ?? '';
  return { accessKeyId: value('aws_access_key_id'), secretAccessKey: value('aws_secret_access_key') };
}

/** A small scene for the models: shapes and colour, 320×240 JPEG. */
function picture(): Uint8Array {
  const canvas = createCanvas(320, 240);
  const context = canvas.getContext('2d');
  context.fillStyle = '#6a9';
  context.fillRect(0, 0, 320, 240);
  context.fillStyle = '#c33';
  context.fillRect(60, 60, 120, 90);
  context.fillStyle = '#fd3';
  context.beginPath();
  context.arc(230, 90, 40, 0, 2 * Math.PI);
  context.fill();
  return canvas.toBuffer('image/jpeg');
}

/** One line of black text on white, as Textract reads a page. */
function documentPage(): Uint8Array {
  const canvas = createCanvas(800, 200);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, 800, 200);
  context.fillStyle = '#000';
  context.font = '32px sans-serif';
  context.fillText('Invoice 4711, due March 3', 60, 110);
  return canvas.toBuffer('image/png');
}

async function answers(url: string): Promise<boolean> {
  try {
    await request(url);
    return true;
  } catch {
    return false;
  }
}

async function poll<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 900_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting for local mode');
    await sleep(10);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
