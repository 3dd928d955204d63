import type { MetricId } from './metrics';

export interface EmbeddedSample {
  readonly metric: MetricId;
  readonly value: number;
  readonly timestamp: number;
}

interface MetricDirective {
  readonly Namespace?: unknown;
  readonly Dimensions?: unknown;
  readonly Metrics?: unknown;
}

/**
 * The samples of one log line in CloudWatch's embedded metric format, as CloudWatch Logs extracts them: for each
 * directive of `_aws.CloudWatchMetrics`, each metric's value (a number, or an array of up to 100) under each of its
 * dimension sets, at `_aws.Timestamp`. A line that is not such a document has none; so has a directive that names a
 * dimension or metric the document lacks, which CloudWatch also skips.
 */
export function embeddedMetrics(line: string): EmbeddedSample[] {
  if (!line.includes('"CloudWatchMetrics"')) return [];
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return [];
  }
  const metadata = document?._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (typeof metadata?.Timestamp !== 'number' || !Array.isArray(metadata.CloudWatchMetrics)) return [];
  const timestamp = metadata.Timestamp;
  const samples: EmbeddedSample[] = [];
  for (const directive of metadata.CloudWatchMetrics as MetricDirective[]) {
    if (typeof directive?.Namespace !== 'string' || !Array.isArray(directive.Metrics)) continue;
    const dimensionSets = Array.isArray(directive.Dimensions) ? (directive.Dimensions as unknown[]) : [[]];
    for (const set of dimensionSets) {
      if (!Array.isArray(set) || !set.every((name) => typeof document[name as string] === 'string')) continue;
      const dimensions = Object.fromEntries(set.map((name: string) => [name, document[name] as string]));
      for (const definition of directive.Metrics as Array<{ Name?: unknown }>) {
        if (typeof definition?.Name !== 'string') continue;
        const raw = document[definition.Name];
        const values = Array.isArray(raw) ? raw : [raw];
        for (const value of values) {
          if (typeof value !== 'number') continue;
          samples.push({
            metric: { namespace: directive.Namespace, metricName: definition.Name, dimensions },
            value,
            timestamp,
          });
        }
      }
    }
  }
  return samples;
}
