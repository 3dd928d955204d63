import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalSearchIndex } from '../lambdas/media2cloud/search/local/local-search-index';
import {
  SYNTHETIC_QUERIES,
  bulkIndexSynthetic,
  encodeSearchQuery,
  parseSearchRequest,
} from '../lambdas/media2cloud/search';
import { ms, percentile, type BenchRow } from './table';

const DOCUMENTS = 10_000;
const ROUNDS = 20;

/** Media2Cloud search on the local engine (SQLite FTS5): p50/p99 over 10,000 indexed documents. */
export async function searchBenchmark(): Promise<BenchRow[]> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-search-'));
  const index = LocalSearchIndex.open(path.join(directory, 'search.db'));
  try {
    let started = performance.now();
    bulkIndexSynthetic(index, DOCUMENTS);
    const indexMs = performance.now() - started;
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const text of SYNTHETIC_QUERIES) {
        const request = parseSearchRequest({ query: { query: encodeSearchQuery(text) } });
        started = performance.now();
        index.search(request);
        samples.push(performance.now() - started);
      }
    }
    return [
      { benchmark: 'search', case: `index ${DOCUMENTS} documents`, metric: 'wall time', value: ms(indexMs) },
      {
        benchmark: 'search',
        case: `${samples.length} queries`,
        metric: 'p50 latency',
        value: ms(percentile(samples, 50)),
      },
      {
        benchmark: 'search',
        case: `${samples.length} queries`,
        metric: 'p99 latency',
        value: ms(percentile(samples, 99)),
      },
    ];
  } finally {
    index.close();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
