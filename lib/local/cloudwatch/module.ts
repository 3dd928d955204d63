import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StackResolver } from '../intrinsics';
import type { LocalService, LocalServiceModule } from '../service-module';
import type { SnsService } from '../sns/module';
import type { SqsService } from '../sqs/module';
import {
  COMPARISON_OPERATORS,
  evaluate,
  evaluationRange,
  evaluationWindow,
  STATISTICS,
  TREAT_MISSING_DATA,
  type AlarmSettings,
  type AlarmState,
  type ComparisonOperator,
  type Datapoint,
  type Evaluation,
  type Statistic,
  type TreatMissingData,
} from './alarm-evaluation';
import { embeddedMetrics } from './embedded-metrics';
import { metricKey, MetricStore, type MetricId } from './metrics';

export type { AlarmState } from './alarm-evaluation';

/** An alarm's template properties, resolved (the subset a metric alarm on one metric has). */
interface AlarmProperties {
  readonly AlarmName?: string;
  readonly AlarmDescription?: string;
  readonly ActionsEnabled?: boolean | string;
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Metrics?: unknown;
  readonly ExtendedStatistic?: string;
  readonly Dimensions?: ReadonlyArray<{ Name: string; Value: string }>;
  readonly Statistic?: string;
  readonly Period?: number | string;
  readonly EvaluationPeriods?: number | string;
  readonly DatapointsToAlarm?: number | string;
  readonly Threshold?: number | string;
  readonly ComparisonOperator?: string;
  readonly TreatMissingData?: string;
  readonly AlarmActions?: readonly string[];
  readonly OKActions?: readonly string[];
  readonly InsufficientDataActions?: readonly string[];
}

interface WatchedAlarm {
  readonly name: string;
  readonly arn: string;
  readonly properties: AlarmProperties;
  readonly settings: AlarmSettings;
  readonly metric: MetricId;
  readonly metricKey: string;
}

export interface CloudWatchService extends LocalService {
  /** An alarm's state, by name: `INSUFFICIENT_DATA` until it was first evaluated, and for alarms not evaluated locally. */
  alarmState(alarmName: string): AlarmState;
  /** Records one sample of a metric, as the AWS service owning the namespace publishes it (`PutMetricData`). */
  putMetric(metric: MetricId, value: number, timestamp?: number): void;
  /** Extracts the metrics of a function's log line in embedded metric format, as CloudWatch Logs does. */
  putLogLine(line: string): void;
}

/** How often CloudWatch evaluates an alarm; local mode also evaluates at once when the alarm's metric receives a sample. */
const EVALUATION_INTERVAL_MS = 60_000;

/** SQS publishes a queue's depth once a minute; local mode samples it then, and whenever a message arrives. */
const SQS_DEPTH: Pick<MetricId, 'namespace' | 'metricName'> = {
  namespace: 'AWS/SQS',
  metricName: 'ApproximateNumberOfMessagesVisible',
};

/**
 * CloudWatch metric alarms, evaluated as CloudWatch evaluates them (see `alarm-evaluation.ts`: Statistic over each
 * Period, M out of N, ComparisonOperator, Threshold, TreatMissingData) on the metrics local engines publish: Lambda's
 * `Invocations`, `Errors`, `Throttles` and `Duration` (dimension `FunctionName`), Step Functions' `ExecutionsStarted`,
 * `ExecutionsSucceeded`, `ExecutionsFailed`, `ExecutionsAborted`, `ExecutionsTimedOut` and `ExecutionTime`
 * (`StateMachineArn`), SQS's `ApproximateNumberOfMessagesVisible` (`QueueName`: the messages its file holds,
 * sampled every minute and on each message), and what functions log in embedded metric format. Alarms are evaluated at start, every minute and on each sample of their
 * metric; a change of state runs its actions as CloudWatch does, publishing the alarm's notification to its SNS topics.
 * States are kept in `<dataDir>/cloudwatch/alarms.json`, so a restart does not notify again; metrics are kept in
 * memory. Alarms on metric math or percentiles stay `INSUFFICIENT_DATA`.
 */
export const cloudWatchModule: LocalServiceModule = {
  name: 'cloudwatch',
  resourceTypes: {
    'AWS::CloudWatch::Alarm': {
      physicalId: ({ explicit, generated }) => explicit('AlarmName') ?? generated.slice(0, 255),
      arn: ({ name, region, accountId }) => `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`,
    },
  },
  async start({ cloud, directory }): Promise<CloudWatchService> {
    const stateFile = path.join(directory, 'alarms.json');
    const states: Record<string, AlarmState> = fs.existsSync(stateFile)
      ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Record<string, AlarmState>)
      : {};
    const metrics = new MetricStore();
    const watched: WatchedAlarm[] = [];
    const sampledQueues = new Set<string>();
    let timer: NodeJS.Timeout | undefined;

    const evaluateAlarm = (alarm: WatchedAlarm) => {
      const now = Date.now();
      const { from, to } = evaluationWindow(alarm.settings, now);
      const result = evaluate(
        alarm.settings,
        evaluationRange(alarm.settings, metrics.samplesBetween(alarm.metricKey, from, to), now),
      );
      const previous = states[alarm.name] ?? 'INSUFFICIENT_DATA';
      const next = result.state ?? previous;
      if (next === previous) return;
      states[alarm.name] = next;
      fs.writeFileSync(stateFile, JSON.stringify(states), { mode: 0o600 });
      if (String(alarm.properties.ActionsEnabled) === 'false') return;
      const { properties } = alarm;
      const actions =
        (next === 'ALARM'
          ? properties.AlarmActions
          : next === 'OK'
            ? properties.OKActions
            : properties.InsufficientDataActions) ?? [];
      const notification = alarmNotification(
        alarm,
        previous,
        next,
        result,
        new Date(now),
        cloud.region,
        cloud.accountId,
      );
      for (const action of actions) {
        if (!action.startsWith('arn:aws:sns:')) {
          cloud.log(`Alarm ${alarm.name}: action ${action} is not run locally (only SNS topics are)`);
          continue;
        }
        cloud
          .service<SnsService>('sns')
          .publish(action, JSON.stringify(notification), notificationSubject(alarm, next, cloud.region));
      }
    };
    const evaluateAll = (key?: string) => {
      for (const alarm of watched) if (key === undefined || alarm.metricKey === key) evaluateAlarm(alarm);
    };
    const sampleQueue = (queueName: string) => {
      if (!sampledQueues.has(queueName)) return;
      const depth = cloud.service<SqsService>('sqs').messages(queueName).length;
      metrics.put({ ...SQS_DEPTH, dimensions: { QueueName: queueName } }, depth);
    };

    return {
      alarmState: (alarmName) => states[alarmName] ?? 'INSUFFICIENT_DATA',
      putMetric: (metric, value, timestamp) => metrics.put(metric, value, timestamp),
      putLogLine: (line) => {
        for (const sample of embeddedMetrics(line)) metrics.put(sample.metric, sample.value, sample.timestamp);
      },
      deployed(stacks: readonly StackResolver[]) {
        for (const resolver of stacks) {
          for (const [logicalId, resource] of resolver.resourcesOfType('AWS::CloudWatch::Alarm')) {
            const name = resolver.physicalId(logicalId);
            const properties = resolver.resolve(resource.Properties ?? {}) as AlarmProperties;
            const settings = alarmSettings(properties);
            if (!settings || properties.Namespace === undefined || properties.MetricName === undefined) {
              cloud.log(`Alarm ${name}: metric math and percentile alarms are not evaluated locally`);
              continue;
            }
            const metric: MetricId = {
              namespace: properties.Namespace,
              metricName: properties.MetricName,
              dimensions: Object.fromEntries((properties.Dimensions ?? []).map(({ Name, Value }) => [Name, Value])),
            };
            watched.push({
              name,
              arn: resolver.arn(logicalId),
              properties,
              settings,
              metric,
              metricKey: metricKey(metric),
            });
            const queueName = metric.dimensions.QueueName;
            if (metric.namespace === SQS_DEPTH.namespace && metric.metricName === SQS_DEPTH.metricName && queueName) {
              sampledQueues.add(queueName);
            }
          }
        }
        if (watched.length === 0) return;
        metrics.onPut((key) => evaluateAll(key));
        cloud.service<SqsService>('sqs').onSend((queueName) => sampleQueue(queueName));
        sampledQueues.forEach(sampleQueue);
        evaluateAll();
        timer = setInterval(() => {
          sampledQueues.forEach(sampleQueue);
          evaluateAll();
        }, EVALUATION_INTERVAL_MS);
        timer.unref();
      },
      quiesce: () => clearInterval(timer),
      close: () => clearInterval(timer),
    };
  },
};

/** The alarm's evaluation settings, with CloudWatch's defaults; `undefined` for what local mode cannot evaluate. */
function alarmSettings(properties: AlarmProperties): AlarmSettings | undefined {
  if (properties.Metrics !== undefined || !STATISTICS.has(properties.Statistic ?? '')) return undefined;
  const evaluationPeriods = Number(properties.EvaluationPeriods ?? 1);
  const treatMissingData = properties.TreatMissingData ?? 'missing';
  const comparisonOperator = properties.ComparisonOperator ?? '';
  if (!TREAT_MISSING_DATA.has(treatMissingData) || !COMPARISON_OPERATORS.has(comparisonOperator)) return undefined;
  return {
    statistic: properties.Statistic as Statistic,
    periodSeconds: Number(properties.Period ?? 60),
    evaluationPeriods,
    datapointsToAlarm: Number(properties.DatapointsToAlarm ?? evaluationPeriods),
    comparisonOperator: comparisonOperator as ComparisonOperator,
    threshold: Number(properties.Threshold),
    treatMissingData: treatMissingData as TreatMissingData,
  };
}

const OPERATOR_WORDS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/** The region's name as CloudWatch writes it in notifications. */
const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-central-1': 'EU (Frankfurt)',
};

function notificationSubject(alarm: WatchedAlarm, state: AlarmState, region: string): string {
  // SNS limits a subject to 100 characters; CloudWatch shortens what would be longer.
  return `${state}: "${alarm.name}" in ${REGION_NAMES[region] ?? region}`.slice(0, 100);
}

/** The message CloudWatch publishes to an alarm's topics on a change of state. */
function alarmNotification(
  alarm: WatchedAlarm,
  previous: AlarmState,
  next: AlarmState,
  evaluation: Evaluation,
  now: Date,
  region: string,
  accountId: string,
) {
  const { properties } = alarm;
  return {
    AlarmName: alarm.name,
    AlarmDescription: properties.AlarmDescription ?? null,
    AWSAccountId: accountId,
    AlarmConfigurationUpdatedTimestamp: now.toISOString().replace('Z', '+0000'),
    NewStateValue: next,
    NewStateReason: stateReason(alarm.settings, previous, next, evaluation),
    StateChangeTime: now.toISOString().replace('Z', '+0000'),
    Region: REGION_NAMES[region] ?? region,
    AlarmArn: alarm.arn,
    OldStateValue: previous,
    OKActions: properties.OKActions ?? [],
    AlarmActions: properties.AlarmActions ?? [],
    InsufficientDataActions: properties.InsufficientDataActions ?? [],
    Trigger: {
      MetricName: properties.MetricName,
      Namespace: properties.Namespace,
      StatisticType: 'Statistic',
      Statistic: String(properties.Statistic).toUpperCase(),
      Unit: null,
      Dimensions: (properties.Dimensions ?? []).map(({ Name, Value }) => ({ value: Value, name: Name })),
      Period: Number(properties.Period),
      EvaluationPeriods: Number(properties.EvaluationPeriods),
      ...(properties.DatapointsToAlarm === undefined
        ? {}
        : { DatapointsToAlarm: Number(properties.DatapointsToAlarm) }),
      ComparisonOperator: properties.ComparisonOperator,
      Threshold: alarm.settings.threshold,
      TreatMissingData: properties.TreatMissingData ?? '',
      EvaluateLowSampleCountPercentile: '',
    },
  };
}

/**
 * CloudWatch's reason for a change of state: the datapoints that decided it (the breaching ones for ALARM, the others
 * for OK), values with one decimal and the periods' start times, newest first.
 */
function stateReason(settings: AlarmSettings, previous: AlarmState, next: AlarmState, evaluation: Evaluation): string {
  const n = settings.evaluationPeriods;
  if (next === 'INSUFFICIENT_DATA') {
    return `Insufficient Data: ${n} datapoint${n === 1 ? ' was' : 's were'} unknown.`;
  }
  const alarming = next === 'ALARM';
  const shown = evaluation.datapoints.filter((datapoint) => datapoint.breaching === alarming);
  const list = shown.map(
    (datapoint: Datapoint) => `${datapoint.value.toFixed(1)} (${datapointTime(new Date(datapoint.timestamp))})`,
  );
  const filled =
    evaluation.filled === 0
      ? ''
      : ` and ${evaluation.filled} missing datapoint${evaluation.filled === 1 ? ' was' : 's were'} treated as ` +
        `[${settings.treatMissingData === 'breaching' ? 'Breaching' : 'NonBreaching'}]`;
  const m = settings.datapointsToAlarm;
  return (
    `Threshold Crossed: ${shown.length} out of the last ${n} datapoint${n === 1 ? '' : 's'} [${list.join(', ')}] ` +
    `${shown.length === 1 ? 'was' : 'were'} ${alarming ? '' : 'not '}${OPERATOR_WORDS[settings.comparisonOperator]} ` +
    `the threshold (${settings.threshold.toFixed(1)})${filled} (minimum ${m} datapoint${m === 1 ? '' : 's'} for ` +
    `${previous} -> ${next} transition).`
  );
}

/** `dd/MM/yy HH:mm:ss`, as CloudWatch writes a datapoint's time in a state reason. */
function datapointTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${two(date.getUTCMonth() + 1)}/${two(date.getUTCFullYear() % 100)} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`
  );
}
