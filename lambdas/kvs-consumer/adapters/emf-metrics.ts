import type { ConsumerMetrics, MetricName } from '../domain/ports';

type Unit = 'Count' | 'Bytes' | 'Milliseconds';

/**
 * Metrics as CloudWatch Embedded Metric Format log lines (one JSON object per line on stdout, which Lambda sends to
 * CloudWatch Logs, where the metrics are extracted): no PutMetricData call on the path of every fragment.
 */
export class EmbeddedMetrics implements ConsumerMetrics {
  private readonly sums = new Map<string, { stream: string; name: string; unit: Unit; values: number[] }>();

  constructor(
    private readonly namespace: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  fragment(stream: string, values: { bytes: number; millisBehindNow?: number; gapMs: number }): void {
    this.add(stream, 'FragmentsArchived', 'Count', 1);
    this.add(stream, 'BytesArchived', 'Bytes', values.bytes);
    if (values.millisBehindNow !== undefined)
      this.add(stream, 'MillisBehindNow', 'Milliseconds', values.millisBehindNow);
    if (values.gapMs > 0) {
      this.add(stream, 'FragmentGaps', 'Count', 1);
      this.add(stream, 'GapMilliseconds', 'Milliseconds', values.gapMs);
    }
  }

  count(stream: string, name: MetricName, value = 1): void {
    this.add(stream, name, 'Count', value);
  }

  flush(): void {
    const byStream = new Map<string, Array<{ name: string; unit: Unit; values: number[] }>>();
    for (const entry of this.sums.values()) {
      const list = byStream.get(entry.stream) ?? [];
      list.push(entry);
      byStream.set(entry.stream, list);
    }
    for (const [stream, entries] of byStream) {
      const document: Record<string, unknown> = {
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [
            {
              Namespace: this.namespace,
              Dimensions: [['StreamName']],
              Metrics: entries.map(({ name, unit }) => ({ Name: name, Unit: unit })),
            },
          ],
        },
        StreamName: stream,
      };
      for (const { name, values } of entries) document[name] = values.length === 1 ? values[0] : values;
      this.write(JSON.stringify(document));
    }
    this.sums.clear();
  }

  private add(stream: string, name: string, unit: Unit, value: number): void {
    const key = `${stream}\n${name}`;
    const entry = this.sums.get(key) ?? { stream, name, unit, values: [] };
    // EMF takes up to 100 values per metric per document; counts are summed, other values kept for statistics.
    if (unit === 'Count' && entry.values.length > 0) entry.values[0] = (entry.values[0] as number) + value;
    else if (entry.values.length < 100) entry.values.push(value);
    this.sums.set(key, entry);
  }
}
