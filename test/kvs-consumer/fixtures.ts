import { randomBytes } from 'node:crypto';
import {
  element,
  encodeId,
  encodeSize,
  ID,
  stringElement,
  uintElement,
  UNKNOWN_SIZE,
} from '../../lambdas/shared/media/mkv';
import {
  getMediaDocument,
  getMediaErrorDocument,
  PRODUCER_EBML_HEADER,
  producerClusterStart,
  producerInfo,
  producerSimpleBlock,
  producerTags,
  producerTracks,
} from '../../lambdas/kvs-consumer/media/producer-mkv';

/** How a synthetic GetMedia payload spells its sizes. */
export type Encoding = 'producer' | 'known-size' | 'unknown-size-1' | 'unknown-size-8';

export interface SyntheticFragment {
  readonly fragmentNumber: string;
  readonly producerTimestampMs: number;
  readonly serverTimestampMs: number;
  readonly frames: readonly Buffer[];
}

/** A fake H.264 track entry: enough for the MKV layer, no decoder involved. */
export const TRACK_ENTRY = element(ID.TrackEntry, [
  uintElement(ID.TrackNumber, 1),
  uintElement(ID.TrackUID, 1),
  uintElement(ID.TrackType, 1),
  stringElement(ID.CodecID, 'V_MPEG4/ISO/AVC'),
  element(ID.CodecPrivate, Buffer.from([1, 0x64, 0, 0x1f, 0xff])),
  element(ID.Video, [uintElement(ID.PixelWidth, 320), uintElement(ID.PixelHeight, 240)]),
]);

/** Frame payloads that contain the EBML magic (and a Cluster ID) so a resyncing parser would be fooled. */
export function trickyFrame(size: number): Buffer {
  const frame = randomBytes(size);
  const magic = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x1f, 0x43, 0xb6, 0x75, 0x12, 0x54, 0xc3, 0x67]);
  for (let at = 0; at + magic.length < size; at += Math.max(977, Math.floor(size / 7))) magic.copy(frame, at);
  return frame;
}

export function fragments(count: number, frameSizes: readonly number[] = [70_000, 900, 1200]): SyntheticFragment[] {
  const base = 91343852333181432392682062000000000000000000000n;
  return Array.from({ length: count }, (_, index) => ({
    fragmentNumber: String(base + BigInt(index) * 7_919_000_000n + 13n),
    producerTimestampMs: 1_700_000_000_000 + index * 2000,
    serverTimestampMs: 1_700_000_000_500 + index * 2000,
    frames: frameSizes.map((size) => trickyFrame(size)),
  }));
}

/** A GetMedia payload for these fragments in the given encoding. */
export function getMediaPayload(list: readonly SyntheticFragment[], encoding: Encoding = 'producer'): Buffer {
  const info = producerInfo({ segmentUid: Buffer.alloc(16, 7) });
  const tracks = producerTracks([TRACK_ENTRY]);
  return Buffer.concat(
    list.flatMap((fragment, index) => {
      const tags = {
        fragmentNumber: fragment.fragmentNumber,
        serverTimestampMs: fragment.serverTimestampMs,
        producerTimestampMs: fragment.producerTimestampMs,
        millisBehindNow: (list.length - 1 - index) * 2000,
        continuationToken: fragment.fragmentNumber,
      };
      if (encoding === 'producer') {
        const cluster = Buffer.concat([
          producerClusterStart(fragment.producerTimestampMs),
          ...fragment.frames.map((frame, at) =>
            producerSimpleBlock({ trackNumber: 1, flags: at === 0 ? 0x80 : 0, payload: frame }, at * 40),
          ),
        ]);
        return getMediaDocument({ info, tracks, cluster }, tags);
      }
      return [documentIn(encoding, fragment, tags.millisBehindNow)];
    }),
  );
}

function documentIn(
  encoding: Exclude<Encoding, 'producer'>,
  fragment: SyntheticFragment,
  millisBehindNow: number,
): Buffer {
  const width = encoding === 'unknown-size-8' ? 8 : undefined;
  const size = (payload: Buffer[], known: boolean) =>
    known ? encodeSize(Buffer.concat(payload).length, width) : encodeSize(UNKNOWN_SIZE, width ?? 1);
  const master = (id: number, children: Buffer[], known = true) =>
    Buffer.concat([encodeId(id), size(children, known), ...children]);
  const tags = (pairs: Array<[string, string]>) =>
    master(ID.Tags, [
      master(
        ID.Tag,
        pairs.map(([name, value]) =>
          master(ID.SimpleTag, [stringElement(ID.TagName, name), stringElement(ID.TagString, value)]),
        ),
      ),
    ]);
  const blocks = fragment.frames.map((frame, at) => {
    const head = Buffer.alloc(4);
    head[0] = 0x81;
    head.writeInt16BE(at * 40, 1);
    head[3] = at === 0 ? 0x80 : 0;
    return element(ID.SimpleBlock, Buffer.concat([head, frame]), width);
  });
  const known = encoding === 'known-size';
  const cluster = master(ID.Cluster, [uintElement(ID.Timecode, fragment.producerTimestampMs), ...blocks], known);
  const seconds = (ms: number) => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
  const segment = master(
    ID.Segment,
    [
      master(ID.Info, [uintElement(ID.TimecodeScale, 1_000_000)]),
      master(ID.Tracks, [TRACK_ENTRY]),
      tags([
        ['AWS_KINESISVIDEO_FRAGMENT_NUMBER', fragment.fragmentNumber],
        ['AWS_KINESISVIDEO_SERVER_TIMESTAMP', seconds(fragment.serverTimestampMs)],
        ['AWS_KINESISVIDEO_PRODUCER_TIMESTAMP', seconds(fragment.producerTimestampMs)],
      ]),
      cluster,
      tags([['CUSTOM_TAG', 'after the cluster']]),
      tags([
        ['AWS_KINESISVIDEO_MILLIS_BEHIND_NOW', String(millisBehindNow)],
        ['AWS_KINESISVIDEO_CONTINUATION_TOKEN', fragment.fragmentNumber],
      ]),
    ],
    known,
  );
  return Buffer.concat([PRODUCER_EBML_HEADER, segment]);
}

export { getMediaErrorDocument, producerTags };

/** Splits bytes into chunks of `size`, or of random sizes when `size` is 'random'. */
export function chunked(bytes: Buffer, size: number | 'random', seed = 1): Buffer[] {
  const chunks: Buffer[] = [];
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 1 + (state % 50_000);
  };
  for (let at = 0; at < bytes.length;) {
    const length = size === 'random' ? next() : size;
    chunks.push(bytes.subarray(at, at + length));
    at += length;
  }
  return chunks;
}
