/** A model's run as an analysis record keeps it: the feature and its `startTime`/`endTime` (epoch ms). */
export interface ModelRun {
  readonly record: string;
  readonly feature: string;
  readonly startTime: number;
  readonly endTime: number;
}

/** The analysis record attributes that hold AI services' results (mediaplane's own text analyzers are not models). */
const MODEL_KEYS = ['rekognition', 'transcribe', 'comprehend', 'textract'] as const;

const isRun = (value: unknown): value is { startTime: number; endTime: number } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { startTime?: unknown }).startTime === 'number' &&
  typeof (value as { endTime?: unknown }).endTime === 'number';

/**
 * Every model run the analysis records (`GET /analysis/{uuid}`) carry: `transcribe` and `textract` themselves, and each
 * feature under `rekognition` (label, face, text, segment…) and `comprehend` (keyphrase, entity…).
 */
export function modelRuns(records: ReadonlyArray<Readonly<Record<string, unknown>>>): ModelRun[] {
  const runs: ModelRun[] = [];
  for (const record of records) {
    const type = String(record.type);
    for (const key of MODEL_KEYS) {
      const entry = record[key];
      if (isRun(entry)) {
        runs.push({ record: type, feature: key, startTime: entry.startTime, endTime: entry.endTime });
        continue;
      }
      if (typeof entry !== 'object' || entry === null) continue;
      for (const [feature, value] of Object.entries(entry)) {
        if (isRun(value))
          runs.push({ record: type, feature: `${key}.${feature}`, startTime: value.startTime, endTime: value.endTime });
      }
    }
  }
  return runs;
}

/** The runs' durations added up (concurrent runs each count in full). */
export function totalMs(runs: readonly ModelRun[]): number {
  return runs.reduce((sum, run) => sum + Math.max(0, run.endTime - run.startTime), 0);
}

/** The time at least one run was going: the length of the union of their intervals. */
export function busyMs(runs: readonly ModelRun[]): number {
  const sorted = [...runs].sort((a, b) => a.startTime - b.startTime);
  let busy = 0;
  let start = Number.NaN;
  let end = Number.NaN;
  for (const run of sorted) {
    if (Number.isNaN(end) || run.startTime > end) {
      if (!Number.isNaN(end)) busy += end - start;
      start = run.startTime;
      end = run.endTime;
    } else {
      end = Math.max(end, run.endTime);
    }
  }
  return Number.isNaN(end) ? 0 : busy + end - start;
}
