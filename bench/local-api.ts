import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalMode } from '../lib/local/local-mode';
import { synthesize } from '../lib/local/synth';
import { apiClient } from '../test/support/local';
import { ms, percentile, type BenchRow } from './table';

const REQUESTS = 500;
const CONCURRENCY = 8;

/** Local mode's cost per request: emulated API Gateway + SigV4 check + a warm function + the embedded engines. */
export async function localApiBenchmark(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-'));
  const assembly = path.join(root, 'cdk.out');
  let started = performance.now();
  synthesize(assembly);
  const synthMs = performance.now() - started;
  started = performance.now();
  const local = await startLocalMode({
    port: 0,
    dataDir: path.join(root, 'data'),
    cloudAssemblyDir: assembly,
    log: () => {},
  });
  const startMs = performance.now() - started;
  const api = apiClient(local.outputs.MediaInsights?.DataplaneApiEndpoint ?? '', local.credentials);
  const rows: BenchRow[] = [
    { benchmark: 'local-api', case: 'synthesize the app', metric: 'wall time', value: ms(synthMs) },
    { benchmark: 'local-api', case: 'start local mode', metric: 'wall time', value: ms(startMs) },
  ];
  try {
    const created = await api.post('create', { Input: { MediaType: 'Video', S3Bucket: 'media', S3Key: 'a.mp4' } });
    const assetId = created.json<{ AssetId: string }>().AssetId;
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['GET /version', () => api.get('version')],
      [
        'POST /metadata/{id}',
        () => api.post(`metadata/${assetId}`, { OperatorName: 'op', WorkflowId: 'wf', Results: { n: 1 } }),
      ],
      ['GET /metadata/{id}/{op}', () => api.get(`metadata/${assetId}/op`)],
    ];
    for (const [name, call] of cases) {
      await call();
      const sequential = await measure(call, REQUESTS, 1);
      const parallel = await measure(call, REQUESTS, CONCURRENCY);
      rows.push(
        {
          benchmark: 'local-api',
          case: name,
          metric: 'p50 latency (1 client)',
          value: ms(percentile(sequential.samples, 50)),
        },
        {
          benchmark: 'local-api',
          case: name,
          metric: 'p99 latency (1 client)',
          value: ms(percentile(sequential.samples, 99)),
        },
        {
          benchmark: 'local-api',
          case: name,
          metric: `throughput (${CONCURRENCY} clients)`,
          value: `${Math.round((REQUESTS / parallel.wallMs) * 1000)} req/s`,
        },
      );
    }
  } finally {
    await local.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

async function measure(call: () => Promise<unknown>, count: number, concurrency: number) {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const t = performance.now();
        await call();
        samples.push(performance.now() - t);
      }
    }),
  );
  return { samples, wallMs: performance.now() - started };
}
