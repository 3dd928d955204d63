import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StackResolver } from '../intrinsics';
import type { LocalService, LocalServiceModule } from '../service-module';
import type { SnsService } from '../sns/module';
import type { SqsService } from '../sqs/module';

type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** An alarm's template properties, resolved (the subset a metric alarm on one metric has). */
interface AlarmProperties {
  readonly AlarmName?: string;
  readonly AlarmDescription?: string;
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Dimensions?: ReadonlyArray<{ Name: string; Value: string }>;
  readonly Statistic?: string;
  readonly Period?: number;
  readonly EvaluationPeriods?: number;
  readonly DatapointsToAlarm?: number;
  readonly Threshold?: number;
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
  readonly queueName: string;
}

export interface CloudWatchService extends LocalService {
  /** An alarm's state, by name: `INSUFFICIENT_DATA` until it was first evaluated, and for alarms not evaluated locally. */
  alarmState(alarmName: string): AlarmState;
}

/** The statistics of a gauge that local mode can give from its current value. */
const GAUGE_STATISTICS = new Set(['Maximum', 'Minimum', 'Average']);

/** How often CloudWatch evaluates an alarm; local mode also evaluates at once when a watched queue receives. */
const EVALUATION_INTERVAL_MS = 60_000;

/**
 * CloudWatch alarms on what local mode can measure: an SQS queue's `ApproximateNumberOfMessagesVisible` (the messages
 * its file holds: there is no SQS endpoint to receive them) with a Maximum, Minimum or Average statistic. Such an
 * alarm is evaluated at start, every minute and whenever the queue receives, on the current value as one datapoint;
 * a change of state runs its actions as CloudWatch does, publishing the alarm's notification to its SNS topics.
 * States are kept in `<dataDir>/cloudwatch/alarms.json`, so a restart does not notify again. Alarms on any other
 * metric (functions' errors, embedded-metric lines, state machines) stay `INSUFFICIENT_DATA`: local mode keeps no
 * metrics for them.
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
    const watched: WatchedAlarm[] = [];
    let timer: NodeJS.Timeout | undefined;

    const evaluate = (alarm: WatchedAlarm) => {
      const { properties } = alarm;
      const value = cloud.service<SqsService>('sqs').messages(alarm.queueName).length;
      const breaching = compare(value, properties.ComparisonOperator, Number(properties.Threshold));
      const next: AlarmState = breaching ? 'ALARM' : 'OK';
      const previous = states[alarm.name] ?? 'INSUFFICIENT_DATA';
      if (next === previous) return;
      states[alarm.name] = next;
      fs.writeFileSync(stateFile, JSON.stringify(states), { mode: 0o600 });
      const actions = (next === 'ALARM' ? properties.AlarmActions : properties.OKActions) ?? [];
      const notification = alarmNotification(alarm, previous, next, value, cloud.region, cloud.accountId);
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
    const evaluateAll = (queueName?: string) => {
      for (const alarm of watched) if (queueName === undefined || alarm.queueName === queueName) evaluate(alarm);
    };

    return {
      alarmState: (alarmName) => states[alarmName] ?? 'INSUFFICIENT_DATA',
      deployed(stacks: readonly StackResolver[]) {
        for (const resolver of stacks) {
          for (const [logicalId, resource] of resolver.resourcesOfType('AWS::CloudWatch::Alarm')) {
            const properties = resolver.resolve(resource.Properties ?? {}) as AlarmProperties;
            const queueName = properties.Dimensions?.find((dimension) => dimension.Name === 'QueueName')?.Value;
            if (
              properties.Namespace !== 'AWS/SQS' ||
              properties.MetricName !== 'ApproximateNumberOfMessagesVisible' ||
              !GAUGE_STATISTICS.has(properties.Statistic ?? '') ||
              queueName === undefined
            ) {
              continue;
            }
            watched.push({ name: resolver.physicalId(logicalId), arn: resolver.arn(logicalId), properties, queueName });
          }
        }
        if (watched.length === 0) return;
        cloud.service<SqsService>('sqs').onSend((queueName) => evaluateAll(queueName));
        evaluateAll();
        timer = setInterval(() => evaluateAll(), EVALUATION_INTERVAL_MS);
        timer.unref();
      },
      quiesce: () => clearInterval(timer),
      close: () => clearInterval(timer),
    };
  },
};

function compare(value: number, operator: string | undefined, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return false;
  }
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
  value: number,
  region: string,
  accountId: string,
) {
  const { properties } = alarm;
  const now = new Date();
  const threshold = Number(properties.Threshold);
  const crossed = next === 'ALARM';
  return {
    AlarmName: alarm.name,
    AlarmDescription: properties.AlarmDescription ?? null,
    AWSAccountId: accountId,
    AlarmConfigurationUpdatedTimestamp: now.toISOString().replace('Z', '+0000'),
    NewStateValue: next,
    NewStateReason:
      `Threshold Crossed: 1 out of the last 1 datapoints [${value.toFixed(1)} (${datapointTime(now)})] was ` +
      `${crossed ? '' : 'not '}${OPERATOR_WORDS[properties.ComparisonOperator ?? ''] ?? properties.ComparisonOperator} ` +
      `the threshold (${threshold.toFixed(1)}) (minimum 1 datapoint for ${previous} -> ${next} transition).`,
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
      Threshold: threshold,
      TreatMissingData: properties.TreatMissingData ?? '',
      EvaluateLowSampleCountPercentile: '',
    },
  };
}

/** `dd/MM/yy HH:mm:ss`, as CloudWatch writes a datapoint's time in a state reason. */
function datapointTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${two(date.getUTCMonth() + 1)}/${two(date.getUTCFullYear() % 100)} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`
  );
}
