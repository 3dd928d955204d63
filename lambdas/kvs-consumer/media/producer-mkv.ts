import { randomBytes } from 'node:crypto';
import { encodeId, encodeSize, encodeUint, ID, UNKNOWN_SIZE } from '../../shared/media/mkv';
import type { MkvFrame } from './mkv-frames';
import { KVS_TAG } from './tags';
import { formatKvsTimestamp } from './timestamps';

/**
 * MKV in the layout the Kinesis Video Producer SDK writes (and GetMedia hands back): the SDK's fixed EBML header, a
 * Segment and Clusters of unknown size, a fixed-width Info, 4-byte Tracks sizes, 8-byte Timecodes, and SimpleBlocks and
 * Tags with 8-byte sizes. Consumers that only cope with minimal-width sizes fail on exactly these bytes.
 */

/** The Producer SDK's EBML header, byte for byte (DocType "matroska", max size length 8). */
export const PRODUCER_EBML_HEADER = Buffer.from([
  0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04, 0x42, 0xf3,
  0x81, 0x08, 0x42, 0x82, 0x88, 0x6d, 0x61, 0x74, 0x72, 0x6f, 0x73, 0x6b, 0x61, 0x42, 0x87, 0x81, 0x02, 0x42, 0x85,
  0x81, 0x02,
]);

/** Segment with the one-byte unknown size the Producer SDK writes. */
export const PRODUCER_SEGMENT_START = Buffer.from([0x18, 0x53, 0x80, 0x67, 0xff]);

const sized = (id: number, payload: Buffer, width: number) =>
  Buffer.concat([encodeId(id), encodeSize(payload.length, width), payload]);

export interface ProducerInfoOptions {
  /** @default 1,000,000 ns (1 ms), the Producer SDK's */
  readonly timecodeScale?: number;
  readonly title?: string;
  /** @default 'mediaplane' */
  readonly muxingApp?: string;
  /** @default 'mediaplane' */
  readonly writingApp?: string;
  /** 16 bytes. @default random */
  readonly segmentUid?: Buffer;
}

/** Info with a two-byte size, a 16-byte SegmentUID and an 8-byte TimecodeScale, as the Producer SDK lays it out. */
export function producerInfo(options: ProducerInfoOptions = {}): Buffer {
  const children = [
    sized(ID.SegmentUID, options.segmentUid ?? randomBytes(16), 1),
    sized(ID.TimecodeScale, encodeUint(options.timecodeScale ?? 1_000_000, 8), 1),
    ...(options.title ? [sized(ID.Title, Buffer.from(options.title, 'utf8'), 1)] : []),
    sized(ID.MuxingApp, Buffer.from(options.muxingApp ?? 'mediaplane', 'utf8'), 1),
    sized(ID.WritingApp, Buffer.from(options.writingApp ?? 'mediaplane', 'utf8'), 1),
  ];
  return sized(ID.Info, Buffer.concat(children), 2);
}

/** Tracks (4-byte size) around TrackEntry elements, given whole (taken from the source MKV). */
export function producerTracks(trackEntries: readonly Buffer[]): Buffer {
  return sized(ID.Tracks, Buffer.concat(trackEntries as Buffer[]), 4);
}

/** A Cluster of unknown size with its 8-byte Timecode and the live Position of 0. */
export function producerClusterStart(timecode: number): Buffer {
  return Buffer.concat([
    encodeId(ID.Cluster),
    encodeSize(UNKNOWN_SIZE, 1),
    sized(ID.Timecode, encodeUint(timecode, 8), 1),
    Buffer.from([0xa7, 0x81, 0x00]),
  ]);
}

/** A SimpleBlock with an 8-byte size; `relative` is the frame's timecode minus the cluster's (int16). */
export function producerSimpleBlock(
  frame: Pick<MkvFrame, 'trackNumber' | 'flags' | 'payload'>,
  relative: number,
): Buffer {
  if (relative < -32768 || relative > 32767) throw new RangeError(`Block timecode ${relative} is out of int16 range`);
  const head = Buffer.alloc(3);
  head.writeInt16BE(relative, 0);
  head[2] = frame.flags;
  const body = Buffer.concat([encodeSize(frame.trackNumber), head, frame.payload]);
  return Buffer.concat([encodeId(ID.SimpleBlock), encodeSize(body.length, 8), body]);
}

/** Tags → Tag → SimpleTag{TagName, TagString} for each pair, every size 8 bytes wide. */
export function producerTags(tags: ReadonlyArray<readonly [string, string]>): Buffer {
  const simpleTags = tags.map(([name, value]) =>
    sized(
      ID.SimpleTag,
      Buffer.concat([
        sized(ID.TagName, Buffer.from(name, 'utf8'), 8),
        sized(ID.TagString, Buffer.from(value, 'utf8'), 8),
      ]),
      8,
    ),
  );
  return sized(ID.Tags, sized(ID.Tag, Buffer.concat(simpleTags), 8), 8);
}

/** What GetMedia adds around one stored fragment. */
export interface FragmentTags {
  readonly fragmentNumber: string;
  readonly serverTimestampMs: number;
  readonly producerTimestampMs: number;
  readonly millisBehindNow: number;
  readonly continuationToken: string;
}

export interface StoredFragment {
  /** The stream's Info and Tracks elements as the producer sent them (GetMedia repeats them in every document). */
  readonly info: Buffer;
  readonly tracks: Buffer;
  /** Tags the producer sent before this fragment's cluster. */
  readonly producerTags?: Buffer;
  /** The cluster in the Producer SDK layout. */
  readonly cluster: Buffer;
  /** Tags the producer sent after the cluster. */
  readonly customTags?: Buffer;
}

/**
 * One GetMedia chunk: a self-contained MKV document for one fragment, laid out as the service sends it — header,
 * Segment, Info, Tracks, the producer's tags, the fragment tags, the cluster, custom tags, then the tags that make the
 * fragment complete (millis behind now and the continuation token). Returned as parts so a server can write them
 * without joining them first.
 */
export function getMediaDocument(fragment: StoredFragment, tags: FragmentTags): Buffer[] {
  return [
    PRODUCER_EBML_HEADER,
    PRODUCER_SEGMENT_START,
    fragment.info,
    fragment.tracks,
    ...(fragment.producerTags ? [fragment.producerTags] : []),
    producerTags([
      [KVS_TAG.FragmentNumber, tags.fragmentNumber],
      [KVS_TAG.ServerTimestamp, formatKvsTimestamp(tags.serverTimestampMs)],
      [KVS_TAG.ProducerTimestamp, formatKvsTimestamp(tags.producerTimestampMs)],
    ]),
    fragment.cluster,
    ...(fragment.customTags ? [fragment.customTags] : []),
    producerTags([
      [KVS_TAG.MillisBehindNow, String(Math.max(0, Math.round(tags.millisBehindNow)))],
      [KVS_TAG.ContinuationToken, tags.continuationToken],
    ]),
  ];
}

/** The chunk GetMedia sends when it stops on an error (AWS_KINESISVIDEO_ERROR_ID, then the connection ends). */
export function getMediaErrorDocument(errorId: number, errorCode: string): Buffer {
  return Buffer.concat([
    PRODUCER_EBML_HEADER,
    PRODUCER_SEGMENT_START,
    producerTags([
      [KVS_TAG.ErrorCode, errorCode],
      [KVS_TAG.ErrorId, String(errorId)],
    ]),
  ]);
}

/**
 * Re-lays frames the way the Producer SDK does with key-frame fragmentation: a new fragment (Cluster) at every key
 * frame of the first video track, timecodes absolute in milliseconds.
 */
export class ProducerFragmenter {
  private clusterTimecode: number | undefined;

  constructor(
    /** The track whose key frames start fragments. */
    private readonly fragmentTrack: number,
    /** Shortest fragment: a key frame closer than this to the fragment start does not start a new one. */
    private readonly minFragmentMs = 0,
  ) {}

  /** The bytes for one frame (timecode in ms): a new Cluster first when it starts a fragment. */
  frame(frame: MkvFrame, timecodeMs: number): { bytes: Buffer[]; startsFragment: boolean } {
    const startsFragment =
      this.clusterTimecode === undefined ||
      (frame.trackNumber === this.fragmentTrack &&
        frame.keyframe &&
        timecodeMs - this.clusterTimecode >= this.minFragmentMs) ||
      timecodeMs - this.clusterTimecode > 32_000;
    const bytes: Buffer[] = [];
    if (startsFragment) {
      this.clusterTimecode = timecodeMs;
      bytes.push(producerClusterStart(timecodeMs));
    }
    bytes.push(producerSimpleBlock(frame, timecodeMs - (this.clusterTimecode as number)));
    return { bytes, startsFragment };
  }
}
