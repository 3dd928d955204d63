/**
 * CloudWatch's evaluation of a metric alarm, as its user guide describes it ("Evaluating an alarm", "How alarm state
 * is evaluated when data is missing"): plain functions of the alarm's settings, the metric's datapoints and a clock,
 * so they can be driven with injected datapoints.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export type Statistic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';

export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

export type ComparisonOperator =
  'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export interface AlarmSettings {
  readonly statistic: Statistic;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** M of "M out of N"; CloudWatch's default is EvaluationPeriods. */
  readonly datapointsToAlarm: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly threshold: number;
  readonly treatMissingData: TreatMissingData;
}

/** One value the metric received (a sample). */
export interface Sample {
  readonly timestamp: number;
  readonly value: number;
}

/** The samples of one second (`timestamp`, epoch ms, the second's start), summed up. */
export interface TimedStatisticSet extends StatisticSet {
  readonly timestamp: number;
}

/** One period's statistic: what the alarm compares with its threshold. */
export interface Datapoint {
  /** Start of the period, epoch milliseconds. */
  readonly timestamp: number;
  readonly value: number;
  readonly breaching: boolean;
}

export interface Evaluation {
  /** The state the alarm must be in; `undefined` keeps the current one (`ignore` with too little data). */
  readonly state?: AlarmState;
  /** The real datapoints that decided it, newest first. */
  readonly datapoints: readonly Datapoint[];
  /** How many missing datapoints were filled in as `treatMissingData` says. */
  readonly filled: number;
}

export const STATISTICS: ReadonlySet<string> = new Set(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);

export const TREAT_MISSING_DATA: ReadonlySet<string> = new Set(['missing', 'ignore', 'breaching', 'notBreaching']);

export const COMPARISON_OPERATORS: ReadonlySet<string> = new Set([
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
]);

/**
 * How many periods CloudWatch looks at: more than EvaluationPeriods (the "evaluation range"), so that real datapoints
 * from a little further back are used before any missing one is filled in. The guide's examples retrieve 5 datapoints
 * for 3 evaluation periods; local mode always looks two periods further back.
 */
export const EXTRA_PERIODS_IN_RANGE = 2;

export function compare(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/**
 * Samples summed up as CloudWatch keeps them (`PutMetricData`'s `StatisticValues`): every statistic an alarm may use
 * follows from these four, whatever the number of samples.
 */
export interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

export function statisticSet(value: number): StatisticSet {
  return { sampleCount: 1, sum: value, minimum: value, maximum: value };
}

export function addToSet(set: StatisticSet, other: Readonly<StatisticSet>): void {
  set.sampleCount += other.sampleCount;
  set.sum += other.sum;
  set.minimum = Math.min(set.minimum, other.minimum);
  set.maximum = Math.max(set.maximum, other.maximum);
}

export function statisticOf(statistic: Statistic, set: Readonly<StatisticSet>): number {
  switch (statistic) {
    case 'SampleCount':
      return set.sampleCount;
    case 'Sum':
      return set.sum;
    case 'Average':
      return set.sum / set.sampleCount;
    case 'Minimum':
      return set.minimum;
    case 'Maximum':
      return set.maximum;
  }
}

/**
 * The datapoints of the evaluation range, oldest first, `undefined` where the metric received nothing in a period.
 * Periods are aligned on multiples of the period since the epoch; the newest is the one `now` falls in.
 */
/** The time the evaluation range covers, epoch milliseconds: `from` inclusive, `to` exclusive. */
export function evaluationWindow(settings: AlarmSettings, now: number): { from: number; to: number } {
  const periodMs = settings.periodSeconds * 1000;
  const newest = Math.floor(now / periodMs) * periodMs;
  const count = settings.evaluationPeriods + EXTRA_PERIODS_IN_RANGE;
  return { from: newest - (count - 1) * periodMs, to: newest + periodMs };
}

export function evaluationRange(
  settings: AlarmSettings,
  samples: Iterable<Sample | TimedStatisticSet>,
  now: number,
): Array<Datapoint | undefined> {
  const periodMs = settings.periodSeconds * 1000;
  const count = settings.evaluationPeriods + EXTRA_PERIODS_IN_RANGE;
  const { from: oldest, to } = evaluationWindow(settings, now);
  const byPeriod = new Map<number, StatisticSet>();
  for (const sample of samples) {
    const { timestamp } = sample;
    if (timestamp < oldest || timestamp >= to) continue;
    const start = Math.floor(timestamp / periodMs) * periodMs;
    const set = 'value' in sample ? statisticSet(sample.value) : sample;
    const period = byPeriod.get(start);
    if (period) addToSet(period, set);
    else byPeriod.set(start, { ...set });
  }
  return Array.from({ length: count }, (_, index) => {
    const timestamp = oldest + index * periodMs;
    const set = byPeriod.get(timestamp);
    if (!set) return undefined;
    const value = statisticOf(settings.statistic, set);
    return { timestamp, value, breaching: compare(value, settings.comparisonOperator, settings.threshold) };
  });
}

/**
 * The state the datapoints put the alarm in:
 * - with at least EvaluationPeriods real datapoints in the range, the most recent EvaluationPeriods of them decide,
 *   and how missing data is treated does not matter;
 * - with fewer, every real datapoint counts and the rest are filled in as `treatMissingData` says (`breaching`,
 *   `notBreaching`); `missing` and `ignore` fill in nothing: M breaching datapoints still alarm, a non-breaching
 *   one makes it OK, and otherwise `missing` gives INSUFFICIENT_DATA (ALARM when the breaching datapoints are all
 *   older than the last EvaluationPeriods periods: the metric stopped after breaching) and `ignore` keeps the state;
 * - ALARM when at least DatapointsToAlarm of the evaluated datapoints breach, OK otherwise.
 * These rules reproduce every row of the guide's two example tables (3 of 3 and 2 of 3, over 5 datapoints).
 */
export function evaluate(settings: AlarmSettings, range: ReadonlyArray<Datapoint | undefined>): Evaluation {
  const n = settings.evaluationPeriods;
  const m = settings.datapointsToAlarm;
  const real = range.filter((datapoint): datapoint is Datapoint => datapoint !== undefined).reverse();
  if (real.length >= n) {
    const evaluated = real.slice(0, n);
    const breaching = evaluated.filter((datapoint) => datapoint.breaching).length;
    return { state: breaching >= m ? 'ALARM' : 'OK', datapoints: evaluated, filled: 0 };
  }
  const missing = n - real.length;
  const breaching = real.filter((datapoint) => datapoint.breaching).length;
  switch (settings.treatMissingData) {
    case 'breaching':
      return { state: breaching + missing >= m ? 'ALARM' : 'OK', datapoints: real, filled: missing };
    case 'notBreaching':
      return { state: breaching >= m ? 'ALARM' : 'OK', datapoints: real, filled: missing };
    case 'missing':
    case 'ignore': {
      if (breaching >= m) return { state: 'ALARM', datapoints: real, filled: 0 };
      if (breaching < real.length) return { state: 'OK', datapoints: real, filled: 0 };
      if (settings.treatMissingData === 'ignore') return { state: undefined, datapoints: real, filled: 0 };
      const recent = range.slice(-n);
      const stoppedAfterBreaching = real.length > 0 && recent.every((datapoint) => datapoint === undefined);
      return { state: stoppedAfterBreaching ? 'ALARM' : 'INSUFFICIENT_DATA', datapoints: real, filled: 0 };
    }
  }
}
