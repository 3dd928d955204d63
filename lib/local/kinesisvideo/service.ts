import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { getMediaDocument, type FragmentTags } from '../../../lambdas/kvs-consumer/media/producer-mkv';
import {
  clientLimitExceeded,
  connectionLimitExceeded,
  invalidArgument,
  resourceInUse,
  resourceNotFound,
  versionMismatch,
} from './errors';
import { KinesisVideoStore, type FragmentRecord, type StoredHeader, type StreamRecord } from './store';

export const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;
export const API_NAMES = [
  'PUT_MEDIA',
  'GET_MEDIA',
  'LIST_FRAGMENTS',
  'GET_MEDIA_FOR_FRAGMENT_LIST',
  'GET_HLS_STREAMING_SESSION_URL',
  'GET_DASH_STREAMING_SESSION_URL',
  'GET_CLIP',
  'GET_IMAGES',
] as const;

/** The service's per-stream limits, as the Kinesis Video Streams quotas page lists them. */
export interface KinesisVideoLimits {
  /** GetMedia calls per second per stream. @default 5 */
  readonly getMediaTps: number;
  /** Concurrent GetMedia connections per stream. @default 3 */
  readonly getMediaConnections: number;
  /** A GetMedia response ends when no new fragment arrived for this long. @default 3000 */
  readonly idleEndMs: number;
  /** PutMedia calls per second per stream. @default 5 */
  readonly putMediaTps: number;
  /** With DataRetentionInHours 0 fragments stay in the service's buffer this long. @default 300000 (5 min) */
  readonly bufferRetentionMs: number;
}

export const DEFAULT_LIMITS: KinesisVideoLimits = {
  getMediaTps: 5,
  getMediaConnections: 3,
  idleEndMs: 3000,
  putMediaTps: 5,
  bufferRetentionMs: 5 * 60 * 1000,
};

/**
 * Faults a test arms for a stream's next GetMedia responses (one fault per response, in order). They reproduce what
 * consumers meet in AWS: an error chunk, a connection closed or reset mid-fragment, a server that stops sending
 * without closing, fragments missing from what is served.
 */
export type GetMediaFault =
  | { readonly kind: 'error-chunk'; readonly afterFragments: number; readonly errorId: number }
  | { readonly kind: 'close'; readonly afterBytes: number }
  | { readonly kind: 'reset'; readonly afterBytes: number }
  | { readonly kind: 'stall'; readonly afterBytes: number }
  | { readonly kind: 'gap'; readonly afterFragments: number; readonly skipFragments: number };

export type StartSelector =
  | { readonly type: 'NOW' | 'EARLIEST' }
  | { readonly type: 'FRAGMENT_NUMBER'; readonly afterFragmentNumber: string }
  | { readonly type: 'CONTINUATION_TOKEN'; readonly continuationToken: string }
  | { readonly type: 'SERVER_TIMESTAMP' | 'PRODUCER_TIMESTAMP'; readonly timestampMs: number };

export interface CreateStreamInput {
  readonly StreamName?: unknown;
  readonly DeviceName?: unknown;
  readonly MediaType?: unknown;
  readonly KmsKeyId?: unknown;
  readonly DataRetentionInHours?: unknown;
  readonly Tags?: unknown;
}

export interface IngestedFragment {
  readonly header: StoredHeader;
  readonly producerTags?: Buffer;
  /** The cluster in the Producer SDK layout. */
  readonly cluster: Buffer;
  readonly producerTimestampMs: number;
  readonly durationMs: number;
  /** When its first byte arrived. */
  readonly receivedAtMs: number;
}

/** Where a GetMedia response is in a stream: the next fragment to send is the first numbered above `after`. */
export type Position = { readonly after: bigint } | { readonly error: number };

/**
 * Kinesis Video Streams for local mode, without HTTP: streams (control plane), fragments stored as PutMedia made
 * them, GetMedia positions and documents, the per-stream limits and a test's armed faults.
 */
export class KinesisVideoService {
  readonly limits: KinesisVideoLimits;
  private readonly store: KinesisVideoStore;
  private readonly events = new EventEmitter();
  private readonly getMediaCalls = new Map<string, number[]>();
  private readonly putMediaCalls = new Map<string, number[]>();
  private readonly connections = new Map<string, number>();
  private readonly faults = new Map<string, GetMediaFault[]>();

  constructor(
    directory: string,
    private readonly region: string,
    private readonly accountId: string,
    limits: Partial<KinesisVideoLimits> = {},
  ) {
    this.store = new KinesisVideoStore(directory);
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.events.setMaxListeners(0);
  }

  // ----- control plane -----

  createStream(input: CreateStreamInput): { StreamARN: string } {
    const name = requireStreamName(input.StreamName);
    const retention = input.DataRetentionInHours ?? 0;
    if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 0) {
      throw invalidArgument('DataRetentionInHours must be a non-negative integer.');
    }
    for (const [field, value, pattern, max] of [
      ['DeviceName', input.DeviceName, /^[a-zA-Z0-9_.-]+$/, 128],
      ['MediaType', input.MediaType, /^[\w\-.+]+\/[\w\-.+]+(,[\w\-.+]+\/[\w\-.+]+)*$/, 128],
      ['KmsKeyId', input.KmsKeyId, /^.+$/, 2048],
    ] as const) {
      if (value !== undefined && (typeof value !== 'string' || value.length > max || !pattern.test(value))) {
        throw invalidArgument(
          `1 validation error detected: Value at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint`,
        );
      }
    }
    const tags = input.Tags ?? {};
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) throw invalidArgument('Tags must be a map.');
    if (this.store.getStream(name)) throw resourceInUse(`The stream ${name} already exists.`);
    const creationTime = Date.now();
    const stream: StreamRecord = {
      StreamName: name,
      StreamARN: `arn:aws:kinesisvideo:${this.region}:${this.accountId}:stream/${name}/${creationTime}`,
      ...(typeof input.DeviceName === 'string' ? { DeviceName: input.DeviceName } : {}),
      ...(typeof input.MediaType === 'string' ? { MediaType: input.MediaType } : {}),
      KmsKeyId:
        typeof input.KmsKeyId === 'string'
          ? input.KmsKeyId
          : `arn:aws:kms:${this.region}:${this.accountId}:alias/aws/kinesisvideo`,
      Version: randomVersion(),
      Status: 'ACTIVE',
      CreationTime: creationTime,
      DataRetentionInHours: retention,
      Tags: Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, String(value)])),
      directory: `${name}-${creationTime}`,
      fragmentPrefix: String(randomInt(10_000_000_000, 99_999_999_999)) + String(randomInt(100_000_000, 999_999_999)),
    };
    this.store.putStream(stream);
    return { StreamARN: stream.StreamARN };
  }

  hasStream(name: string): boolean {
    return this.store.getStream(name) !== undefined;
  }

  describeStream(input: { StreamName?: unknown; StreamARN?: unknown }): { StreamInfo: Record<string, unknown> } {
    return { StreamInfo: streamInfo(this.resolveStream(input)) };
  }

  listStreams(input: { MaxResults?: unknown; NextToken?: unknown; StreamNameCondition?: unknown }): {
    StreamInfoList: Array<Record<string, unknown>>;
    NextToken?: string;
  } {
    const max = input.MaxResults ?? 10000;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10000) {
      throw invalidArgument('MaxResults must be between 1 and 10000.');
    }
    let streams = this.store.listStreams();
    if (input.StreamNameCondition !== undefined) {
      const condition = input.StreamNameCondition as { ComparisonOperator?: unknown; ComparisonValue?: unknown };
      if (condition.ComparisonOperator !== undefined && condition.ComparisonOperator !== 'BEGINS_WITH') {
        throw invalidArgument('ComparisonOperator must be BEGINS_WITH.');
      }
      const prefix = typeof condition.ComparisonValue === 'string' ? condition.ComparisonValue : '';
      streams = streams.filter((stream) => stream.StreamName.startsWith(prefix));
    }
    let start = 0;
    if (input.NextToken !== undefined) {
      if (typeof input.NextToken !== 'string') throw invalidArgument('NextToken is invalid.');
      const after = Buffer.from(input.NextToken, 'base64url').toString('utf8');
      start = streams.findIndex((stream) => stream.StreamName > after);
      if (start < 0) start = streams.length;
    }
    const page = streams.slice(start, start + max);
    const more = start + max < streams.length;
    return {
      StreamInfoList: page.map(streamInfo),
      ...(more
        ? { NextToken: Buffer.from((page[page.length - 1] as StreamRecord).StreamName).toString('base64url') }
        : {}),
    };
  }

  deleteStream(input: { StreamARN?: unknown; CurrentVersion?: unknown }): Record<string, never> {
    if (typeof input.StreamARN !== 'string' || input.StreamARN === '') throw invalidArgument('StreamARN is required.');
    const stream = this.resolveStream({ StreamARN: input.StreamARN });
    if (input.CurrentVersion !== undefined && input.CurrentVersion !== stream.Version) {
      throw versionMismatch(`The version of stream ${stream.StreamName} is ${stream.Version}.`);
    }
    this.store.deleteStream(stream);
    this.events.emit(`fragment:${stream.StreamName}`);
    return {};
  }

  getDataEndpoint(
    input: { APIName?: unknown; StreamName?: unknown; StreamARN?: unknown },
    dataEndpoint: string,
  ): { DataEndpoint: string } {
    if (typeof input.APIName !== 'string' || !(API_NAMES as readonly string[]).includes(input.APIName)) {
      throw invalidArgument(`APIName must be one of ${API_NAMES.join(', ')}.`);
    }
    this.resolveStream(input);
    return { DataEndpoint: dataEndpoint };
  }

  /** A stream by name or ARN (exactly one of them), as the data plane and the control plane take it. */
  resolveStream(input: { StreamName?: unknown; StreamARN?: unknown }): StreamRecord {
    const { StreamName: name, StreamARN: arn } = input;
    if (name !== undefined && arn !== undefined) {
      throw invalidArgument('Specify either StreamName or StreamARN, not both.');
    }
    if (typeof arn === 'string') {
      const stream = this.store.listStreams().find((candidate) => candidate.StreamARN === arn);
      if (!stream) throw resourceNotFound();
      return stream;
    }
    const stream = this.store.getStream(requireStreamName(name));
    if (!stream) throw resourceNotFound();
    return stream;
  }

  // ----- limits -----

  /** Counts a GetMedia call against the stream's TPS and connection limits; call `release` when the response ends. */
  openGetMedia(stream: StreamRecord): { release(): void } {
    throttle(this.getMediaCalls, stream.StreamName, this.limits.getMediaTps, 'GetMedia');
    const open = this.connections.get(stream.StreamName) ?? 0;
    if (open >= this.limits.getMediaConnections) {
      throw connectionLimitExceeded(
        `The stream ${stream.StreamName} already has ${open} GetMedia connections; the limit is ${this.limits.getMediaConnections}.`,
      );
    }
    this.connections.set(stream.StreamName, open + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.connections.set(stream.StreamName, (this.connections.get(stream.StreamName) ?? 1) - 1);
      },
    };
  }

  /** Open GetMedia connections of a stream (tests check a consumer leaves none behind). */
  openConnections(streamName: string): number {
    return this.connections.get(streamName) ?? 0;
  }

  /** GetMedia calls of a stream in the last second. */
  recentGetMediaCalls(streamName: string, now = Date.now()): number {
    return (this.getMediaCalls.get(streamName) ?? []).filter((at) => now - at < 1000).length;
  }

  openPutMedia(stream: StreamRecord): void {
    throttle(this.putMediaCalls, stream.StreamName, this.limits.putMediaTps, 'PutMedia');
  }

  // ----- faults -----

  armFaults(streamName: string, faults: readonly GetMediaFault[]): void {
    this.faults.set(streamName, [...(this.faults.get(streamName) ?? []), ...faults]);
  }

  takeFault(streamName: string): GetMediaFault | undefined {
    return this.faults.get(streamName)?.shift();
  }

  /** Expires the stream's oldest fragments now, as retention would. */
  expireFragments(streamName: string, count: number): number {
    const stream = this.store.getStream(streamName);
    if (!stream) throw resourceNotFound();
    return this.store.expireOldest(stream, count).length;
  }

  // ----- data plane -----

  fragments(stream: StreamRecord): readonly FragmentRecord[] {
    this.applyRetention(stream);
    return this.store.fragmentsOf(stream);
  }

  /** Stores a fragment PutMedia finished receiving and numbers it; returns its record. */
  ingest(stream: StreamRecord, fragment: IngestedFragment): FragmentRecord {
    const header = this.store.addHeader(stream, fragment.header);
    const existing = this.store.fragmentsOf(stream);
    const previous = existing[existing.length - 1];
    // Server timestamps and fragment numbers only ever grow, even for two fragments in the same millisecond.
    const serverTimestampMs = Math.max(fragment.receivedAtMs, (previous?.serverTimestampMs ?? 0) + 1);
    const record: FragmentRecord = {
      fragmentNumber: nextFragmentNumber(stream, serverTimestampMs, previous?.fragmentNumber),
      serverTimestampMs,
      producerTimestampMs: fragment.producerTimestampMs,
      durationMs: fragment.durationMs,
      header,
      producerTagsLength: fragment.producerTags?.length ?? 0,
      clusterLength: fragment.cluster.length,
    };
    this.store.appendFragment(
      stream,
      record,
      Buffer.concat([fragment.producerTags ?? Buffer.alloc(0), fragment.cluster]),
    );
    this.events.emit(`fragment:${stream.StreamName}`);
    return record;
  }

  /** The producer timestamp of the stream's newest fragment (PutMedia refuses older ones). */
  lastProducerTimestamp(stream: StreamRecord): number | undefined {
    const list = this.store.fragmentsOf(stream);
    return list[list.length - 1]?.producerTimestampMs;
  }

  /** Where a GetMedia response with this selector starts. */
  startPosition(stream: StreamRecord, selector: StartSelector): Position {
    const list = this.fragments(stream);
    switch (selector.type) {
      case 'EARLIEST':
        return { after: -1n };
      case 'NOW': {
        const latest = list[list.length - 1];
        return { after: latest ? BigInt(latest.fragmentNumber) - 1n : -1n };
      }
      case 'FRAGMENT_NUMBER':
      case 'CONTINUATION_TOKEN': {
        const number = selector.type === 'FRAGMENT_NUMBER' ? selector.afterFragmentNumber : selector.continuationToken;
        // A fragment that is not (or no longer) in the stream cannot be continued from: error chunk 4000.
        if (!list.some((record) => record.fragmentNumber === number)) return { error: 4000 };
        return { after: BigInt(number) };
      }
      case 'SERVER_TIMESTAMP':
      case 'PRODUCER_TIMESTAMP': {
        const at = (record: FragmentRecord) =>
          selector.type === 'SERVER_TIMESTAMP' ? record.serverTimestampMs : record.producerTimestampMs;
        // The latest fragment that holds the time: fragments' audio may run a little past the next one's start.
        const containing = [...list]
          .reverse()
          .find(
            (record) => at(record) <= selector.timestampMs && selector.timestampMs < at(record) + record.durationMs,
          );
        const first = containing ?? list.find((record) => at(record) >= selector.timestampMs);
        if (first) return { after: BigInt(first.fragmentNumber) - 1n };
        const latest = list[list.length - 1];
        return { after: latest ? BigInt(latest.fragmentNumber) : -1n };
      }
    }
  }

  /** The next fragment after `after`, if the stream has one. */
  nextFragment(stream: StreamRecord, after: bigint): FragmentRecord | undefined {
    return this.fragments(stream).find((record) => BigInt(record.fragmentNumber) > after);
  }

  /** The GetMedia document for a fragment, as parts, with MillisBehindNow measured against the newest fragment. */
  document(stream: StreamRecord, record: FragmentRecord): Buffer[] | undefined {
    const bytes = this.store.readFragment(stream, record);
    if (!bytes) return undefined;
    const list = this.store.fragmentsOf(stream);
    const newest = list[list.length - 1] ?? record;
    const header = this.store.header(stream, record.header);
    const tags: FragmentTags = {
      fragmentNumber: record.fragmentNumber,
      serverTimestampMs: record.serverTimestampMs,
      producerTimestampMs: record.producerTimestampMs,
      millisBehindNow: newest.serverTimestampMs - record.serverTimestampMs,
      continuationToken: record.fragmentNumber,
    };
    return getMediaDocument(
      {
        info: header.info,
        tracks: header.tracks,
        ...(record.producerTagsLength > 0 ? { producerTags: bytes.subarray(0, record.producerTagsLength) } : {}),
        cluster: bytes.subarray(record.producerTagsLength),
      },
      tags,
    );
  }

  /** Resolves when a fragment arrives on the stream (or it is deleted), or after `ms`; returns whether one did. */
  waitForFragment(streamName: string, ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const event = `fragment:${streamName}`;
      const done = (arrived: boolean) => {
        clearTimeout(timer);
        this.events.off(event, onFragment);
        signal?.removeEventListener('abort', onAbort);
        resolve(arrived);
      };
      const onFragment = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      this.events.on(event, onFragment);
      signal?.addEventListener('abort', onAbort);
    });
  }

  private applyRetention(stream: StreamRecord): void {
    const list = this.store.fragmentsOf(stream);
    const keepMs =
      stream.DataRetentionInHours > 0 ? stream.DataRetentionInHours * 3_600_000 : this.limits.bufferRetentionMs;
    const cutoff = Date.now() - keepMs;
    let expired = 0;
    while (expired < list.length && (list[expired] as FragmentRecord).serverTimestampMs < cutoff) expired++;
    if (expired > 0) this.store.expireOldest(stream, expired);
  }
}

function requireStreamName(value: unknown): string {
  if (value === undefined) throw invalidArgument('StreamName or StreamARN is required.');
  if (typeof value !== 'string' || !STREAM_NAME.test(value)) {
    throw invalidArgument(
      "1 validation error detected: Value at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
  }
  return value;
}

function throttle(calls: Map<string, number[]>, streamName: string, tps: number, operation: string): void {
  const now = Date.now();
  const recent = (calls.get(streamName) ?? []).filter((at) => now - at < 1000);
  if (recent.length >= tps) {
    calls.set(streamName, recent);
    throw clientLimitExceeded(`${operation} calls to stream ${streamName} exceed ${tps} per second.`);
  }
  recent.push(now);
  calls.set(streamName, recent);
}

function streamInfo(stream: StreamRecord): Record<string, unknown> {
  return {
    ...(stream.DeviceName ? { DeviceName: stream.DeviceName } : {}),
    StreamName: stream.StreamName,
    StreamARN: stream.StreamARN,
    ...(stream.MediaType ? { MediaType: stream.MediaType } : {}),
    KmsKeyId: stream.KmsKeyId,
    Version: stream.Version,
    Status: stream.Status,
    CreationTime: stream.CreationTime / 1000,
    DataRetentionInHours: stream.DataRetentionInHours,
  };
}

function randomVersion(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/**
 * Fragment numbers look like the service's: 47 decimal digits, increasing with time but not contiguous, far beyond
 * what a DynamoDB number or a double holds. A stream prefix (20 digits), the server time in ms and a random tail.
 */
function nextFragmentNumber(stream: StreamRecord, serverTimestampMs: number, previous: string | undefined): string {
  const candidate =
    BigInt(stream.fragmentPrefix) * 10n ** 27n +
    BigInt(serverTimestampMs) * 10n ** 12n +
    BigInt(randomInt(1, 1_000_000_000));
  const floor = previous === undefined ? 0n : BigInt(previous) + 1n;
  return String(candidate > floor ? candidate : floor + BigInt(randomInt(1, 1000)));
}
