import type { Sample } from './alarm-evaluation';

/** A metric as CloudWatch identifies one: namespace, name and the whole set of dimensions. */
export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** How long samples are kept: CloudWatch refuses alarms whose periods times EvaluationPeriods exceed one day. */
const RETENTION_MS = 25 * 60 * 60 * 1000;

export function metricKey({ namespace, metricName, dimensions }: MetricId): string {
  const sorted = Object.keys(dimensions)
    .sort()
    .map((name) => [name, dimensions[name]]);
  return JSON.stringify([namespace, metricName, sorted]);
}

/**
 * The samples local engines publish (what `PutMetricData` would receive), kept in memory for a day: a restart starts
 * with no history, as a freshly created metric would.
 */
export class MetricStore {
  private readonly samples = new Map<string, Sample[]>();
  private readonly listeners: Array<(key: string) => void> = [];

  constructor(private readonly clock: () => number = Date.now) {}

  put(metric: MetricId, value: number, timestamp = this.clock()): void {
    const key = metricKey(metric);
    const kept = (this.samples.get(key) ?? []).filter((sample) => sample.timestamp >= timestamp - RETENTION_MS);
    kept.push({ timestamp, value });
    this.samples.set(key, kept);
    for (const listener of this.listeners) listener(key);
  }

  samplesOf(key: string): readonly Sample[] {
    return this.samples.get(key) ?? [];
  }

  /** Called with the metric's key after each sample. */
  onPut(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }
}
