/** The stream table: one item per stream, keyed by its name (the stack builds the table from this). */
export const STREAM_TABLE = {
  partitionKey: { name: 'streamName', type: 'S' },
} as const;

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
