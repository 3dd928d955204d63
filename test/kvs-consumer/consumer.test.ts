import { GetMediaCommand, KinesisVideoMediaClient } from '@aws-sdk/client-kinesis-video-media';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { consume, type ConsumerDependencies } from '../../lambdas/kvs-consumer/domain/consumer';
import { compareFragmentNumbers } from '../../lambdas/kvs-consumer/domain/fragment-numbers';
import type { ArchiveStore, MediaSource } from '../../lambdas/kvs-consumer/domain/ports';
import type { StreamConfig } from '../../lambdas/kvs-consumer/domain/types';
import type { GetMediaFault } from '../../lib/local/kinesisvideo/service';
import { credentials, KvsHarness, REGION } from './harness';

/** Counts every PutObject by key, and can fail once after a given number of puts (a crash after the write). */
class CountingArchive implements ArchiveStore {
  readonly puts: string[] = [];
  constructor(
    private readonly inner: ArchiveStore,
    private readonly options: { delayMs?: number; crashAfterPut?: number; onPut?: () => void } = {},
  ) {}
  async put(key: string, body: Buffer, metadata: Readonly<Record<string, string>>): Promise<void> {
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    await this.inner.put(key, body, metadata);
    this.puts.push(key);
    this.options.onPut?.();
    if (this.puts.length === this.options.crashAfterPut) throw new Error('crash between PutObject and checkpoint');
  }
  get(key: string): Promise<Buffer> {
    return this.inner.get(key);
  }
}

/**
 * A clock that moves a second ahead with every archived fragment, so "the deadline is 2.5 s away" means "after three
 * fragments" however loaded the machine is.
 */
function fragmentClock() {
  let offset = 0;
  return {
    clock: {
      now: () => Date.now() + offset,
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    },
    tick: () => {
      offset += 1000;
    },
  };
}

/** Records when GetMedia was called. */
function timedMedia(inner: MediaSource, calls: number[]): MediaSource {
  return {
    getMedia: (stream, selector, signal) => {
      calls.push(Date.now());
      return inner.getMedia(stream, selector, signal);
    },
    invalidateEndpoint: (stream) => inner.invalidateEndpoint(stream),
  };
}

const numberOf = (key: string) => (/-(\d+)\.mkv$/.exec(key) as RegExpExecArray)[1] as string;

describe('KVS consumer on the Kinesis Video stand-in', () => {
  let h: KvsHarness;
  let stream = 0;
  /** A fresh stream with 12 one-second fragments already put. */
  const fedStream = async () => {
    const name = `stream-${++stream}`;
    await h.createStream(name);
    const acks = await h.put(name);
    return {
      name,
      persisted: acks.filter((ack) => ack.EventType === 'PERSISTED').map((ack) => ack.FragmentNumber as string),
    };
  };
  const config = (streamName: string, overrides: Partial<StreamConfig> = {}): StreamConfig => ({
    streamName,
    startSelector: { StartSelectorType: 'EARLIEST' },
    clipSeconds: 0,
    clipTarget: { type: 'none' },
    ...overrides,
  });
  const settings = () => h.settings({ stallTimeoutMs: 2500 });
  const run = (streamName: string, deps: ConsumerDependencies, owner = 'owner-a', runMs = 60_000, cfg?: StreamConfig) =>
    consume({ config: cfg ?? config(streamName), owner, deadlineMs: deps.clock.now() + runMs }, deps, settings());
  const arm = (streamName: string, faults: GetMediaFault[]) => h.kvs.service.armFaults(streamName, faults);

  beforeAll(async () => {
    // The service ends an idle response after 1 s here (3 s in AWS) so that "caught up" comes quickly.
    h = await KvsHarness.start({ idleEndMs: 1000 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('archives every fragment from EARLIEST, once, in order, and checkpoints the last', async () => {
    const { name, persisted } = await fedStream();
    const archive = new CountingArchive(h.deps().archive);
    const deps = h.deps({ archive });

    const result = await run(name, deps);

    expect(result.outcome).toBe('CAUGHT_UP');
    expect(persisted).toHaveLength(12);
    expect(archive.puts.map(numberOf)).toEqual(persisted);
    expect(await h.archivedKeys(`fragments/${name}/`)).toHaveLength(12);
    const item = await h.store.read(name);
    expect(item?.lastFragmentNumber).toBe(persisted[11]);
    expect(item?.fragmentOrder).toBe((persisted[11] as string).padStart(128, '0'));
    expect(h.kvs.service.openConnections(name)).toBe(0);
  });

  it('stops at the deadline on a fragment boundary and the next invocation resumes with no loss and no repeat', async () => {
    const { name, persisted } = await fedStream();
    const { clock, tick } = fragmentClock();
    const archive = new CountingArchive(h.deps().archive, { onPut: tick });
    const outcomes: string[] = [];
    for (let turn = 0; turn < 20 && archive.puts.length < persisted.length; turn++) {
      const deadlineMs = clock.now() + 2500;
      outcomes.push(
        (await consume({ config: config(name), owner: 'owner-a', deadlineMs }, h.deps({ archive, clock }), settings()))
          .outcome,
      );
    }
    const last = await run(name, h.deps({ archive, clock }), 'owner-a', 10_000);

    expect(outcomes.length).toBeGreaterThanOrEqual(4);
    // Every turn but the last stopped at its deadline; the last may also have found the stream caught up.
    expect(new Set(outcomes.slice(0, -1))).toEqual(new Set(['DEADLINE']));
    expect(last).toMatchObject({ outcome: 'CAUGHT_UP', fragments: 0 });
    const order = archive.puts.map(numberOf);
    expect(order).toEqual(persisted);
    for (let i = 1; i < order.length; i++)
      expect(compareFragmentNumbers(order[i - 1] as string, order[i] as string)).toBe(-1);
    expect(h.kvs.service.openConnections(name)).toBe(0);
  });

  it('after a crash between PutObject and the checkpoint, overwrites the same object and loses nothing', async () => {
    const { name, persisted } = await fedStream();
    const archive = new CountingArchive(h.deps().archive, { crashAfterPut: 5 });

    await expect(run(name, h.deps({ archive }))).rejects.toThrow('crash between PutObject and checkpoint');
    expect((await h.store.read(name))?.lastFragmentNumber).toBe(persisted[3]);
    const result = await run(name, h.deps({ archive }));

    expect(result.outcome).toBe('CAUGHT_UP');
    // The fifth fragment was written twice, to the same key: one object per fragment.
    expect(archive.puts.map(numberOf)).toEqual([...persisted.slice(0, 5), ...persisted.slice(4)]);
    expect((await h.archivedKeys(`fragments/${name}/`)).map(numberOf)).toEqual([...persisted].sort());
    expect(h.kvs.service.openConnections(name)).toBe(0);
  });

  it.each<[string, GetMediaFault]>([
    ['closed', { kind: 'close', afterBytes: 30_000 }],
    ['reset', { kind: 'reset', afterBytes: 30_000 }],
  ])('delivers exactly once when the response is %s in the middle of a fragment', async (_name, fault) => {
    const { name, persisted } = await fedStream();
    arm(name, [fault, fault]);
    const archive = new CountingArchive(h.deps().archive);
    const deps = h.deps({ archive });

    const result = await run(name, deps);

    expect(result.outcome).toBe('CAUGHT_UP');
    expect(archive.puts.map(numberOf)).toEqual(persisted);
    expect(deps.metrics.get('PartialFragmentsDiscarded')).toBeGreaterThanOrEqual(1);
    expect(deps.metrics.get('Reconnects')).toBeGreaterThanOrEqual(2);
    expect(h.kvs.service.openConnections(name)).toBe(0);
  });

  it('drops a stalled response (idle watchdog) and goes on from the checkpoint', async () => {
    const { name, persisted } = await fedStream();
    arm(name, [{ kind: 'stall', afterBytes: 40_000 }]);
    const archive = new CountingArchive(h.deps().archive);
    const deps = h.deps({ archive });

    const result = await run(name, deps);

    expect(result.outcome).toBe('CAUGHT_UP');
    expect(deps.metrics.get('Stalls')).toBe(1);
    expect(archive.puts.map(numberOf)).toEqual(persisted);
    expect(h.kvs.service.openConnections(name)).toBe(0);
  });

  it('exits early when caught up instead of waiting for the deadline', async () => {
    const { name } = await fedStream();
    await run(name, h.deps());
    const started = Date.now();

    const result = await run(name, h.deps(), 'owner-a', 600_000);

    expect(result).toMatchObject({ outcome: 'CAUGHT_UP', fragments: 0 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('backs off with jitter on ClientLimitExceeded and never calls GetMedia more than 5 times a second', async () => {
    const { name, persisted } = await fedStream();
    // Another reader uses up the stream's 5 calls per second, over and over, while the consumer starts.
    const other = new KinesisVideoMediaClient({
      region: REGION,
      endpoint: h.kvs.endpoint,
      credentials,
      maxAttempts: 1,
    });
    const hog = (async () => {
      for (let round = 0; round < 6; round++) {
        await Promise.all(
          Array.from({ length: 5 }, async () => {
            try {
              const output = await other.send(
                new GetMediaCommand({ StreamName: name, StartSelector: { StartSelectorType: 'NOW' } }),
              );
              (output.Payload as { destroy(): void }).destroy();
            } catch {
              // refused: the point is to use up the calls
            }
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    const calls: number[] = [];
    const base = h.deps();
    const deps = h.deps({ media: timedMedia(base.media, calls) });
    const archive = new CountingArchive(deps.archive);

    const result = await run(name, { ...deps, archive });
    await hog;
    other.destroy();

    expect(result.outcome).toBe('CAUGHT_UP');
    expect(deps.metrics.get('ClientLimitBackoffs')).toBeGreaterThanOrEqual(1);
    expect(archive.puts.map(numberOf)).toEqual(persisted);
    for (const at of calls)
      expect(calls.filter((other) => other >= at && other - at < 1000).length).toBeLessThanOrEqual(5);
    expect(h.kvs.service.openConnections(name)).toBe(0);
  });

  it('keeps a second consumer out while the lease is held, and lets it in once the lease has expired', async () => {
    const { name } = await fedStream();
    const slowArchive = new CountingArchive(h.deps().archive, { delayMs: 100 });
    const first = run(name, h.deps({ archive: slowArchive }), 'owner-a');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const second = await run(name, h.deps(), 'owner-b');
    expect(second).toMatchObject({ outcome: 'LEASE_HELD', fragments: 0 });
    expect((await first).outcome).toBe('CAUGHT_UP');
    // The first keeps its lease between invocations…
    expect((await run(name, h.deps(), 'owner-b')).outcome).toBe('LEASE_HELD');
    // …until it expires (its loop ended): then the second takes over from the checkpoint.
    await h.db.send(
      new UpdateCommand({
        TableName: h.table,
        Key: { streamName: name },
        UpdateExpression: 'SET leaseExpiresAt = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1 },
      }),
    );
    const takeover = await run(name, h.deps(), 'owner-b');
    expect(takeover).toMatchObject({ outcome: 'CAUGHT_UP', fragments: 0 });
    expect((await h.store.read(name))?.leaseOwner).toBe('owner-b');
  });

  it('falls back to SERVER_TIMESTAMP when the checkpoint fragment expired (error 4000) and raises a gap', async () => {
    const { name, persisted } = await fedStream();
    const { clock, tick } = fragmentClock();
    const archive = new CountingArchive(h.deps().archive, { onPut: tick });
    await run(name, h.deps({ archive, clock }), 'owner-a', 2500);
    const done = archive.puts.length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThanOrEqual(3);
    // Retention takes the checkpointed fragment and the two after it.
    expect(h.kvs.service.expireFragments(name, done + 2)).toBe(done + 2);
    const deps = h.deps({ archive, clock });

    const result = await run(name, deps);

    expect(result.outcome).toBe('CAUGHT_UP');
    expect(deps.metrics.get('ResumeGaps')).toBe(1);
    expect(deps.metrics.gaps.length).toBe(1);
    expect(archive.puts.map(numberOf)).toEqual([...persisted.slice(0, done), ...persisted.slice(done + 2)]);
    expect(h.kvs.service.openConnections(name)).toBe(0);
  });

  it('reports fragments missing from a response as a gap in the producer timestamps', async () => {
    const { name, persisted } = await fedStream();
    arm(name, [{ kind: 'gap', afterFragments: 3, skipFragments: 2 }]);
    const deps = h.deps();

    await run(name, deps);

    expect(deps.metrics.gaps).toHaveLength(1);
    expect(deps.metrics.gaps[0]).toBeGreaterThan(1500);
    expect(await h.archivedKeys(`fragments/${name}/`)).toHaveLength(persisted.length - 2);
  });

  it('surfaces an error chunk other than 4000 and retries from the checkpoint', async () => {
    const { name, persisted } = await fedStream();
    arm(name, [{ kind: 'error-chunk', afterFragments: 4, errorId: 5000 }]);
    const archive = new CountingArchive(h.deps().archive);
    const deps = h.deps({ archive });

    const result = await run(name, deps);

    expect(result.outcome).toBe('CAUGHT_UP');
    expect(deps.metrics.get('ErrorChunks')).toBe(1);
    expect(archive.puts.map(numberOf)).toEqual(persisted);
  });

  it('rolls fragments into contiguous clips of whole windows, flushing the last one when caught up', async () => {
    // Producer time starts on a window boundary, so each window's first fragment starts on (or one frame after, where
    // ffmpeg places the forced key frame one frame late) the boundary.
    const name = `stream-${++stream}`;
    await h.createStream(name);
    await h.put(name, { startMs: Math.ceil(Date.now() / 4000) * 4000 });
    const deps = h.deps();

    const result = await run(
      name,
      deps,
      'owner-a',
      60_000,
      config(name, { clipSeconds: 4, clipTarget: { type: 'media2cloud' } }),
    );

    expect(result.clips).toBeGreaterThanOrEqual(3);
    const clips = deps.clips.clips;
    for (let i = 1; i < clips.length; i++) expect(clips[i]?.startMs).toBe(clips[i - 1]?.endMs);
    // One clip per 4 s window of producer time, each starting with the window's first fragment.
    const windows = clips.map((clip) => Math.floor(clip.startMs / 4000));
    for (let i = 1; i < windows.length; i++) expect(windows[i]).toBe((windows[i - 1] as number) + 1);
    for (const clip of clips.slice(1)) expect(clip.startMs % 4000).toBeLessThan(250);
    expect((await h.store.read(name))?.pendingClip).toBeUndefined();
    expect(await h.archivedKeys(`clips/${name}/`)).toHaveLength(clips.length);
  });

  it('ends with STREAM_NOT_FOUND for a stream that does not exist', async () => {
    const result = await run('no-such-stream', h.deps());
    expect(result.outcome).toBe('STREAM_NOT_FOUND');
  });
});
