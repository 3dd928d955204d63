import { addToSet, statisticSet, type TimedStatisticSet } from './alarm-evaluation';

/** A metric as CloudWatch identifies one: namespace, name and the whole set of dimensions. */
export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** How long samples are kept: CloudWatch refuses alarms whose periods times EvaluationPeriods exceed one day. */
const RETENTION_MS = 25 * 60 * 60 * 1000;
/** CloudWatch's finest resolution (high-resolution metrics): no alarm period is shorter. */
const SECOND_MS = 1000;

export function metricKey({ namespace, metricName, dimensions }: MetricId): string {
  const sorted = Object.keys(dimensions)
    .sort()
    .map((name) => [name, dimensions[name]]);
  return JSON.stringify([namespace, metricName, sorted]);
}

/**
 * The samples local engines publish (what `PutMetricData` would receive), kept in memory for a day: a restart starts
 * with no history, as a freshly created metric would. Each second's samples are kept summed up as a statistic set,
 * as CloudWatch stores them: a metric put on every invocation costs the same whatever the traffic, and an alarm's
 * statistic over a period is exact.
 */
export class MetricStore {
  /** Per metric, its seconds in the order they first received a sample. */
  private readonly series = new Map<string, Map<number, TimedStatisticSet>>();
  private readonly listeners: Array<(key: string) => void> = [];

  constructor(private readonly clock: () => number = Date.now) {}

  put(metric: MetricId, value: number, timestamp = this.clock()): void {
    const key = metricKey(metric);
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = new Map()));
    const second = Math.floor(timestamp / SECOND_MS) * SECOND_MS;
    const set = series.get(second);
    if (set) addToSet(set, statisticSet(value));
    else series.set(second, { timestamp: second, ...statisticSet(value) });
    // The oldest seconds come first (a sample dated in the past is rare): drop them once they are a day old.
    for (const [start] of series) {
      if (start >= timestamp - RETENTION_MS) break;
      series.delete(start);
    }
    for (const listener of this.listeners) listener(key);
  }

  /** The metric's seconds from `from` (inclusive) to `to` (exclusive), epoch milliseconds. */
  samplesBetween(key: string, from: number, to: number): TimedStatisticSet[] {
    const series = this.series.get(key);
    if (!series) return [];
    const first = Math.floor(from / SECOND_MS) * SECOND_MS;
    if ((to - first) / SECOND_MS < series.size) {
      const sets: TimedStatisticSet[] = [];
      for (let second = first; second < to; second += SECOND_MS) {
        const set = series.get(second);
        if (set) sets.push(set);
      }
      return sets;
    }
    return [...series.values()].filter(({ timestamp }) => timestamp >= first && timestamp < to);
  }

  /** Called with the metric's key after each sample. */
  onPut(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }
}
