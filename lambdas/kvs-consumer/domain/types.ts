/** Where a consumer starts when its stream has no checkpoint yet (GetMedia's StartSelector types). */
export type InitialSelector =
  | { readonly StartSelectorType: 'NOW' | 'EARLIEST' }
  | { readonly StartSelectorType: 'SERVER_TIMESTAMP' | 'PRODUCER_TIMESTAMP'; readonly StartTimestamp: string };

/** Where finished clips go. */
export type ClipTarget =
  | { readonly type: 'none' }
  | { readonly type: 'media2cloud' }
  | { readonly type: 'media-insights'; readonly workflowName: string };

/** One stream's consumer settings, as the state machine input or the deploy-time `kvsStreams` context gives them. */
export interface StreamConfig {
  readonly streamName: string;
  readonly startSelector: InitialSelector;
  /** Roll fragments into clips of this many seconds (0: no clips). */
  readonly clipSeconds: number;
  readonly clipTarget: ClipTarget;
}

/** The last fragment archived and checkpointed for a stream. */
export interface Checkpoint {
  readonly continuationToken: string;
  readonly lastFragmentNumber: string;
  readonly lastServerTimestampMs: number;
  readonly lastProducerTimestampMs: number;
  /** Where the last fragment's media ends (producer clock): the next fragment should start there. */
  readonly lastFragmentEndMs: number;
}

/** Fragments archived since the last clip was handed over, waiting for their clip window to close. */
export interface PendingClip {
  readonly windowStartMs: number;
  readonly startMs: number;
  readonly tracksDigest: string;
  readonly keys: readonly string[];
  readonly firstFragmentNumber: string;
  readonly lastFragmentNumber: string;
  readonly endMs: number;
}

export interface StreamState {
  readonly checkpoint?: Checkpoint;
  readonly pendingClip?: PendingClip;
}

/** Why an invocation returned; the state machine decides what comes next from it. */
export type Outcome =
  /** Stopped before the Lambda deadline at a fragment boundary: invoke again at once. */
  | 'DEADLINE'
  /** Nothing new on the stream: wait, then invoke again. */
  | 'CAUGHT_UP'
  /** Another consumer holds the stream's lease: this one ends. */
  | 'LEASE_HELD'
  /** The lease was taken over while this one ran (it expired): end without writing more. */
  | 'LEASE_LOST'
  /** The stream does not exist (any more). */
  | 'STREAM_NOT_FOUND';

export interface InvocationResult {
  readonly outcome: Outcome;
  readonly fragments: number;
  readonly bytes: number;
  readonly clips: number;
  readonly lastFragmentNumber?: string;
  readonly millisBehindNow?: number;
}
