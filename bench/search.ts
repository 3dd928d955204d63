import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LocalMode } from '../lib/local/local-mode';
import { LocalSearchIndex } from '../lambdas/media2cloud/search/local/local-search-index';
import {
  SYNTHETIC_QUERIES,
  bulkIndexSynthetic,
  encodeSearchQuery,
  parseSearchRequest,
  syntheticDocuments,
  type SearchDocument,
} from '../lambdas/media2cloud/search';
import { CONTENT_INDEX } from '../lambdas/media2cloud/pipeline/adapters/opensearch-index';
import { apiClient, request } from '../test/support/local';
import { load } from './local-api';
import { startCachedBenchLocalMode } from './local';
import { ms, pairedRow, percentile, perSecond, type BenchRow } from './table';

const DOCUMENTS = 10_000;
const ROUNDS = 20;
const BULK_BATCH = 500;
const LATENCY_SAMPLES = 300;

/**
 * Media2Cloud search over 10,000 synthetic documents, each row next to the same work in this process: indexing
 * through the OpenSearch-compatible endpoint (`_bulk`) against the engine's own bulk indexing, `GET /search` through
 * the API (gateway, function, endpoint) against the engine's search, and what a searching client costs the other
 * APIs (`GET /version`'s p99 while one client searches, against idle).
 */
export async function searchBenchmark(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-search-'));
  const index = LocalSearchIndex.open(path.join(root, 'search.db'));
  const local = await startCachedBenchLocalMode(root);
  try {
    let started = performance.now();
    bulkIndexSynthetic(index, DOCUMENTS);
    const inProcessRate = (DOCUMENTS / (performance.now() - started)) * 1000;
    console.error('  indexing through the endpoint ...');
    const indexed = await indexThroughEndpoint(local);
    const rows: BenchRow[] = [
      pairedRow({
        benchmark: 'search',
        case: `index ${DOCUMENTS.toLocaleString('en-US')} documents through the endpoint`,
        metric: indexed.how,
        value: indexed.rate,
        baseline: inProcessRate,
        baselineName: 'in-process bulk',
        unit: perSecond('docs'),
        goal: '≥ 2,000 docs/s, _bulk supported',
      }),
    ];

    const queries = SYNTHETIC_QUERIES.map((text) => encodeSearchQuery(text));
    const inProcess: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const query of queries) {
        const request = parseSearchRequest({ query: { query } });
        started = performance.now();
        index.search(request);
        inProcess.push(performance.now() - started);
      }
    }
    // The output has no trailing slash, as the original's.
    const m2c = apiClient(`${local.outputs.Media2Cloud?.ApiEndpoint ?? ''}/`, local.credentials);
    let turn = 0;
    const search = async () => {
      const query = queries[turn++ % queries.length] as string;
      const response = await m2c.get(`search?query=${encodeURIComponent(query)}`);
      if (response.status !== 200) throw new Error(`GET /search: ${response.status} ${response.text.slice(0, 200)}`);
    };
    await search();
    console.error('  searching through the API ...');
    const throughApi = await load(search, 1, { requests: ROUNDS * queries.length });
    for (const p of [50, 99]) {
      rows.push(
        pairedRow({
          benchmark: 'search',
          case: `GET /search over ${DOCUMENTS.toLocaleString('en-US')} documents through the API`,
          metric: `p${p} latency (${throughApi.samples.length} queries)`,
          value: percentile(throughApi.samples, p),
          baseline: percentile(inProcess, p),
          baselineName: 'in-process',
          unit: ms,
          goal: p === 99 ? '< 50 ms' : undefined,
        }),
      );
    }

    const dataplane = apiClient(local.outputs.MediaInsights?.DataplaneApiEndpoint ?? '', local.credentials);
    const version = async () => {
      const response = await dataplane.get('version');
      if (response.status !== 200) throw new Error(`GET /version: ${response.status}`);
    };
    await version();
    const idle = await load(version, 1, { requests: LATENCY_SAMPLES });
    let searching = true;
    const searcher = (async () => {
      while (searching) await search();
    })();
    const busy = await load(version, 1, { requests: LATENCY_SAMPLES });
    searching = false;
    await searcher;
    rows.push(
      pairedRow({
        benchmark: 'search',
        case: 'GET /version while one client searches',
        metric: `p99 latency (1 client, ${LATENCY_SAMPLES} requests)`,
        value: busy.p99,
        baseline: idle.p99,
        baselineName: 'idle',
        unit: ms,
        goal: 'within 2× of idle',
      }),
    );
    return rows;
  } finally {
    index.close();
    await local.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Indexes the same documents into the Media2Cloud domain's `content` index over its REST API, signed as the
 * pipeline signs: `_bulk` in batches of 500, one request after the other, as a bulk loader sends them.
 */
async function indexThroughEndpoint(local: LocalMode): Promise<{ rate: number; how: string }> {
  const domain = domainEndpoint(local);
  const documents = [...syntheticDocuments(DOCUMENTS)];
  const bulkBody = (batch: readonly SearchDocument[]) =>
    batch
      .map((document) => `${JSON.stringify({ index: { _id: document.uuid } })}\n${JSON.stringify(document)}\n`)
      .join('');
  const started = performance.now();
  for (let start = 0; start < documents.length; start += BULK_BATCH) {
    const response = await request(`${domain}/${CONTENT_INDEX}/_bulk`, {
      method: 'POST',
      body: bulkBody(documents.slice(start, start + BULK_BATCH)),
      headers: { 'Content-Type': 'application/x-ndjson' },
      credentials: local.credentials,
      region: local.region,
      service: 'es',
    });
    if (response.status !== 200 || response.json<{ errors?: boolean }>().errors) {
      throw new Error(`_bulk: ${response.status} ${response.text.slice(0, 300)}`);
    }
  }
  return { rate: (DOCUMENTS / (performance.now() - started)) * 1000, how: `_bulk, ${BULK_BATCH} per request` };
}

/** The Media2Cloud domain's `DomainEndpoint`, as its functions have it in their environment. */
function domainEndpoint(local: LocalMode): string {
  const base = local.outputs.Local?.SearchEndpoint ?? '';
  for (const fn of local.functions.values()) {
    for (const value of Object.values(fn.spec.environment)) {
      if (base && value.startsWith(`${base}/`)) return value.replace(/\/$/, '');
    }
  }
  throw new Error(`No function has a domain endpoint under ${base}`);
}
