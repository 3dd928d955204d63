import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeployableResource, LocalService, LocalServiceModule } from '../service-module';

/** A message as SNS delivers it to a subscriber (the JSON body an SQS or HTTP subscription gets). */
export interface TopicNotification {
  readonly Type: 'Notification';
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly Timestamp: string;
}

export interface SnsService extends LocalService {
  /** Publishes to a topic of the templates; an unknown topic fails as SNS's NotFound. */
  publish(topicArn: string, message: string, subject?: string): TopicNotification;
  /** What was published to a topic, oldest first. */
  notifications(topicArn: string): TopicNotification[];
}

/**
 * SNS topics keep what is published to them (alarm notifications) in `<dataDir>/sns/<topic name>.jsonl`, across
 * restarts: local mode sends no email, so the file is where a subscriber's notifications are read. Each publish to a
 * topic with email subscriptions is also logged, naming the addresses SNS would mail.
 */
export const snsModule: LocalServiceModule = {
  name: 'sns',
  resourceTypes: {
    'AWS::SNS::Topic': {
      physicalId: ({ explicit, generated, region, accountId }) =>
        `arn:aws:sns:${region}:${accountId}:${explicit('TopicName') ?? generated.slice(0, 256)}`,
      attributes: {
        TopicArn: ({ name }) => name,
        TopicName: ({ name }) => name.split(':').pop(),
      },
    },
    // Who may publish is IAM's business, which local mode does not evaluate.
    'AWS::SNS::TopicPolicy': {},
    'AWS::SNS::Subscription': {
      physicalId: ({ generated, region, accountId }) => `arn:aws:sns:${region}:${accountId}:${generated}`,
    },
  },
  async start({ cloud, directory }): Promise<SnsService> {
    const topics = new Set<string>();
    const emails = new Map<string, string[]>();
    const file = (topicArn: string) => {
      if (!topics.has(topicArn)) {
        throw Object.assign(new Error('Topic does not exist'), { code: 'NotFound', statusCode: 404 });
      }
      return path.join(directory, `${topicArn.split(':').pop()}.jsonl`);
    };
    return {
      deploy: ({ resolver, logicalId, resource }: DeployableResource) => {
        if (resource.Type === 'AWS::SNS::Topic') topics.add(resolver.physicalId(logicalId));
        if (resource.Type === 'AWS::SNS::Subscription') {
          const props = resolver.resolve(resource.Properties ?? {}) as Record<string, string>;
          if (props.Protocol === 'email' || props.Protocol === 'email-json') {
            emails.set(props.TopicArn, [...(emails.get(props.TopicArn) ?? []), props.Endpoint]);
          }
        }
      },
      publish(topicArn, message, subject) {
        const notification: TopicNotification = {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          ...(subject === undefined ? {} : { Subject: subject }),
          Message: message,
          Timestamp: new Date().toISOString(),
        };
        fs.appendFileSync(file(topicArn), `${JSON.stringify(notification)}\n`, { mode: 0o600 });
        const addresses = emails.get(topicArn) ?? [];
        cloud.log(
          `SNS ${topicArn}: ${subject ?? 'notification'}` +
            (addresses.length > 0 ? ` (not emailed locally to ${addresses.join(', ')})` : ''),
        );
        return notification;
      },
      notifications(topicArn) {
        const target = file(topicArn);
        if (!fs.existsSync(target)) return [];
        return fs
          .readFileSync(target, 'utf8')
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => JSON.parse(line) as TopicNotification);
      },
      close: () => undefined,
    };
  },
};
