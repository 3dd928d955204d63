import { EbmlFormatError, EbmlTokenizer, encodeSize, ID, readSize, UNKNOWN_SIZE } from '../../lambdas/shared/media/mkv';
import {
  GetMediaReader,
  type GetMediaEvent,
  type KvsFragment,
} from '../../lambdas/kvs-consumer/media/get-media-reader';
import { parseKvsTimestamp, formatKvsTimestamp } from '../../lambdas/kvs-consumer/media/timestamps';
import { chunked, fragments, getMediaErrorDocument, getMediaPayload, type Encoding } from './fixtures';

function readAll(chunks: readonly Buffer[]): { events: GetMediaEvent[]; partial: boolean } {
  const reader = new GetMediaReader();
  const events = chunks.flatMap((chunk) => reader.push(chunk));
  return { events, partial: reader.end().partial };
}

const summary = (events: readonly GetMediaEvent[]) =>
  events.map((event) =>
    event.kind === 'fragment'
      ? [
          event.fragmentNumber,
          event.producerTimestampMs,
          event.serverTimestampMs,
          event.millisBehindNow,
          event.continuationToken,
          event.layout.clusters.length,
        ]
      : ['error', event.errorId],
  );

describe('GetMedia reader', () => {
  const list = fragments(4);
  const expected = list.map((fragment, index) => [
    fragment.fragmentNumber,
    fragment.producerTimestampMs,
    fragment.serverTimestampMs,
    (list.length - 1 - index) * 2000,
    fragment.fragmentNumber,
    1,
  ]);

  describe.each<Encoding>(['producer', 'known-size', 'unknown-size-1', 'unknown-size-8'])('%s encoding', (encoding) => {
    const payload = getMediaPayload(list, encoding);

    it.each<[string, number | 'random']>([
      ['one chunk', payload.length],
      ['1-byte chunks', 1],
      ['7-byte chunks', 7],
      ['16 KiB chunks', 16 * 1024],
      ['random chunks', 'random'],
    ])('yields every fragment, whole, from %s', (_name, size) => {
      const { events, partial } = readAll(chunked(payload, size));

      expect(summary(events)).toEqual(expected);
      expect(partial).toBe(false);
      // Each fragment's bytes are a document of its own that reads back to the same fragment.
      for (const event of events as KvsFragment[]) {
        expect(summary(readAll([event.bytes]).events)[0]).toEqual(summary([event])[0]);
      }
    });
  });

  it('reads tags before and after the cluster and keeps the producer tags', () => {
    const { events } = readAll([getMediaPayload(list.slice(0, 1), 'known-size')]);

    expect((events[0] as KvsFragment).tags.CUSTOM_TAG).toBe('after the cluster');
  });

  it('skips frames of 64 KiB and more that contain EBML magic bytes without mistaking them for elements', () => {
    const big = fragments(2, [200_000, 65_536, 64 * 1024 + 1]);
    const { events } = readAll(chunked(getMediaPayload(big), 'random', 7));

    expect(events.map((event) => (event as KvsFragment).fragmentNumber)).toEqual(big.map((f) => f.fragmentNumber));
    expect((events[0] as KvsFragment).bytes.length).toBeGreaterThan(200_000 + 65_536 * 2);
  });

  it.each([1, 100, 5_000, 70_000])(
    'yields no fragment for input cut %i bytes before the continuation tags end',
    (cut) => {
      const payload = getMediaPayload(list.slice(0, 1));
      const { events, partial } = readAll(chunked(payload.subarray(0, payload.length - cut), 'random'));

      expect(events).toEqual([]);
      expect(partial).toBe(true);
    },
  );

  it('yields the complete fragments before a cut-off one', () => {
    const payload = getMediaPayload(list);
    const { events, partial } = readAll(chunked(payload.subarray(0, payload.length - 10), 1000));

    expect(summary(events)).toEqual(expected.slice(0, 3));
    expect(partial).toBe(true);
  });

  it('surfaces an error chunk after the fragments before it', () => {
    const two = fragments(2);
    const payload = Buffer.concat([
      getMediaPayload(two),
      getMediaErrorDocument(4000, 'Requested fragment is not found'),
    ]);
    const { events } = readAll(chunked(payload, 7));

    expect(summary(events)).toEqual([
      ...two.map((fragment, index) => [
        fragment.fragmentNumber,
        fragment.producerTimestampMs,
        fragment.serverTimestampMs,
        (1 - index) * 2000,
        fragment.fragmentNumber,
        1,
      ]),
      ['error', 4000],
    ]);
    expect(events[2]).toMatchObject({ kind: 'error', errorId: 4000, errorCode: 'Requested fragment is not found' });
  });

  it('refuses bytes that are not EBML', () => {
    const reader = new GetMediaReader();
    expect(() => reader.push(Buffer.from([0x00, 0x00, 0x00, 0x00]))).toThrow(EbmlFormatError);
  });
});

describe('EBML tokenizer', () => {
  it('ends an unknown-size cluster at the next element of its level, and the segment at the next EBML header', () => {
    const ends: string[] = [];
    const tokenizer = new EbmlTokenizer({
      onEnd: (element, end) => ends.push(`${element.info?.name}@${end}`),
    });
    const payload = getMediaPayload(fragments(2, [10]), 'unknown-size-1');
    tokenizer.write(payload);
    tokenizer.end();

    const clusterEnds = ends.filter((entry) => entry.startsWith('Cluster@'));
    const segmentEnds = ends.filter((entry) => entry.startsWith('Segment@'));
    expect(clusterEnds).toHaveLength(2);
    expect(segmentEnds).toHaveLength(2);
    // The first segment ends exactly where the second EBML header starts.
    const secondHeader = payload.indexOf(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), 1);
    expect(segmentEnds[0]).toBe(`Segment@${secondHeader}`);
  });

  it('reads 8-byte sizes, unknown sizes of every width, and writes them back', () => {
    for (const width of [1, 2, 4, 8]) {
      expect(readSize(encodeSize(UNKNOWN_SIZE, width), 0, width)).toBe(UNKNOWN_SIZE);
      expect(readSize(encodeSize(1234, 8), 0, 8)).toBe(1234);
    }
    expect(encodeSize(126)).toEqual(Buffer.from([0xfe]));
    expect(encodeSize(127)).toEqual(Buffer.from([0x40, 0x7f]));
    expect(ID.Cluster).toBe(0x1f43b675);
  });

  it('reports a leaf of unknown size as malformed', () => {
    const tokenizer = new EbmlTokenizer({});
    expect(() => tokenizer.write(Buffer.from([0xa3, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/unknown size/);
  });
});

describe('Kinesis Video timestamps', () => {
  it('reads seconds with milliseconds exactly, and writes them back', () => {
    expect(parseKvsTimestamp('1511852109.126')).toBe(1511852109126);
    expect(parseKvsTimestamp('1511852109')).toBe(1511852109000);
    expect(parseKvsTimestamp('1511852109.1')).toBe(1511852109100);
    expect(parseKvsTimestamp('abc')).toBeUndefined();
    expect(formatKvsTimestamp(1511852109006)).toBe('1511852109.006');
  });
});
