import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { LocalMode } from '../lib/local/local-mode';
import { apiClient } from '../test/support/local';
import { startCachedBenchLocalMode } from './local';
import { ms, pairedRow, percentile, perSecond, type BenchRow } from './table';

type Api = ReturnType<typeof apiClient>;

const CLIENT_COUNTS = [1, 8, 32];
/** How long each throughput run lasts: long enough for a few thousand requests at the floor's rate. */
const RUN_MS = 3_000;
/** The cold run: the first requests after start, while the data plane's workers are still being spawned. */
const COLD_REQUESTS = 400;
const LATENCY_SAMPLES = 300;
const UPLOAD_BYTES = 32 * 1024 * 1024;

/**
 * Local mode's cost per request (emulated API Gateway + SigV4 check + a function's worker + the engines), each row next
 * to its floor measured in the same run: a trivial Node server in this process answering the same signed requests
 * from the same client, so the ratio is local mode's own cost whatever the machine's load; the `GET /version` rows also
 * give the main thread's CPU time per request, for both, which a loaded machine hardly changes. Then `GET /version`'s
 * p99 while one client uploads large objects to S3 (in another thread, so its own checksumming is not counted),
 * next to its p99 idle.
 */
export async function localApiBenchmark(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-'));
  const floor = await startFloorServer();
  const local = await startCachedBenchLocalMode(root);
  const endpoint = local.outputs.MediaInsights?.DataplaneApiEndpoint ?? '';
  const api = apiClient(endpoint, local.credentials);
  const floorApi = apiClient(floor.endpoint, local.credentials);
  const rows: BenchRow[] = [];
  const row = (name: string, metric: string, value: number, baseline: number, extra: Partial<PairedExtra> = {}) =>
    rows.push(
      pairedRow({
        benchmark: 'local-api',
        case: name,
        metric,
        value,
        baseline,
        baselineName: 'trivial Node server, same client',
        unit: perSecond('req'),
        ...extra,
      }),
    );
  try {
    // Cold first: nothing has called the data plane yet, so its workers start during the run.
    const version = (client: Api) => () => expectOk(client.get('version'));
    const floorCold = await withMainThreadCpu(() => load(version(floorApi), 8, { requests: COLD_REQUESTS }));
    const cold = await withMainThreadCpu(() => load(version(api), 8, { requests: COLD_REQUESTS }));
    row(
      'signed GET /version, cold workers',
      `throughput (8 clients, first ${COLD_REQUESTS})`,
      cold.rate,
      floorCold.rate,
      {
        valueNote: `p99 ${ms(cold.p99)}${mainThreadNote(cold)}`,
        baselineNote: `p99 ${ms(floorCold.p99)}${mainThreadNote(floorCold)}`,
        goal: '≥ 1/1.5 of the floor',
      },
    );
    const floorWarm = await withMainThreadCpu(() => load(version(floorApi), 8, { durationMs: RUN_MS }));
    const warm = await withMainThreadCpu(() => load(version(api), 8, { durationMs: RUN_MS }));
    row('signed GET /version, warm workers', 'throughput (8 clients)', warm.rate, floorWarm.rate, {
      valueNote: `p99 ${ms(warm.p99)}${mainThreadNote(warm)}`,
      baselineNote: `p99 ${ms(floorWarm.p99)}${mainThreadNote(floorWarm)}`,
      goal: '≥ 1/1.5 of the floor',
    });

    for (const clients of CLIENT_COUNTS) {
      const metadata = async (client: Api) => {
        // Fresh assets for every run, one per client: each run writes the same amount to each asset.
        const assets = await Promise.all(Array.from({ length: clients }, () => createAsset(api)));
        let turn = 0;
        return () => {
          const assetId = assets[turn++ % clients] as string;
          return expectOk(
            client.post(`metadata/${assetId}`, { OperatorName: 'op', WorkflowId: 'wf', Results: { n: 1 } }),
          );
        };
      };
      const floorRun = await load(await metadata(floorApi), clients, { durationMs: RUN_MS });
      const run = await load(await metadata(api), clients, { durationMs: RUN_MS });
      row(
        'signed POST /metadata/{id}, fresh assets',
        `throughput (${clients} client${clients > 1 ? 's' : ''})`,
        run.rate,
        floorRun.rate,
        {
          // CPU per request says whether the rate is bound by work or by waiting: local mode's engines and workers
          // are threads of this process, so it counts everything a request costs, the client's signing included.
          valueNote: `p99 ${ms(run.p99)}, ${ms(run.cpuMs)} CPU per request`,
          baselineNote: `p99 ${ms(floorRun.p99)}, ${ms(floorRun.cpuMs)} CPU per request`,
          goal: clients === 8 ? '≥ 1,000 req/s' : 'grows with clients',
        },
      );
    }

    rows.push(await versionWhileUploading(local, api));
  } finally {
    await local.stop();
    await floor.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

/** Linux's clock tick (`getconf CLK_TCK`), the unit of a thread's CPU time in `/proc`. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time of this process's main thread in milliseconds (the clients, the floor server, and local mode's gateway up
 * to each function's worker), `undefined` where `/proc` does not tell. Unlike throughput it hardly depends on what
 * else loads the machine.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

async function withMainThreadCpu<T extends { samples: number[] }>(
  run: () => Promise<T>,
): Promise<T & { mainThreadUsPerRequest?: number }> {
  const before = mainThreadCpuMs();
  const result = await run();
  const after = mainThreadCpuMs();
  if (before === undefined || after === undefined || result.samples.length === 0) return result;
  return { ...result, mainThreadUsPerRequest: ((after - before) * 1000) / result.samples.length };
}

function mainThreadNote(run: { mainThreadUsPerRequest?: number }): string {
  const perRequest = run.mainThreadUsPerRequest;
  return perRequest === undefined ? '' : `, main thread ${Math.round(perRequest)} µs CPU/req`;
}

type PairedExtra = Pick<Parameters<typeof pairedRow>[0], 'valueNote' | 'baselineNote' | 'goal'>;

/** `GET /version` p99, one client, idle and while another thread uploads 32 MiB objects to S3 without a pause. */
async function versionWhileUploading(local: LocalMode, api: Api): Promise<BenchRow> {
  // The main thread's event-loop delay says whether the upload's work lands there, whatever else loads the machine.
  const loopDelay = async (work: () => Promise<void>) => {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    await work();
    histogram.disable();
    return histogram.percentile(99) / 1e6;
  };
  let idle = { p99: 0 };
  const idleDelay = await loopDelay(async () => {
    idle = await load(() => expectOk(api.get('version')), 1, { requests: LATENCY_SAMPLES });
  });
  const uploader = startUploader(local);
  try {
    await uploader.firstUpload;
    let busy = { p99: 0 };
    const busyDelay = await loopDelay(async () => {
      busy = await load(() => expectOk(api.get('version')), 1, { requests: LATENCY_SAMPLES });
    });
    const { uploads, seconds } = await uploader.stop();
    return pairedRow({
      benchmark: 'local-api',
      case: 'GET /version while one client uploads 32 MiB objects to S3',
      metric: `p99 latency (1 client, ${LATENCY_SAMPLES} requests)`,
      value: busy.p99,
      baseline: idle.p99,
      baselineName: 'idle',
      unit: ms,
      valueNote:
        `${((uploads * UPLOAD_BYTES) / 2 ** 20 / seconds).toFixed(0)} MiB/s uploaded, ` +
        `main thread's loop delay p99 ${ms(busyDelay)}`,
      baselineNote: `loop delay p99 ${ms(idleDelay)}`,
      goal: 'within 2× of idle',
    });
  } finally {
    await uploader.stop();
  }
}

/** An SDK client in its own thread putting one object after another, as a user's upload would, until stopped. */
function startUploader(local: LocalMode) {
  const script = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
    const client = new S3Client({ region: workerData.region, endpoint: workerData.endpoint, credentials: workerData.credentials, forcePathStyle: true });
    const body = Buffer.alloc(workerData.bytes, 7);
    let stopped = false;
    parentPort.on('message', () => { stopped = true; });
    (async () => {
      const started = Date.now();
      let uploads = 0;
      while (!stopped) {
        await client.send(new PutObjectCommand({ Bucket: workerData.bucket, Key: 'bench/upload-' + (uploads % 2), Body: body }));
        if (uploads++ === 0) parentPort.postMessage({ first: true });
      }
      client.destroy();
      parentPort.postMessage({ uploads, seconds: (Date.now() - started) / 1000 });
    })().catch((error) => parentPort.postMessage({ error: String(error) }));`;
  const worker = new Worker(script, {
    eval: true,
    workerData: {
      region: local.region,
      endpoint: local.outputs.Local?.S3Endpoint,
      credentials: {
        accessKeyId: local.credentials.accessKeyId,
        secretAccessKey: local.credentials.secretAccessKey,
      },
      bucket: local.outputs.MediaInsights?.DataplaneBucket,
      bytes: UPLOAD_BYTES,
    },
  });
  type Message = { first?: true; uploads?: number; seconds?: number; error?: string };
  const messages = (accept: (message: Message) => boolean) =>
    new Promise<Message>((resolve, reject) => {
      const listener = (message: Message) => {
        if (message.error) reject(new Error(`uploader: ${message.error}`));
        else if (accept(message)) resolve(message);
        else return;
        worker.off('message', listener);
      };
      worker.on('message', listener);
      worker.once('error', reject);
    });
  const firstUpload = messages((message) => message.first === true);
  const finished = messages((message) => message.uploads !== undefined);
  let stopping: Promise<{ uploads: number; seconds: number }> | undefined;
  return {
    firstUpload,
    stop() {
      stopping ??= (async () => {
        worker.postMessage('stop');
        const done = await finished;
        await worker.terminate();
        return { uploads: done.uploads ?? 0, seconds: done.seconds ?? 1 };
      })();
      return stopping;
    },
  };
}

async function createAsset(api: Api): Promise<string> {
  const created = await api.post('create', { Input: { MediaType: 'Video', S3Bucket: 'media', S3Key: 'a.mp4' } });
  return created.json<{ AssetId: string }>().AssetId;
}

async function expectOk(response: Promise<{ status: number; text: string }>): Promise<void> {
  const { status, text } = await response;
  if (status !== 200) throw new Error(`${status} ${text.slice(0, 200)}`);
}

/** The floor: a Node server that reads each request and answers `{}`, as cheaply as an HTTP answer can be. */
async function startFloorServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * `clients` loops calling `call`, for `requests` calls in all or for `durationMs`: the rate in calls per second, the
 * latency percentiles, and this process's CPU time (every thread) per call.
 */
export async function load(
  call: () => Promise<unknown>,
  clients: number,
  until: { readonly requests: number } | { readonly durationMs: number },
): Promise<{ rate: number; p50: number; p99: number; cpuMs: number; samples: number[] }> {
  const samples: number[] = [];
  let issued = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const more = () => ('requests' in until ? issued < until.requests : performance.now() - started < until.durationMs);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (more()) {
        issued += 1;
        const t = performance.now();
        await call();
        samples.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  return {
    rate: (samples.length / wallMs) * 1000,
    cpuMs: (user + system) / 1000 / Math.max(1, samples.length),
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    samples,
  };
}
