export interface BenchRow {
  readonly benchmark: string;
  readonly case: string;
  readonly metric: string;
  readonly value: string;
  /** A reference to read the value against (the original's figure, or the tool doing the same work alone). */
  readonly reference?: string;
}

export function printTable(rows: readonly BenchRow[]): void {
  const headers = ['benchmark', 'case', 'metric', 'value', 'reference'] as const;
  const cells = rows.map((row) => [row.benchmark, row.case, row.metric, row.value, row.reference ?? '']);
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((line) => line[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    `| ${values.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of cells) console.log(line(row));
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
