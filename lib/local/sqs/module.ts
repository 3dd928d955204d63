import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeployableResource, LocalService, LocalServiceModule } from '../service-module';

/** A message as SQS keeps it: what ReceiveMessage would return for it. */
export interface QueuedMessage {
  readonly MessageId: string;
  readonly MD5OfBody: string;
  readonly Body: string;
  readonly Attributes: { readonly SentTimestamp: string };
}

export interface SqsService extends LocalService {
  /** Appends a message to a queue of the templates, by ARN or URL; an unknown queue fails as SQS's NonExistentQueue. */
  send(queue: string, body: string): QueuedMessage;
  /** The messages a queue holds, oldest first. */
  messages(queue: string): QueuedMessage[];
  /** Calls `listener` with the queue's name after every message sent (what a queue's metrics watch). */
  onSend(listener: (queueName: string) => void): void;
}

/**
 * SQS queues keep the messages local services send them (a function's failed asynchronous invocations, sent to its
 * on-failure destination), in `<dataDir>/sqs/<queue name>.jsonl`, across restarts. There is no SQS endpoint: nothing
 * in the app reads a queue; an operator reads the file, as they would read the queue in the console.
 */
export const sqsModule: LocalServiceModule = {
  name: 'sqs',
  resourceTypes: {
    'AWS::SQS::Queue': {
      // A queue's Ref is its URL; CloudFormation names it `<stack>-<logical id>-<suffix>`, at most 80 characters.
      physicalId: ({ explicit, generated, region, accountId }) =>
        `https://sqs.${region}.amazonaws.com/${accountId}/${explicit('QueueName') ?? generated.slice(0, 80)}`,
      arn: ({ name, region, accountId }) => `arn:aws:sqs:${region}:${accountId}:${queueName(name)}`,
      attributes: {
        QueueName: ({ name }) => queueName(name),
        QueueUrl: ({ name }) => name,
      },
    },
    // Who may send to a queue is IAM's business, which local mode does not evaluate.
    'AWS::SQS::QueuePolicy': {},
  },
  async start({ directory }): Promise<SqsService> {
    const queues = new Set<string>();
    const listeners: Array<(queueName: string) => void> = [];
    const file = (queue: string) => {
      const name = queueName(queue);
      if (!queues.has(name)) {
        throw Object.assign(new Error('The specified queue does not exist.'), {
          code: 'AWS.SimpleQueueService.NonExistentQueue',
          statusCode: 400,
        });
      }
      return path.join(directory, `${name}.jsonl`);
    };
    return {
      deploy: ({ resolver, logicalId, resource }: DeployableResource) => {
        if (resource.Type === 'AWS::SQS::Queue') queues.add(queueName(resolver.physicalId(logicalId)));
      },
      send(queue, body) {
        const message: QueuedMessage = {
          MessageId: randomUUID(),
          MD5OfBody: createHash('md5').update(body).digest('hex'),
          Body: body,
          Attributes: { SentTimestamp: String(Date.now()) },
        };
        fs.appendFileSync(file(queue), `${JSON.stringify(message)}\n`, { mode: 0o600 });
        for (const listener of listeners) listener(queueName(queue));
        return message;
      },
      messages(queue) {
        const target = file(queue);
        if (!fs.existsSync(target)) return [];
        return fs
          .readFileSync(target, 'utf8')
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => JSON.parse(line) as QueuedMessage);
      },
      onSend: (listener) => void listeners.push(listener),
      close: () => undefined,
    };
  },
};

/** The queue name at the end of a queue URL or ARN. */
function queueName(urlOrArn: string): string {
  return urlOrArn.split(/[/:]/).pop() ?? urlOrArn;
}
