import { randomUUID } from 'node:crypto';
import { eventTime, type EventBridgeEvent } from '../events/bus';
import type { StackResolver } from '../intrinsics';
import {
  notificationMatches,
  readBucketNotifications,
  type BucketNotificationConfiguration,
  type FunctionNotification,
} from './notification-configuration';
import type { ObjectChange } from './object-changes';

/** Who the events come from: the local account, region and IAM user (every local request is signed by that user). */
export interface NotificationSource {
  readonly region: string;
  readonly accountId: string;
  /** The IAM user id (`AIDA…`) of the local credentials. */
  readonly userId: string;
}

export interface BucketNotificationsOptions extends NotificationSource {
  readonly eventBus: { put(event: EventBridgeEvent): void };
  /** The local function behind an ARN, `undefined` when there is none. */
  readonly findFunction: (functionArn: string) => { invoke(event: unknown): Promise<unknown> } | undefined;
  readonly log: (message: string) => void;
}

/**
 * Sends the S3 engine's object changes where the buckets' notification configurations say: to the event bus for
 * buckets with EventBridge enabled, and to the functions of matching classic notifications, invoked asynchronously
 * as S3 invokes them (a failure is logged, never returned to the uploader). Changes made before `start()`, while
 * local mode deploys, are held until every configuration is known.
 */
export class BucketNotifications {
  private readonly buckets = new Map<string, { eventBridge: boolean; functions: FunctionNotification[] }>();
  private held: ObjectChange[] | undefined = [];
  private stopped = false;

  constructor(private readonly options: BucketNotificationsOptions) {}

  /** Adds the notification configuration of every bucket of the stack; what local mode cannot reach is logged. */
  addStack(resolver: StackResolver): void {
    const { items, skipped } = readBucketNotifications(resolver);
    for (const reason of skipped) this.options.log(`Skipping ${reason}`);
    for (const configuration of items) this.configure(configuration);
  }

  /** A bucket configured twice (its own property and CDK's custom resource) sends to both destinations. */
  configure(configuration: BucketNotificationConfiguration): void {
    const bucket = this.buckets.get(configuration.bucket) ?? { eventBridge: false, functions: [] };
    bucket.eventBridge ||= configuration.eventBridge;
    for (const notification of configuration.functions) {
      if (this.options.findFunction(notification.functionArn)) {
        bucket.functions.push(notification);
      } else {
        this.options.log(
          `Skipping notification ${notification.id} of bucket ${configuration.bucket}: ` +
            `${notification.functionArn} is not a local function`,
        );
      }
    }
    this.buckets.set(configuration.bucket, bucket);
  }

  /** Where the S3 engine reports each change; never throws, so an upload never fails for its notification. */
  publish(change: ObjectChange): void {
    if (this.stopped) return;
    if (this.held) {
      this.held.push(change);
      return;
    }
    const bucket = this.buckets.get(change.bucket);
    if (!bucket) return;
    try {
      if (bucket.eventBridge) this.options.eventBus.put(eventBridgeEvent(change, this.options));
      const eventName = notificationEventName(change);
      for (const notification of bucket.functions) {
        if (notificationMatches(notification, eventName, change.key)) {
          this.invoke(notification, notificationEvent(change, notification.id, this.options));
        }
      }
    } catch (error) {
      this.options.log(`Notification of ${describe(change)} failed: ${(error as Error).message}`);
    }
  }

  /** Publishes the changes held so far; later changes are published as they happen. */
  start(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const change of held) this.publish(change);
  }

  /** Changes after this are dropped, as the functions are closing. */
  stop(): void {
    this.stopped = true;
  }

  private invoke(notification: FunctionNotification, event: unknown): void {
    const fn = this.options.findFunction(notification.functionArn);
    const invocation = fn ? fn.invoke(event) : Promise.reject(new Error('function not found'));
    invocation.catch((error: unknown) => {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.options.log(`S3 notification ${notification.id} (${notification.functionArn}) failed: ${message}`);
    });
  }
}

/**
 * The event S3 puts on the default bus: `Object Created` or `Object Deleted`, the key as stored (EventBridge events
 * do not URL-encode it), and `deletion-type` `Permanently Deleted` since the engine keeps no versions.
 */
export function eventBridgeEvent(change: ObjectChange, source: NotificationSource): EventBridgeEvent {
  const created = change.type === 'Created';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': created ? 'Object Created' : 'Object Deleted',
    source: 'aws.s3',
    account: source.accountId,
    time: eventTime(change.time.getTime()),
    region: source.region,
    resources: [`arn:aws:s3:::${change.bucket}`],
    detail: {
      version: '0',
      bucket: { name: change.bucket },
      object: created
        ? { key: change.key, size: change.size, etag: change.etag, sequencer: change.sequencer }
        : { key: change.key, sequencer: change.sequencer },
      'request-id': change.requestId,
      requester: source.accountId,
      'source-ip-address': change.sourceIp,
      reason: change.reason,
      ...(created ? {} : { 'deletion-type': 'Permanently Deleted' }),
    },
  };
}

/** The classic event notification (`Records[]`, event version 2.1) a function configured on the bucket receives. */
export function notificationEvent(change: ObjectChange, configurationId: string, source: NotificationSource) {
  const key = notificationKey(change.key);
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: source.region,
        eventTime: change.time.toISOString(),
        eventName: notificationEventName(change),
        userIdentity: { principalId: `AWS:${source.userId}` },
        requestParameters: { sourceIPAddress: change.sourceIp },
        responseElements: { 'x-amz-request-id': change.requestId, 'x-amz-id-2': change.hostId },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId,
          bucket: {
            name: change.bucket,
            ownerIdentity: { principalId: source.userId },
            arn: `arn:aws:s3:::${change.bucket}`,
          },
          object:
            change.type === 'Created'
              ? { key, size: change.size, eTag: change.etag, sequencer: change.sequencer }
              : { key, sequencer: change.sequencer },
        },
      },
    ],
  };
}

/** Classic notifications URL-encode the key as an HTML form does (`+` for a space), leaving `/` as is. */
export function notificationKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

const CREATED_EVENT_NAMES: Record<string, string> = {
  PutObject: 'ObjectCreated:Put',
  'POST Object': 'ObjectCreated:Post',
  CopyObject: 'ObjectCreated:Copy',
  CompleteMultipartUpload: 'ObjectCreated:CompleteMultipartUpload',
};

function notificationEventName(change: ObjectChange): string {
  return change.type === 'Created' ? (CREATED_EVENT_NAMES[change.reason] as string) : 'ObjectRemoved:Delete';
}

function describe(change: ObjectChange): string {
  return `${change.reason} s3://${change.bucket}/${change.key}`;
}
