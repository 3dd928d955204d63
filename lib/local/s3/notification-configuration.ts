import { createHash } from 'node:crypto';
import type { ReadResult } from '../events/templates';
import type { StackResolver } from '../intrinsics';

/** A function S3 invokes for some of a bucket's events (a classic event notification). */
export interface FunctionNotification {
  /** The notification's `Id`: the `configurationId` of the events it sends. */
  readonly id: string;
  readonly functionArn: string;
  /** Event types as configured, e.g. `s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`. */
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

/** Where a bucket's events go: EventBridge's default bus, functions, or both. */
export interface BucketNotificationConfiguration {
  readonly bucket: string;
  readonly eventBridge: boolean;
  readonly functions: readonly FunctionNotification[];
}

/**
 * The notification configuration of every bucket of the stack, from the two places a template declares it: the
 * bucket's own `NotificationConfiguration` (CloudFormation's shape: `EventBridgeConfiguration.EventBridgeEnabled`,
 * `LambdaConfigurations`), and CDK's `Custom::S3BucketNotifications`, whose inline Python handler local mode does not
 * run but whose `NotificationConfiguration` is the PutBucketNotificationConfiguration request it would send (S3 API
 * shape: an `EventBridgeConfiguration` object, even empty, turns EventBridge on; `LambdaFunctionConfigurations`).
 * Queues and topics are reported as skipped: local mode has neither SQS nor SNS.
 */
export function readBucketNotifications(resolver: StackResolver): ReadResult<BucketNotificationConfiguration> {
  const items: BucketNotificationConfiguration[] = [];
  const skipped: string[] = [];
  const read = (logicalId: string, bucket: unknown, configuration: unknown, shape: 'cloudformation' | 's3') => {
    const where = `${resolver.stack.stackName}/${logicalId}`;
    try {
      const resolved = resolver.resolve(configuration) as Record<string, unknown> | undefined;
      if (!resolved) return;
      for (const destination of ['QueueConfigurations', 'TopicConfigurations']) {
        if (Array.isArray(resolved[destination]) && resolved[destination].length > 0) {
          skipped.push(`${where}: ${destination} (local mode has no SQS or SNS)`);
        }
      }
      const bridge = resolved.EventBridgeConfiguration as Record<string, unknown> | undefined;
      const functions =
        shape === 'cloudformation'
          ? list(resolved.LambdaConfigurations).map(cloudFormationFunction)
          : list(resolved.LambdaFunctionConfigurations).map(s3ApiFunction);
      items.push({
        bucket: resolver.resolveString(bucket),
        eventBridge:
          shape === 'cloudformation'
            ? bridge?.EventBridgeEnabled === true || bridge?.EventBridgeEnabled === 'true'
            : bridge !== undefined,
        functions,
      });
    } catch (error) {
      skipped.push(`${where}: ${(error as Error).message}`);
    }
  };
  for (const [logicalId, resource] of resolver.resourcesOfType('AWS::S3::Bucket')) {
    const configuration = resource.Properties?.NotificationConfiguration;
    if (configuration !== undefined) read(logicalId, resolver.physicalId(logicalId), configuration, 'cloudformation');
  }
  for (const [logicalId, resource] of resolver.resourcesOfType('Custom::S3BucketNotifications')) {
    const props = resource.Properties ?? {};
    read(logicalId, props.BucketName, props.NotificationConfiguration, 's3');
  }
  return { items, skipped };
}

/** Whether a change S3 names `eventName` (`ObjectCreated:Put`) to `key` is one the notification asked for. */
export function notificationMatches(notification: FunctionNotification, eventName: string, key: string): boolean {
  const type = `s3:${eventName}`;
  const wanted = notification.events.some((event) =>
    event.endsWith('*') ? type.startsWith(event.slice(0, -1)) : type === event,
  );
  return (
    wanted &&
    (notification.prefix === undefined || key.startsWith(notification.prefix)) &&
    (notification.suffix === undefined || key.endsWith(notification.suffix))
  );
}

function list(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];
}

/** `AWS::S3::Bucket` `LambdaConfigurations` entry: `{Event, Function, Filter: {S3Key: {Rules}}}`. */
function cloudFormationFunction(entry: Record<string, unknown>): FunctionNotification {
  const filter = entry.Filter as { S3Key?: { Rules?: unknown } } | undefined;
  return withId({
    functionArn: String(entry.Function),
    events: [String(entry.Event)],
    ...keyFilter(filter?.S3Key?.Rules),
  });
}

/** PutBucketNotificationConfiguration `LambdaFunctionConfigurations` entry: `{Id?, Events, LambdaFunctionArn, Filter}`. */
function s3ApiFunction(entry: Record<string, unknown>): FunctionNotification {
  const filter = entry.Filter as { Key?: { FilterRules?: unknown } } | undefined;
  return withId(
    {
      functionArn: String(entry.LambdaFunctionArn),
      events: Array.isArray(entry.Events) ? entry.Events.map(String) : [],
      ...keyFilter(filter?.Key?.FilterRules),
    },
    entry.Id,
  );
}

function keyFilter(rules: unknown): { prefix?: string; suffix?: string } {
  const filter: { prefix?: string; suffix?: string } = {};
  for (const rule of list(rules)) {
    const name = String(rule.Name).toLowerCase();
    if (name === 'prefix' || name === 'suffix') filter[name] = String(rule.Value);
  }
  return filter;
}

/** S3 names a notification configured without an `Id` itself; a digest keeps that name stable across restarts. */
function withId(notification: Omit<FunctionNotification, 'id'>, id?: unknown): FunctionNotification {
  const generated = createHash('sha256').update(JSON.stringify(notification)).digest('base64').slice(0, 48);
  return { id: id === undefined ? generated : String(id), ...notification };
}
