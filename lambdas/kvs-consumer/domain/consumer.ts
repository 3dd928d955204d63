import { buildClip, fragmentsOf, tracksDigest } from '../media/clip';
import { GetMediaReader, type KvsErrorChunk, type KvsFragment } from '../media/get-media-reader';
import { FRAGMENT_NOT_FOUND } from '../media/tags';
import { fragmentEndMs } from '../media/timing';
import { backoffMs, CallSpacer } from './backoff';
import { compareFragmentNumbers } from './fragment-numbers';
import { archiveKey, clipKey } from './keys';
import {
  LeaseLostError,
  MediaApiError,
  type ArchiveStore,
  type ClipSink,
  type Clock,
  type ConsumerMetrics,
  type Logger,
  type MediaSelector,
  type MediaSession,
  type MediaSource,
  type StreamStore,
} from './ports';
import type { Checkpoint, InvocationResult, Outcome, PendingClip, StreamConfig } from './types';

export interface ConsumerSettings {
  /** Prefix of archived fragments in the archive bucket. */
  readonly archivePrefix: string;
  /** Prefix of clips in the archive bucket. */
  readonly clipPrefix: string;
  /** How far each checkpoint (and the heartbeat) pushes the lease. */
  readonly leaseMs: number;
  /** How long the lease is kept after an invocation, for the next one of the same consumer to pick it up. */
  readonly continueGraceMs: number;
  /** A response silent this long is dropped and reopened from the checkpoint (the idle watchdog). */
  readonly stallTimeoutMs: number;
  /** A response that ended on its own with the last fragment at most this far behind means "caught up". */
  readonly caughtUpMs: number;
  /** GetMedia calls are spaced at least this far apart (the service allows 5 per second per stream). */
  readonly getMediaIntervalMs: number;
  /** Backoff base and cap for ClientLimitExceeded. */
  readonly clientLimitBackoff: { readonly baseMs: number; readonly capMs: number };
  /** Backoff base and cap for other failures (connection limit, endpoint, network, error chunks). */
  readonly failureBackoff: { readonly baseMs: number; readonly capMs: number };
  /** Failures in a row (without a fragment in between) before the invocation fails and Step Functions retries. */
  readonly maxConsecutiveFailures: number;
  /** A fragment starting later than this after the previous one ended is a gap in the stream. */
  readonly gapToleranceMs: number;
}

export const DEFAULT_SETTINGS: ConsumerSettings = {
  archivePrefix: 'fragments/',
  clipPrefix: 'clips/',
  leaseMs: 60_000,
  continueGraceMs: 180_000,
  stallTimeoutMs: 10_000,
  caughtUpMs: 5_000,
  getMediaIntervalMs: 200,
  clientLimitBackoff: { baseMs: 250, capMs: 5_000 },
  failureBackoff: { baseMs: 500, capMs: 10_000 },
  maxConsecutiveFailures: 8,
  gapToleranceMs: 250,
};

export interface ConsumerDependencies {
  readonly media: MediaSource;
  readonly store: StreamStore;
  readonly archive: ArchiveStore;
  readonly clips: ClipSink;
  readonly metrics: ConsumerMetrics;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface ConsumerInvocation {
  readonly config: StreamConfig;
  /** Who holds the lease: the Step Functions execution that runs this consumer. */
  readonly owner: string;
  /** Stop reading by then (epoch ms), at a fragment boundary. */
  readonly deadlineMs: number;
}

type SessionEnd =
  | { readonly kind: 'ended'; readonly partial: boolean }
  | { readonly kind: 'error-chunk'; readonly chunk: KvsErrorChunk }
  | { readonly kind: 'stalled' }
  | { readonly kind: 'deadline' }
  | { readonly kind: 'transport'; readonly error: unknown };

/**
 * One invocation of a stream's consumer: takes the lease, reads GetMedia from the checkpoint, and for every complete
 * fragment archives it (idempotent key), rolls it into the pending clip, and advances the checkpoint with a
 * conditional, monotonic write — in that order, so a crash anywhere repeats at most an overwrite, never a loss.
 * Stops at a fragment boundary before `deadlineMs` (a half-read fragment is dropped and read again next time), or
 * when the stream is caught up.
 */
export async function consume(
  invocation: ConsumerInvocation,
  deps: ConsumerDependencies,
  settings: ConsumerSettings = DEFAULT_SETTINGS,
): Promise<InvocationResult> {
  const { config, owner, deadlineMs } = invocation;
  const { media, store, archive, clips, metrics, clock, log } = deps;
  const stream = config.streamName;

  const state = await store.acquireLease(stream, owner, clock.now() + settings.leaseMs, clock.now());
  if (!state) return { outcome: 'LEASE_HELD', fragments: 0, bytes: 0, clips: 0 };
  await store.saveConfig(config);

  let checkpoint: Checkpoint | undefined = state.checkpoint;
  let pending: PendingClip | undefined = state.pendingClip;
  let selector: MediaSelector = checkpoint ? continuation(checkpoint) : initialSelector(config);
  const cache = new Map<string, KvsFragment>();
  const spacer = new CallSpacer(
    settings.getMediaIntervalMs,
    () => clock.now(),
    (ms) => clock.sleep(ms),
  );
  const totals = { fragments: 0, bytes: 0, clips: 0 };
  let millisBehindNow: number | undefined;
  let failures = 0;
  let clientLimitAttempts = 0;
  let connectionLimitAttempts = 0;
  let outcome: Outcome | undefined;
  let leaseLost = false;

  const fail = async (error: unknown) => {
    failures++;
    if (failures > settings.maxConsecutiveFailures) throw error;
    await clock.sleep(backoffMs(failures - 1, settings.failureBackoff.baseMs, settings.failureBackoff.capMs));
  };

  const deliver = async (clip: PendingClip, endMs: number) => {
    const fragments: KvsFragment[] = [];
    for (const key of clip.keys) {
      const cached = cache.get(key);
      fragments.push(...(cached ? [cached] : fragmentsOf([await archive.get(key)])));
    }
    const key = clipKey(settings.clipPrefix, stream, clip.startMs, endMs);
    const built = buildClip(fragments, {
      durationMs: endMs - clip.startMs,
      title: `${stream} ${new Date(clip.startMs).toISOString()}`,
      tags: [
        ['KINESISVIDEO_STREAM_NAME', stream],
        ['KINESISVIDEO_FIRST_FRAGMENT_NUMBER', clip.firstFragmentNumber],
        ['KINESISVIDEO_LAST_FRAGMENT_NUMBER', clip.lastFragmentNumber],
        ['KINESISVIDEO_PRODUCER_START', new Date(clip.startMs).toISOString()],
      ],
    });
    await archive.put(key, built.bytes, clipMetadata(stream, clip, endMs));
    await clips.deliver(
      {
        streamName: stream,
        key,
        bytes: built.bytes,
        startMs: clip.startMs,
        endMs,
        firstFragmentNumber: clip.firstFragmentNumber,
        lastFragmentNumber: clip.lastFragmentNumber,
      },
      config,
    );
    metrics.count(stream, 'ClipsDelivered');
    totals.clips++;
    for (const done of clip.keys) cache.delete(done);
  };

  const handleFragment = async (fragment: KvsFragment): Promise<void> => {
    if (checkpoint && compareFragmentNumbers(fragment.fragmentNumber, checkpoint.lastFragmentNumber) <= 0) {
      metrics.count(stream, 'DuplicatesSkipped');
      return;
    }
    const startMs = fragment.producerTimestampMs;
    const endMs = Math.max(startMs, fragmentEndMs(fragment));
    const gapMs = checkpoint ? Math.max(0, startMs - checkpoint.lastFragmentEndMs) : 0;
    const gap = gapMs > settings.gapToleranceMs;
    if (gap) log.warn('Gap in the stream', { stream, gapMs, fragmentNumber: fragment.fragmentNumber });

    const key = archiveKey(settings.archivePrefix, stream, startMs, fragment.fragmentNumber);
    await archive.put(key, fragment.bytes, {
      'kvs-fragment-number': fragment.fragmentNumber,
      'kvs-producer-timestamp': String(startMs),
      'kvs-server-timestamp': String(fragment.serverTimestampMs),
    });

    let next = pending;
    if (config.clipSeconds > 0) {
      const clipMs = config.clipSeconds * 1000;
      const windowStartMs = Math.floor(startMs / clipMs) * clipMs;
      const digest = tracksDigest(fragment);
      if (next && (next.windowStartMs !== windowStartMs || next.tracksDigest !== digest || gap)) {
        await deliver(next, gap ? next.endMs : startMs);
        next = undefined;
      }
      cache.set(key, fragment);
      next = next
        ? { ...next, keys: [...next.keys, key], lastFragmentNumber: fragment.fragmentNumber, endMs }
        : {
            windowStartMs,
            startMs,
            tracksDigest: digest,
            keys: [key],
            firstFragmentNumber: fragment.fragmentNumber,
            lastFragmentNumber: fragment.fragmentNumber,
            endMs,
          };
    }

    const advancedTo: Checkpoint = {
      continuationToken: fragment.continuationToken,
      lastFragmentNumber: fragment.fragmentNumber,
      lastServerTimestampMs: fragment.serverTimestampMs,
      lastProducerTimestampMs: startMs,
      lastFragmentEndMs: endMs,
    };
    const advanced = await store.advance(
      stream,
      owner,
      { checkpoint: advancedTo, pendingClip: next ?? null },
      clock.now() + settings.leaseMs,
    );
    if (!advanced) {
      metrics.count(stream, 'DuplicatesSkipped');
      return;
    }
    checkpoint = advancedTo;
    pending = next;
    millisBehindNow = fragment.millisBehindNow;
    metrics.fragment(stream, {
      bytes: fragment.bytes.length,
      ...(fragment.millisBehindNow !== undefined ? { millisBehindNow: fragment.millisBehindNow } : {}),
      gapMs: gap ? gapMs : 0,
    });
    totals.fragments++;
    totals.bytes += fragment.bytes.length;
  };

  /** Reads one GetMedia response to its end, a stall, an error chunk or the deadline. Always destroys it. */
  const read = async (session: MediaSession): Promise<{ end: SessionEnd; fragments: number; lastBehind?: number }> => {
    const reader = new GetMediaReader();
    let lastByteAt = clock.now();
    let stalled = false;
    let pastDeadline = false;
    let fragments = 0;
    let lastBehind: number | undefined;
    const watchdog = setInterval(
      () => {
        if (clock.now() - lastByteAt > settings.stallTimeoutMs) {
          stalled = true;
          session.destroy();
        }
      },
      Math.max(50, Math.min(1000, settings.stallTimeoutMs / 4)),
    );
    const deadline = setTimeout(
      () => {
        pastDeadline = true;
        session.destroy();
      },
      Math.max(0, deadlineMs - clock.now()),
    );
    try {
      for await (const chunk of session.payload) {
        lastByteAt = clock.now();
        for (const event of reader.push(chunk)) {
          if (event.kind === 'error') return { end: { kind: 'error-chunk', chunk: event }, fragments, lastBehind };
          if (pastDeadline || clock.now() >= deadlineMs) return { end: { kind: 'deadline' }, fragments, lastBehind };
          try {
            await handleFragment(event);
          } catch (error) {
            // Archive or table failures are not the connection's: the invocation fails and is retried from the
            // checkpoint (Step Functions' Retry), which is exactly what a crash at this point would do.
            throw new FragmentHandlingError(error);
          }
          fragments++;
          lastBehind = event.millisBehindNow;
          lastByteAt = clock.now();
        }
      }
      if (pastDeadline) return { end: { kind: 'deadline' }, fragments, lastBehind };
      if (stalled) return { end: { kind: 'stalled' }, fragments, lastBehind };
      return { end: { kind: 'ended', partial: reader.end().partial }, fragments, lastBehind };
    } catch (error) {
      if (error instanceof FragmentHandlingError) throw error.cause;
      if (pastDeadline) return { end: { kind: 'deadline' }, fragments, lastBehind };
      if (stalled) return { end: { kind: 'stalled' }, fragments, lastBehind };
      return { end: { kind: 'transport', error }, fragments, lastBehind };
    } finally {
      clearInterval(watchdog);
      clearTimeout(deadline);
      session.destroy();
    }
  };

  const heartbeat = setInterval(
    () => {
      store.extendLease(stream, owner, clock.now() + settings.leaseMs).catch(() => {
        leaseLost = true;
      });
    },
    Math.max(1000, settings.leaseMs / 3),
  );
  const abort = new AbortController();
  try {
    while (outcome === undefined) {
      if (leaseLost) {
        outcome = 'LEASE_LOST';
        break;
      }
      if (clock.now() >= deadlineMs) {
        outcome = 'DEADLINE';
        break;
      }
      await spacer.next();
      let session: MediaSession;
      try {
        session = await media.getMedia(stream, selector, abort.signal);
      } catch (error) {
        const type = error instanceof MediaApiError ? error.errorType : undefined;
        if (type === 'ResourceNotFoundException') {
          outcome = 'STREAM_NOT_FOUND';
          break;
        }
        if (type === 'ClientLimitExceededException') {
          metrics.count(stream, 'ClientLimitBackoffs');
          const { baseMs, capMs } = settings.clientLimitBackoff;
          await clock.sleep(Math.max(settings.getMediaIntervalMs, backoffMs(clientLimitAttempts++, baseMs, capMs)));
          continue;
        }
        if (type === 'ConnectionLimitExceededException') {
          metrics.count(stream, 'ConnectionLimitBackoffs');
          const { baseMs, capMs } = settings.failureBackoff;
          await clock.sleep(backoffMs(connectionLimitAttempts++, baseMs, capMs));
          continue;
        }
        if (type === 'InvalidEndpointException' || type === 'NotAuthorizedException') media.invalidateEndpoint(stream);
        log.warn('GetMedia failed', { stream, error: String(error) });
        await fail(error);
        continue;
      }
      clientLimitAttempts = 0;
      connectionLimitAttempts = 0;

      const { end, fragments, lastBehind } = await read(session);
      if (fragments > 0) failures = 0;
      if (checkpoint) selector = continuation(checkpoint);
      switch (end.kind) {
        case 'deadline':
          outcome = 'DEADLINE';
          break;
        case 'stalled':
          metrics.count(stream, 'Stalls');
          log.warn('GetMedia response stalled; reconnecting', { stream });
          break;
        case 'transport':
          metrics.count(stream, 'Reconnects');
          metrics.count(stream, 'PartialFragmentsDiscarded');
          log.warn('GetMedia response failed; reconnecting', { stream, error: String(end.error) });
          if (fragments === 0) await fail(end.error);
          break;
        case 'error-chunk':
          metrics.count(stream, 'ErrorChunks');
          if (end.chunk.errorId === FRAGMENT_NOT_FOUND) {
            // The checkpoint's fragment is gone (retention): resume from its server time; what lies between is lost.
            metrics.count(stream, 'ResumeGaps');
            log.warn('Checkpoint fragment not found; resuming by server timestamp', {
              stream,
              lastFragmentNumber: checkpoint?.lastFragmentNumber,
            });
            selector = checkpoint
              ? {
                  StartSelectorType: 'SERVER_TIMESTAMP',
                  StartTimestamp: new Date(checkpoint.lastServerTimestampMs + 1),
                }
              : { StartSelectorType: 'EARLIEST' };
          } else {
            log.warn('GetMedia error chunk', { stream, errorId: end.chunk.errorId, errorCode: end.chunk.errorCode });
            await fail(new Error(`GetMedia error ${end.chunk.errorId}: ${end.chunk.errorCode}`));
          }
          break;
        case 'ended':
          if (end.partial) {
            metrics.count(stream, 'PartialFragmentsDiscarded');
            metrics.count(stream, 'Reconnects');
          } else if (fragments === 0 || (lastBehind ?? 0) <= settings.caughtUpMs) {
            outcome = 'CAUGHT_UP';
          }
          break;
      }
    }

    if (outcome === 'CAUGHT_UP' && pending) {
      // Nothing more is coming for now: the clip waiting for its window to close goes out as it is.
      await deliver(pending, pending.endMs);
      pending = undefined;
      await store.setPendingClip(stream, owner, null, clock.now() + settings.leaseMs);
    }
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    outcome = 'LEASE_LOST';
  } finally {
    clearInterval(heartbeat);
    abort.abort();
    metrics.flush();
  }

  if (outcome === 'DEADLINE' || outcome === 'CAUGHT_UP') {
    await store.extendLease(stream, owner, clock.now() + settings.continueGraceMs).catch(() => undefined);
  } else if (outcome === 'STREAM_NOT_FOUND') {
    await store.releaseLease(stream, owner).catch(() => undefined);
  }
  return {
    outcome: outcome ?? 'DEADLINE',
    ...totals,
    ...(checkpoint ? { lastFragmentNumber: checkpoint.lastFragmentNumber } : {}),
    ...(millisBehindNow !== undefined ? { millisBehindNow } : {}),
  };
}

class FragmentHandlingError extends Error {
  constructor(override readonly cause: unknown) {
    super(String(cause));
  }
}

function continuation(checkpoint: Checkpoint): MediaSelector {
  return { StartSelectorType: 'CONTINUATION_TOKEN', ContinuationToken: checkpoint.continuationToken };
}

function initialSelector(config: StreamConfig): MediaSelector {
  const selector = config.startSelector;
  if ('StartTimestamp' in selector) {
    return { StartSelectorType: selector.StartSelectorType, StartTimestamp: new Date(selector.StartTimestamp) };
  }
  return { StartSelectorType: selector.StartSelectorType };
}

function clipMetadata(stream: string, clip: PendingClip, endMs: number): Record<string, string> {
  return {
    'kvs-stream-name': stream,
    'kvs-start-ms': String(clip.startMs),
    'kvs-end-ms': String(endMs),
    'kvs-first-fragment-number': clip.firstFragmentNumber,
    'kvs-last-fragment-number': clip.lastFragmentNumber,
  };
}
