import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fragmentOrderKey } from '../domain/fragment-numbers';
import { LeaseLostError, type CheckpointAdvance, type StreamStore } from '../domain/ports';
import type { PendingClip, StreamConfig, StreamState } from '../domain/types';
import type { TableSchema } from '../../shared/dynamodb/schema';

/** The stream table: one item per stream, keyed by its name, with its lease, checkpoint and pending clip. */
export const STREAM_TABLE = {
  partitionKey: { name: 'streamName', type: 'S' },
} as const satisfies TableSchema;

/** An item of the stream table. Fragment numbers are S (47 digits do not fit DynamoDB's N). */
export interface StreamItem {
  readonly streamName: string;
  readonly config?: unknown;
  readonly leaseOwner?: string;
  readonly leaseExpiresAt?: number;
  readonly continuationToken?: string;
  readonly lastFragmentNumber?: string;
  /** `lastFragmentNumber` left-padded to 128 digits: compared as a string, it orders as the number does. */
  readonly fragmentOrder?: string;
  readonly lastServerTimestampMs?: number;
  readonly lastProducerTimestampMs?: number;
  readonly lastFragmentEndMs?: number;
  readonly pendingClip?: unknown;
  readonly updatedAt?: string;
}

/** The stream table's one adapter: every write that changes progress is conditional on holding the lease. */
export class StreamTable implements StreamStore {
  constructor(
    private readonly db: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
  ) {}

  async acquireLease(
    streamName: string,
    owner: string,
    expiresAt: number,
    now: number,
  ): Promise<StreamState | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { streamName },
          UpdateExpression: 'SET leaseOwner = :owner, leaseExpiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(leaseOwner) OR leaseOwner = :owner OR leaseExpiresAt < :now',
          ExpressionAttributeValues: { ':owner': owner, ':expires': expiresAt, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return stateOf(Attributes as StreamItem | undefined);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async advance(
    streamName: string,
    owner: string,
    advance: CheckpointAdvance,
    leaseExpiresAt: number,
  ): Promise<boolean> {
    const { checkpoint, pendingClip } = advance;
    const order = fragmentOrderKey(checkpoint.lastFragmentNumber);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { streamName },
          UpdateExpression:
            'SET continuationToken = :token, lastFragmentNumber = :number, fragmentOrder = :order, ' +
            'lastServerTimestampMs = :server, lastProducerTimestampMs = :producer, lastFragmentEndMs = :end, ' +
            'leaseExpiresAt = :expires, updatedAt = :now' +
            (pendingClip ? ', pendingClip = :clip' : ' REMOVE pendingClip'),
          ConditionExpression:
            'leaseOwner = :owner AND (attribute_not_exists(fragmentOrder) OR fragmentOrder < :order)',
          ExpressionAttributeValues: {
            ':token': checkpoint.continuationToken,
            ':number': checkpoint.lastFragmentNumber,
            ':order': order,
            ':server': checkpoint.lastServerTimestampMs,
            ':producer': checkpoint.lastProducerTimestampMs,
            ':end': checkpoint.lastFragmentEndMs,
            ':expires': leaseExpiresAt,
            ':now': new Date().toISOString(),
            ':owner': owner,
            ...(pendingClip ? { ':clip': pendingClip } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = await this.read(streamName);
      if (item?.leaseOwner !== owner) throw new LeaseLostError(streamName);
      return false;
    }
  }

  async setPendingClip(
    streamName: string,
    owner: string,
    pendingClip: PendingClip | null,
    leaseExpiresAt: number,
  ): Promise<void> {
    await this.conditional(streamName, owner, {
      UpdateExpression: pendingClip
        ? 'SET pendingClip = :clip, leaseExpiresAt = :expires'
        : 'SET leaseExpiresAt = :expires REMOVE pendingClip',
      ExpressionAttributeValues: { ':expires': leaseExpiresAt, ...(pendingClip ? { ':clip': pendingClip } : {}) },
    });
  }

  async extendLease(streamName: string, owner: string, expiresAt: number): Promise<void> {
    await this.conditional(streamName, owner, {
      UpdateExpression: 'SET leaseExpiresAt = :expires',
      ExpressionAttributeValues: { ':expires': expiresAt },
    });
  }

  async releaseLease(streamName: string, owner: string): Promise<void> {
    await this.conditional(streamName, owner, {
      UpdateExpression: 'REMOVE leaseOwner, leaseExpiresAt',
      ExpressionAttributeValues: {},
    });
  }

  async saveConfig(config: StreamConfig): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { streamName: config.streamName },
        UpdateExpression: 'SET config = :config',
        ExpressionAttributeValues: { ':config': config },
      }),
    );
  }

  /** Every item (the supervisor's view). */
  async put(item: StreamItem): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  async read(streamName: string): Promise<StreamItem | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { streamName }, ConsistentRead: true }),
    );
    return Item as StreamItem | undefined;
  }

  private async conditional(
    streamName: string,
    owner: string,
    update: { UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> },
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { streamName },
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':owner': owner },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LeaseLostError(streamName);
      throw error;
    }
  }
}

function stateOf(item: StreamItem | undefined): StreamState {
  if (!item?.continuationToken || !item.lastFragmentNumber) {
    return item?.pendingClip ? { pendingClip: item.pendingClip as PendingClip } : {};
  }
  return {
    checkpoint: {
      continuationToken: item.continuationToken,
      lastFragmentNumber: item.lastFragmentNumber,
      lastServerTimestampMs: item.lastServerTimestampMs ?? 0,
      lastProducerTimestampMs: item.lastProducerTimestampMs ?? 0,
      lastFragmentEndMs: item.lastFragmentEndMs ?? item.lastProducerTimestampMs ?? 0,
    },
    ...(item.pendingClip ? { pendingClip: item.pendingClip as PendingClip } : {}),
  };
}
