import { createHash } from 'node:crypto';
import {
  EbmlTokenizer,
  element,
  encodeId,
  encodeSize,
  encodeUint,
  floatElement,
  ID,
  readUint,
  stringElement,
  uintElement,
} from '../../shared/media/mkv';
import { readGetMediaCapture, type KvsFragment } from './get-media-reader';

/** Matroska's DateUTC counts nanoseconds from 2001-01-01T00:00:00Z. */
const MATROSKA_EPOCH_MS = Date.UTC(2001, 0, 1);

export interface ClipOptions {
  /** How long the clip plays, when the caller knows where the next fragment starts. @default from the last frame */
  readonly durationMs?: number;
  /** Written to Info Title and the clip's tags. */
  readonly title: string;
  /** Extra SimpleTags (stream name, fragment numbers). */
  readonly tags?: ReadonlyArray<readonly [string, string]>;
}

export interface Clip {
  readonly bytes: Buffer;
  /** Producer timestamp of the first frame. */
  readonly startMs: number;
  readonly durationMs: number;
}

/**
 * Joins fragments into one playable MKV: one EBML header, one Segment of known size with a fresh Info (duration and
 * the wall-clock start as DateUTC) and the first fragment's Tracks, then every fragment's clusters with known sizes
 * and timecodes counted from the clip's start. Concatenating GetMedia documents as they are would give a file of
 * many Segments, and players stop after the first.
 *
 * All fragments must share the first one's Tracks (same codecs and codec private data): `sameTracks` tells.
 */
export function buildClip(fragments: readonly KvsFragment[], options: ClipOptions): Clip {
  const first = fragments[0];
  if (!first?.layout.tracks) throw new Error('A clip needs at least one fragment with Tracks');
  const scale = first.layout.timecodeScale;
  const zero = first.layout.clusters[0]?.timecode ?? 0;
  const toMs = (timecode: number) => (timecode * scale) / 1e6;

  const clusters: Buffer[] = [];
  let lastFrame = zero;
  const frameSteps: number[] = [];
  for (const fragment of fragments) {
    for (const range of fragment.layout.clusters) {
      const rebuilt = rebuildCluster(fragment.bytes.subarray(range.start, range.end), zero);
      clusters.push(rebuilt.bytes);
      frameSteps.push(...rebuilt.steps);
      lastFrame = Math.max(lastFrame, rebuilt.lastFrame);
    }
  }
  const step = median(frameSteps) ?? 0;
  const durationMs = options.durationMs ?? toMs(lastFrame - zero + step);

  const startMs = first.producerTimestampMs;
  const info = element(ID.Info, [
    element(ID.SegmentUID, createHash('md5').update(options.title).digest()),
    uintElement(ID.TimecodeScale, scale),
    floatElement(ID.Duration, (durationMs * 1e6) / scale),
    element(ID.DateUTC, encodeUint(BigInt(startMs - MATROSKA_EPOCH_MS) * 1_000_000n, 8)),
    stringElement(ID.Title, options.title),
    stringElement(ID.MuxingApp, 'mediaplane'),
    stringElement(ID.WritingApp, 'mediaplane kvs-consumer'),
  ]);
  const tracks = first.bytes.subarray(first.layout.tracks.start, first.layout.tracks.end);
  const tags = options.tags?.length
    ? element(ID.Tags, [
        element(
          ID.Tag,
          options.tags.map(([name, value]) =>
            element(ID.SimpleTag, [stringElement(ID.TagName, name), stringElement(ID.TagString, value)]),
          ),
        ),
      ])
    : Buffer.alloc(0);
  const body = Buffer.concat([info, tracks, ...clusters, tags]);
  const ebml = element(ID.EBML, [
    uintElement(0x4286, 1),
    uintElement(0x42f7, 1),
    uintElement(0x42f2, 4),
    uintElement(0x42f3, 8),
    stringElement(ID.DocType, 'matroska'),
    uintElement(0x4287, 4),
    uintElement(0x4285, 2),
  ]);
  const segment = Buffer.concat([encodeId(ID.Segment), encodeSize(body.length, 8), body]);
  return { bytes: Buffer.concat([ebml, segment]), startMs, durationMs };
}

/** True when two fragments carry byte-identical Tracks, so their clusters can share one header. */
export function sameTracks(a: KvsFragment, b: KvsFragment): boolean {
  const ta = a.layout.tracks;
  const tb = b.layout.tracks;
  if (!ta || !tb) return false;
  return a.bytes.subarray(ta.start, ta.end).equals(b.bytes.subarray(tb.start, tb.end));
}

/** The SHA-256 of a fragment's Tracks: what `sameTracks` compares, in a form a checkpoint can keep. */
export function tracksDigest(fragment: KvsFragment): string {
  const tracks = fragment.layout.tracks;
  const bytes = tracks ? fragment.bytes.subarray(tracks.start, tracks.end) : Buffer.alloc(0);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Re-reads archived fragment objects (each one GetMedia document) for `buildClip`. */
export function fragmentsOf(objects: readonly Buffer[]): KvsFragment[] {
  return objects.flatMap((bytes) =>
    readGetMediaCapture(bytes).events.filter((event): event is KvsFragment => event.kind === 'fragment'),
  );
}

/**
 * A cluster with a known size and its Timecode moved by `-zero`; blocks are copied byte for byte, the live Position
 * and PrevSize (wrong in the new file) are dropped.
 */
function rebuildCluster(bytes: Buffer, zero: number): { bytes: Buffer; lastFrame: number; steps: number[] } {
  const children: Buffer[] = [];
  let timecode = 0;
  let lastFrame = zero;
  const frames: number[] = [];
  let clusterDepth = -1;
  const tokenizer = new EbmlTokenizer(
    {
      onStart: (el) => {
        if (el.id === ID.Cluster && clusterDepth < 0) clusterDepth = el.depth;
        else if (el.depth === clusterDepth + 1) children.push(bytes.subarray(el.headerOffset, bytes.length));
      },
      onEnd: (el, end) => {
        if (el.depth === clusterDepth + 1) {
          const last = children.length - 1;
          children[last] = bytes.subarray(el.headerOffset, end);
        }
      },
      onLeaf: (el, data) => {
        if (el.depth !== clusterDepth + 1) return;
        if (el.id === ID.Timecode && data) {
          timecode = readUint(data);
          return;
        }
        if (el.id === ID.Position || el.id === ID.PrevSize) return;
        if (el.id === ID.SimpleBlock && data) {
          const width = Math.clz32(data[0] as number) - 23;
          const at = timecode + data.readInt16BE(width);
          frames.push(at);
          lastFrame = Math.max(lastFrame, at);
        }
        children.push(bytes.subarray(el.headerOffset, el.dataOffset + el.dataSize));
      },
    },
    { wantData: (id) => id === ID.Timecode || id === ID.SimpleBlock },
  );
  tokenizer.write(bytes);
  tokenizer.end();
  const body = Buffer.concat([uintElement(ID.Timecode, Math.max(0, timecode - zero)), ...children]);
  const sorted = [...new Set(frames)].sort((a, b) => a - b);
  const steps = sorted.slice(1).map((value, index) => value - (sorted[index] as number));
  return {
    bytes: Buffer.concat([encodeId(ID.Cluster), encodeSize(body.length, 8), body]),
    lastFrame,
    steps,
  };
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
