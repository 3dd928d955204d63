export interface BenchRow {
  readonly benchmark: string;
  readonly case: string;
  readonly metric: string;
  readonly value: string;
  /** A reference to read the value against (the original's figure, or the tool doing the same work alone). */
  readonly reference?: string;
}

/**
 * A row measured side by side with its paired baseline in the same run (the same work done by the floor: a trivial
 * server with the same client, the engine in-process, the service idle): the reference cell reads
 * `<baseline>: <value>; ratio <value ÷ baseline>×[; goal …]`, one format for every paired row of the table.
 */
export function pairedRow(row: {
  readonly benchmark: string;
  readonly case: string;
  readonly metric: string;
  readonly value: number;
  readonly baseline: number;
  /** What the baseline is: `trivial Node server, same client`, `in-process`, `idle`, … */
  readonly baselineName: string;
  readonly unit: (value: number) => string;
  readonly goal?: string;
  /** Said after the value, such as `p99 12.0 ms` next to a throughput. */
  readonly valueNote?: string;
  readonly baselineNote?: string;
}): BenchRow {
  const note = (text?: string) => (text ? ` (${text})` : '');
  return {
    benchmark: row.benchmark,
    case: row.case,
    metric: row.metric,
    value: `${row.unit(row.value)}${note(row.valueNote)}`,
    reference:
      `${row.baselineName}: ${row.unit(row.baseline)}${note(row.baselineNote)}; ` +
      `ratio ${(row.value / row.baseline).toFixed(2)}×${row.goal ? `; goal ${row.goal}` : ''}`,
  };
}

export function printTable(rows: readonly BenchRow[], write: (line: string) => void = console.log): void {
  const headers = ['benchmark', 'case', 'metric', 'value', 'reference'] as const;
  const cells = rows.map((row) => [row.benchmark, row.case, row.metric, row.value, row.reference ?? '']);
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((line) => line[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    `| ${values.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  write(line(headers));
  write(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of cells) write(line(row));
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const perSecond =
  (what: string) =>
  (value: number): string =>
    `${Math.round(value).toLocaleString('en-US')} ${what}/s`;
