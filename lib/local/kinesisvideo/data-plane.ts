import type * as http from 'node:http';
import {
  getMediaErrorDocument,
  producerClusterStart,
  producerSimpleBlock,
} from '../../../lambdas/kvs-consumer/media/producer-mkv';
import { MkvFrameReader, type MkvFrame, type MkvStreamEvent } from '../../../lambdas/kvs-consumer/media/mkv-frames';
import { GET_MEDIA_ERRORS } from '../../../lambdas/kvs-consumer/media/tags';
import { parseKvsTimestamp } from '../../../lambdas/kvs-consumer/media/timestamps';
import { invalidArgument, KinesisVideoError } from './errors';
import type { KinesisVideoService, StartSelector } from './service';
import type { StoredHeader, StreamRecord } from './store';

const SELECTOR_TYPES = [
  'FRAGMENT_NUMBER',
  'SERVER_TIMESTAMP',
  'PRODUCER_TIMESTAMP',
  'NOW',
  'EARLIEST',
  'CONTINUATION_TOKEN',
];

/** GetMedia's request body, validated as the service does (InvalidArgumentException for what it refuses). */
export function parseGetMediaRequest(body: unknown): {
  stream: { StreamName?: unknown; StreamARN?: unknown };
  selector: StartSelector;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidArgument('Invalid request body.');
  const input = body as Record<string, unknown>;
  const raw = input.StartSelector as Record<string, unknown> | undefined;
  if (typeof raw !== 'object' || raw === null) {
    throw invalidArgument(
      "1 validation error detected: Value null at 'startSelector' failed to satisfy constraint: Member must not be null",
    );
  }
  const type = raw.StartSelectorType;
  if (typeof type !== 'string' || !SELECTOR_TYPES.includes(type)) {
    throw invalidArgument(
      `1 validation error detected: Value '${String(type)}' at 'startSelector.startSelectorType' failed to satisfy constraint: Member must satisfy enum value set: [${SELECTOR_TYPES.join(', ')}]`,
    );
  }
  let selector: StartSelector;
  switch (type) {
    case 'FRAGMENT_NUMBER': {
      const number = raw.AfterFragmentNumber;
      if (typeof number !== 'string' || !/^[0-9]{1,128}$/.test(number)) {
        throw invalidArgument('AfterFragmentNumber is required for the FRAGMENT_NUMBER start selector.');
      }
      selector = { type, afterFragmentNumber: number };
      break;
    }
    case 'CONTINUATION_TOKEN': {
      const token = raw.ContinuationToken;
      if (typeof token !== 'string' || !/^[a-zA-Z0-9_.-]{1,128}$/.test(token)) {
        throw invalidArgument('ContinuationToken is required for the CONTINUATION_TOKEN start selector.');
      }
      if (!/^[0-9]+$/.test(token)) throw invalidArgument('The continuation token is not valid.');
      selector = { type, continuationToken: token };
      break;
    }
    case 'SERVER_TIMESTAMP':
    case 'PRODUCER_TIMESTAMP': {
      const timestampMs = timestampOf(raw.StartTimestamp);
      if (timestampMs === undefined) {
        throw invalidArgument(`StartTimestamp is required for the ${type} start selector.`);
      }
      selector = { type, timestampMs };
      break;
    }
    default:
      selector = { type: type as 'NOW' | 'EARLIEST' };
  }
  return { stream: { StreamName: input.StreamName, StreamARN: input.StreamARN }, selector };
}

/** REST-JSON timestamps are epoch seconds (the SDK's default); ISO strings are accepted too. */
function timestampOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'string') {
    const seconds = parseKvsTimestamp(value);
    if (seconds !== undefined) return seconds;
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/**
 * Streams a GetMedia response: one document per fragment from the start position on, then the new fragments as they
 * arrive; it ends after `idleEndMs` without a new fragment, right after an error chunk, or when the client goes.
 * Backpressure is honoured (a slow reader holds the server back, as a TCP window does). The response has been
 * checked (stream, limits) before this is called; `release` frees the connection slot when it ends.
 */
export async function streamGetMedia(
  service: KinesisVideoService,
  stream: StreamRecord,
  selector: StartSelector,
  response: http.ServerResponse,
  release: () => void,
): Promise<void> {
  const abort = new AbortController();
  response.on('close', () => abort.abort());
  const fault = service.takeFault(stream.StreamName);
  let sentBytes = 0;
  let sentFragments = 0;
  let stalled = false;

  /** Writes, applying a byte-count fault; false once the response must stop. */
  const write = async (parts: readonly Buffer[]): Promise<boolean> => {
    for (const part of parts) {
      if (abort.signal.aborted || stalled) return false;
      if (fault && (fault.kind === 'close' || fault.kind === 'reset' || fault.kind === 'stall')) {
        const room = fault.afterBytes - sentBytes;
        if (room < part.length) {
          if (room > 0) await send(part.subarray(0, room));
          sentBytes += Math.max(0, room);
          if (fault.kind === 'close') response.end();
          else if (fault.kind === 'reset') response.socket?.resetAndDestroy();
          else stalled = true;
          return false;
        }
      }
      await send(part);
      sentBytes += part.length;
    }
    return true;
  };
  const send = (part: Buffer) =>
    new Promise<void>((resolve) => {
      if (response.write(part)) resolve();
      else {
        const done = () => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.once('drain', done);
        response.once('close', done);
      }
    });

  try {
    response.writeHead(200, { 'Content-Type': 'video/webm', 'Transfer-Encoding': 'chunked' });
    response.flushHeaders();
    const start = service.startPosition(stream, selector);
    if ('error' in start) {
      await write([getMediaErrorDocument(start.error, GET_MEDIA_ERRORS[start.error] ?? 'Error')]);
      return;
    }
    let after = start.after;
    while (!abort.signal.aborted && !stalled) {
      const record = service.nextFragment(stream, after);
      if (!record) {
        if (!(await service.waitForFragment(stream.StreamName, service.limits.idleEndMs, abort.signal))) break;
        continue;
      }
      if (fault?.kind === 'error-chunk' && sentFragments >= fault.afterFragments) {
        await write([getMediaErrorDocument(fault.errorId, GET_MEDIA_ERRORS[fault.errorId] ?? 'Error')]);
        return;
      }
      after = BigInt(record.fragmentNumber);
      if (fault?.kind === 'gap' && sentFragments === fault.afterFragments) {
        // Fragments the response silently leaves out (this one and the next ones): the consumer sees the producer
        // timestamps jump.
        for (let skipped = 1; skipped < fault.skipFragments; skipped++) {
          const next = service.nextFragment(stream, after);
          if (!next) break;
          after = BigInt(next.fragmentNumber);
        }
        sentFragments++;
        continue;
      }
      const parts = service.document(stream, record);
      if (!parts) continue; // expired while we were sending the ones before it
      if (!(await write(parts))) break;
      sentFragments++;
    }
    if (stalled) await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve()));
  } finally {
    release();
    if (!response.writableEnded && !response.destroyed) response.end();
  }
}

type Ack =
  | { EventType: 'BUFFERING' | 'RECEIVED' | 'PERSISTED'; FragmentTimecode: number; FragmentNumber?: string }
  | { EventType: 'ERROR'; FragmentTimecode?: number; FragmentNumber?: string; ErrorId: number }
  | { EventType: 'IDLE' };

/** PutMedia's error ids (acknowledgement `ErrorId`). */
const PUT_MEDIA_ERROR = {
  StreamReadError: 4000,
  FragmentTimecodeLesserThanPrevious: 4004,
  InvalidMkvData: 4006,
  InvalidProducerTimestamp: 4007,
  InternalError: 5000,
} as const;

export interface PutMediaRequest {
  readonly stream: StreamRecord;
  readonly timecodeType: 'ABSOLUTE' | 'RELATIVE';
  /** Epoch ms of `x-amzn-producer-start-timestamp` (RELATIVE timecodes count from it). */
  readonly producerStartMs: number | undefined;
}

/** Reads PutMedia's headers as the service does. */
export function parsePutMediaHeaders(
  service: KinesisVideoService,
  header: (name: string) => string | undefined,
): PutMediaRequest {
  const stream = service.resolveStream({
    StreamName: header('x-amzn-stream-name'),
    StreamARN: header('x-amzn-stream-arn'),
  });
  const timecodeType = header('x-amzn-fragment-timecode-type');
  if (timecodeType !== 'ABSOLUTE' && timecodeType !== 'RELATIVE') {
    throw invalidArgument('x-amzn-fragment-timecode-type must be ABSOLUTE or RELATIVE.');
  }
  const start = header('x-amzn-producer-start-timestamp');
  const producerStartMs = start === undefined ? undefined : parseKvsTimestamp(start);
  if (start !== undefined && producerStartMs === undefined) {
    throw invalidArgument('x-amzn-producer-start-timestamp must be seconds since the epoch, e.g. 1511852109.126.');
  }
  if (timecodeType === 'RELATIVE' && producerStartMs === undefined) {
    throw invalidArgument('x-amzn-producer-start-timestamp is required with RELATIVE fragment timecodes.');
  }
  return { stream, timecodeType, producerStartMs };
}

/**
 * Receives a PutMedia body: each Cluster is a fragment, stored in the Producer SDK layout with the producer's own
 * Info and Tracks, numbered and acknowledged (BUFFERING when it starts, RECEIVED and PERSISTED once it is whole —
 * which, for clusters of unknown size, is when the next one starts or the body ends). An acknowledgement is one JSON
 * object per line. Errors are acknowledged with their ErrorId and end the request, as the service does.
 */
export async function receivePutMedia(
  service: KinesisVideoService,
  put: PutMediaRequest,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  response.flushHeaders();
  const ack = (event: Ack) => {
    if (!response.writableEnded && !response.destroyed) response.write(`${JSON.stringify(event)}\n`);
  };
  const reader = new MkvFrameReader();
  let header: StoredHeader | undefined;
  let scale = 1_000_000;
  let pendingTags: Buffer | undefined;
  let cluster: { timecode: number; producerMs: number; receivedAtMs: number; frames: MkvFrame[] } | undefined;
  let failed = false;
  let lastActivity = Date.now();
  const idle = setInterval(() => {
    if (Date.now() - lastActivity >= 3000) ack({ EventType: 'IDLE' });
  }, 1000);

  const toMs = (timecode: number) => (timecode * scale) / 1e6;
  const fail = (errorId: number, timecode?: number) => {
    failed = true;
    ack({ EventType: 'ERROR', ...(timecode !== undefined ? { FragmentTimecode: timecode } : {}), ErrorId: errorId });
  };
  const finishCluster = () => {
    const done = cluster;
    cluster = undefined;
    if (!done || !header || done.frames.length === 0) return;
    const last = service.lastProducerTimestamp(put.stream);
    if (last !== undefined && done.producerMs < last) {
      fail(PUT_MEDIA_ERROR.FragmentTimecodeLesserThanPrevious, done.producerMs);
      return;
    }
    const clusterTimecode = Math.round((done.producerMs * 1e6) / scale);
    const blocks = done.frames.map((frame) => producerSimpleBlock(frame, frame.timecode - done.timecode));
    const times = done.frames.map((frame) => frame.timecode).sort((a, b) => a - b);
    const span = toMs((times[times.length - 1] as number) - (times[0] as number));
    const step = times.length > 1 ? span / (times.length - 1) : 0;
    const record = service.ingest(put.stream, {
      header,
      ...(pendingTags ? { producerTags: pendingTags } : {}),
      cluster: Buffer.concat([producerClusterStart(clusterTimecode), ...blocks]),
      producerTimestampMs: done.producerMs,
      durationMs: Math.max(1, Math.round(span + step)),
      receivedAtMs: done.receivedAtMs,
    });
    pendingTags = undefined;
    ack({ EventType: 'RECEIVED', FragmentTimecode: done.producerMs, FragmentNumber: record.fragmentNumber });
    ack({ EventType: 'PERSISTED', FragmentTimecode: done.producerMs, FragmentNumber: record.fragmentNumber });
  };
  const handle = (events: readonly MkvStreamEvent[]) => {
    for (const event of events) {
      if (failed) return;
      switch (event.type) {
        case 'header':
          header = { info: event.info ?? Buffer.alloc(0), tracks: event.tracks };
          scale = event.timecodeScale;
          break;
        case 'tags':
          pendingTags = pendingTags ? Buffer.concat([pendingTags, event.bytes]) : event.bytes;
          break;
        case 'cluster-start': {
          finishCluster();
          const relativeMs = toMs(event.timecode);
          const producerMs = Math.round(
            put.timecodeType === 'ABSOLUTE' ? relativeMs : (put.producerStartMs as number) + relativeMs,
          );
          if (producerMs <= 0) {
            fail(PUT_MEDIA_ERROR.InvalidProducerTimestamp, producerMs);
            return;
          }
          cluster = { timecode: event.timecode, producerMs, receivedAtMs: Date.now(), frames: [] };
          ack({ EventType: 'BUFFERING', FragmentTimecode: producerMs });
          break;
        }
        case 'frame':
          cluster?.frames.push(event.frame);
          break;
        case 'cluster-end':
          finishCluster();
          break;
      }
    }
  };

  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      lastActivity = Date.now();
      if (failed) continue; // drain what the producer still sends; nothing more is stored
      try {
        handle(reader.push(chunk));
      } catch (error) {
        if (error instanceof KinesisVideoError) throw error;
        fail(PUT_MEDIA_ERROR.InvalidMkvData);
      }
    }
    if (!failed) {
      const { events, truncated } = reader.end();
      // A body cut inside a block leaves its cluster unfinished: that fragment is not stored.
      if (truncated) {
        cluster = undefined;
        fail(PUT_MEDIA_ERROR.StreamReadError);
      } else handle(events);
    }
  } catch {
    if (!failed) fail(PUT_MEDIA_ERROR.StreamReadError);
  } finally {
    clearInterval(idle);
    if (!response.writableEnded && !response.destroyed) response.end();
  }
}
