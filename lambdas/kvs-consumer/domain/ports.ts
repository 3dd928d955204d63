import type { Checkpoint, PendingClip, StreamConfig, StreamState } from './types';

/** What GetMedia's StartSelector says, as the consumer builds it. */
export type MediaSelector =
  | { readonly StartSelectorType: 'NOW' | 'EARLIEST' }
  | { readonly StartSelectorType: 'CONTINUATION_TOKEN'; readonly ContinuationToken: string }
  | { readonly StartSelectorType: 'SERVER_TIMESTAMP' | 'PRODUCER_TIMESTAMP'; readonly StartTimestamp: Date };

/** An open GetMedia response. `destroy` must always be called: a leaked connection counts against the stream's 3. */
export interface MediaSession {
  readonly payload: AsyncIterable<Uint8Array>;
  destroy(): void;
}

/**
 * A refusal by Kinesis Video (the SDK's exception name: ClientLimitExceededException, ConnectionLimitExceededException,
 * InvalidEndpointException, NotAuthorizedException, ResourceNotFoundException, InvalidArgumentException, …).
 */
export class MediaApiError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

export interface MediaSource {
  /** Calls GetMedia (through a data endpoint it caches); rejects with MediaApiError when the service refuses. */
  getMedia(streamName: string, selector: MediaSelector, signal: AbortSignal): Promise<MediaSession>;
  /** Forgets the cached data endpoint, so the next call asks GetDataEndpoint again. */
  invalidateEndpoint(streamName: string): void;
}

export class LeaseLostError extends Error {
  constructor(streamName: string) {
    super(`The lease of stream ${streamName} is held by another consumer`);
    this.name = 'LeaseLostError';
  }
}

export interface CheckpointAdvance {
  readonly checkpoint: Checkpoint;
  /** The clip waiting after this fragment; `null` clears it. */
  readonly pendingClip: PendingClip | null;
}

/** The stream table: one item per stream with its lease, checkpoint and pending clip. */
export interface StreamStore {
  /** Takes (or renews) the lease unless another owner holds an unexpired one; returns the state, or undefined. */
  acquireLease(streamName: string, owner: string, expiresAt: number, now: number): Promise<StreamState | undefined>;
  /**
   * Advances the checkpoint while `owner` holds the lease and only forward (fragment numbers compared numerically);
   * extends the lease to `leaseExpiresAt`. Returns false when the fragment is not after the stored one; throws
   * LeaseLostError when the lease is someone else's.
   */
  advance(streamName: string, owner: string, advance: CheckpointAdvance, leaseExpiresAt: number): Promise<boolean>;
  /** Records the clip state alone (after a clip is handed over at idle), under the same lease condition. */
  setPendingClip(
    streamName: string,
    owner: string,
    pendingClip: PendingClip | null,
    leaseExpiresAt: number,
  ): Promise<void>;
  /** Keeps the lease until `expiresAt` (between invocations of one consumer). */
  extendLease(streamName: string, owner: string, expiresAt: number): Promise<void>;
  releaseLease(streamName: string, owner: string): Promise<void>;
  /** Remembers a stream's settings so the supervisor can restart its consumer. */
  saveConfig(config: StreamConfig): Promise<void>;
}

/** The archive bucket. */
export interface ArchiveStore {
  put(key: string, body: Buffer, metadata: Readonly<Record<string, string>>): Promise<void>;
  get(key: string): Promise<Buffer>;
}

export interface FinishedClip {
  readonly streamName: string;
  readonly key: string;
  readonly bytes: Buffer;
  readonly startMs: number;
  readonly endMs: number;
  readonly firstFragmentNumber: string;
  readonly lastFragmentNumber: string;
}

/** Hands a finished clip to a pipeline (Media2Cloud ingest, a Media Insights workflow). Must be idempotent by key. */
export interface ClipSink {
  deliver(clip: FinishedClip, config: StreamConfig): Promise<void>;
}

export interface ConsumerMetrics {
  fragment(streamName: string, values: { bytes: number; millisBehindNow?: number; gapMs: number }): void;
  count(streamName: string, name: MetricName, value?: number): void;
  flush(): void;
}

export type MetricName =
  | 'ResumeGaps'
  | 'Reconnects'
  | 'Stalls'
  | 'ClientLimitBackoffs'
  | 'ConnectionLimitBackoffs'
  | 'PartialFragmentsDiscarded'
  | 'DuplicatesSkipped'
  | 'ClipsDelivered'
  | 'ErrorChunks';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface Logger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}
