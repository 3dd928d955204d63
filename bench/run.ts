#!/usr/bin/env node
/**
 * `npm run bench`: speed targets live here, never in timed unit tests. Each benchmark prints rows of one table.
 * Select benchmarks by name: `npm run bench -- local-api search`.
 *
 * Rows with a goal are measured side by side with a paired baseline in the same run (`pairedRow`): the reference
 * cell gives the baseline and the ratio value ÷ baseline, so a loaded machine slows both and the ratio still reads.
 */
import { aiBenchmark } from './ai';
import { aiPipelineBenchmark } from './ai-pipeline';
import { ingestBenchmark } from './ingest';
import { kvsBenchmark } from './kvs';
import { lambdaWorkerBenchmark } from './lambda-worker';
import { localApiBenchmark } from './local-api';
import { pixopBenchmark } from './pixop';
import { searchBenchmark } from './search';
import { startBenchmark } from './start';
import { workflowBenchmark } from './workflow';
import { printTable, type BenchRow } from './table';

const BENCHMARKS: Record<string, () => Promise<BenchRow[]>> = {
  start: startBenchmark,
  'local-api': localApiBenchmark,
  'lambda-worker': lambdaWorkerBenchmark,
  search: searchBenchmark,
  workflow: workflowBenchmark,
  ingest: ingestBenchmark,
  kvs: kvsBenchmark,
  ai: aiBenchmark,
  'ai-pipeline': aiPipelineBenchmark,
  pixop: pixopBenchmark,
};

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const selected = process.argv.slice(2);
  const unknown = selected.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0)
    throw new Error(`Unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  const rows: BenchRow[] = [];
  for (const [name, run] of Object.entries(BENCHMARKS)) {
    if (selected.length > 0 && !selected.includes(name)) continue;
    console.error(`running ${name} ...`);
    try {
      const produced = await run();
      // As each benchmark ends, on stderr: a long run cut short still leaves what it measured.
      printTable(produced, (line) => console.error(line));
      rows.push(...produced);
    } catch (error) {
      // The other benchmarks' rows still count: the failure gets its row and the exit code.
      console.error(error);
      rows.push({ benchmark: name, case: 'failed', metric: 'error', value: String(error).slice(0, 200) });
      process.exitCode = 1;
    }
  }
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
