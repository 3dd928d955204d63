import {
  ByteWindow,
  EbmlTokenizer,
  ID,
  readSize,
  readString,
  readUint,
  vintWidth,
  type EbmlElement,
} from '../../shared/media/mkv';

/** One coded frame (or laced group) as a SimpleBlock carries it. */
export interface MkvFrame {
  readonly trackNumber: number;
  /** Cluster timecode + the block's relative timecode, in TimecodeScale units. */
  readonly timecode: number;
  readonly keyframe: boolean;
  /** The SimpleBlock flags byte (keyframe, invisible, lacing, discardable). */
  readonly flags: number;
  /** What follows the flags byte: the frame, or the lacing header and frames. */
  readonly payload: Buffer;
}

export interface MkvTrackInfo {
  readonly number: number;
  readonly type: number;
  readonly codecId: string;
}

export type MkvStreamEvent =
  | {
      readonly type: 'header';
      /** The EBML header, the Info and the Tracks elements exactly as read. */
      readonly ebml: Buffer;
      readonly info: Buffer | undefined;
      readonly tracks: Buffer;
      readonly timecodeScale: number;
      readonly trackInfo: readonly MkvTrackInfo[];
    }
  | { readonly type: 'cluster-start'; readonly timecode: number }
  | { readonly type: 'frame'; readonly frame: MkvFrame }
  | { readonly type: 'cluster-end' }
  /** A Tags element outside any cluster, exactly as read. */
  | { readonly type: 'tags'; readonly bytes: Buffer };

const WANTED = new Set<number>([
  ID.SimpleBlock,
  ID.Block,
  ID.Timecode,
  ID.TimecodeScale,
  ID.TrackNumber,
  ID.TrackType,
  ID.CodecID,
  0xfb, // ReferenceBlock
]);

/**
 * Reads an MKV stream (a file, ffmpeg's output, a PutMedia body) into its header, clusters and frames, from chunks
 * of any size. Blocks inside BlockGroups come out as frames too, key frames being those without a ReferenceBlock.
 */
export class MkvFrameReader {
  private readonly window = new ByteWindow();
  private readonly tokenizer: EbmlTokenizer;
  private events: MkvStreamEvent[] = [];
  private ebml: Buffer | undefined;
  private info: Buffer | undefined;
  private tracks: Buffer | undefined;
  private timecodeScale = 1_000_000;
  private trackInfo: Array<{ number: number; type: number; codecId: string }> = [];
  private currentTrack: { number: number; type: number; codecId: string } | undefined;
  private headerSent = false;
  private clusterTimecode: number | undefined;
  private inCluster = false;
  /** The cluster-start event waits for the Timecode (or the first block) so it carries the cluster's timecode. */
  private clusterAnnounced = false;
  private blockGroup: { block?: Buffer; referenced: boolean } | undefined;
  /** Start offset of the element whose raw bytes are being kept (EBML header, Info, Tracks, top-level Tags). */
  private keepingFrom: number | undefined;

  constructor() {
    this.tokenizer = new EbmlTokenizer(
      {
        onStart: (element) => this.onStart(element),
        onLeaf: (element, data) => this.onLeaf(element, data),
        onEnd: (element, end) => this.onEnd(element, end),
      },
      { wantData: (id) => WANTED.has(id) },
    );
  }

  push(chunk: Uint8Array): MkvStreamEvent[] {
    this.window.add(chunk);
    this.tokenizer.write(chunk);
    if (this.keepingFrom === undefined) this.window.dropBefore(this.tokenizer.pendingOffset);
    const events = this.events;
    this.events = [];
    return events;
  }

  /** Ends the input; `truncated` when it stopped inside an element. */
  end(): { events: MkvStreamEvent[]; truncated: boolean } {
    const { truncated } = this.tokenizer.end();
    const events = this.events;
    this.events = [];
    return { events, truncated };
  }

  private keep(element: EbmlElement): void {
    this.keepingFrom ??= element.headerOffset;
  }

  private take(element: EbmlElement, end: number): Buffer {
    const bytes = this.window.slice(element.headerOffset, end);
    this.keepingFrom = undefined;
    return bytes;
  }

  private onStart(element: EbmlElement): void {
    switch (element.id) {
      case ID.EBML:
        if (element.depth === 0) {
          this.keep(element);
          this.headerSent = false;
          this.info = undefined;
          this.tracks = undefined;
          this.trackInfo = [];
          this.timecodeScale = 1_000_000;
        }
        break;
      case ID.Info:
      case ID.Tracks:
        this.keep(element);
        break;
      case ID.Tags:
        if (!this.inCluster) this.keep(element);
        break;
      case ID.TrackEntry:
        this.currentTrack = { number: 0, type: 0, codecId: '' };
        break;
      case ID.Cluster:
        this.sendHeader();
        this.inCluster = true;
        this.clusterTimecode = undefined;
        this.clusterAnnounced = false;
        break;
      case ID.BlockGroup:
        this.blockGroup = { referenced: false };
        break;
    }
  }

  private onLeaf(element: EbmlElement, data: Buffer | undefined): void {
    if (!data) return;
    switch (element.id) {
      case ID.TimecodeScale:
        this.timecodeScale = readUint(data) || 1_000_000;
        break;
      case ID.TrackNumber:
        if (this.currentTrack) this.currentTrack.number = readUint(data);
        break;
      case ID.TrackType:
        if (this.currentTrack) this.currentTrack.type = readUint(data);
        break;
      case ID.CodecID:
        if (this.currentTrack) this.currentTrack.codecId = readString(data);
        break;
      case ID.Timecode:
        if (this.inCluster) {
          this.clusterTimecode = readUint(data);
          // The cluster-start event is still the last one out when the Timecode comes first, as it must.
          const last = this.events[this.events.length - 1];
          if (last?.type === 'cluster-start')
            this.events[this.events.length - 1] = { ...last, timecode: readUint(data) };
        }
        break;
      case ID.SimpleBlock:
        this.emitBlock(data, undefined);
        break;
      case ID.Block:
        if (this.blockGroup) this.blockGroup.block = Buffer.from(data);
        break;
      case 0xfb:
        if (this.blockGroup) this.blockGroup.referenced = true;
        break;
    }
  }

  private onEnd(element: EbmlElement, end: number): void {
    switch (element.id) {
      case ID.EBML:
        if (element.depth === 0) this.ebml = this.take(element, end);
        break;
      case ID.Info:
        this.info = this.take(element, end);
        break;
      case ID.Tracks:
        this.tracks = this.take(element, end);
        break;
      case ID.TrackEntry:
        if (this.currentTrack) this.trackInfo.push(this.currentTrack);
        this.currentTrack = undefined;
        break;
      case ID.Tags:
        if (!this.inCluster && this.keepingFrom !== undefined) {
          this.events.push({ type: 'tags', bytes: this.take(element, end) });
        }
        break;
      case ID.BlockGroup:
        if (this.blockGroup?.block) this.emitBlock(this.blockGroup.block, !this.blockGroup.referenced);
        this.blockGroup = undefined;
        break;
      case ID.Cluster:
        this.announceCluster();
        this.inCluster = false;
        this.events.push({ type: 'cluster-end' });
        break;
    }
  }

  private sendHeader(): void {
    if (this.headerSent) return;
    if (!this.tracks) throw new Error('MKV stream has a Cluster before its Tracks');
    this.headerSent = true;
    this.events.push({
      type: 'header',
      ebml: this.ebml ?? Buffer.alloc(0),
      info: this.info,
      tracks: this.tracks,
      timecodeScale: this.timecodeScale,
      trackInfo: this.trackInfo,
    });
  }

  private announceCluster(): void {
    if (this.clusterAnnounced || !this.inCluster) return;
    this.clusterAnnounced = true;
    this.events.push({ type: 'cluster-start', timecode: this.clusterTimecode ?? 0 });
  }

  /** A SimpleBlock's payload (or a Block's, with the key frame flag from its BlockGroup). */
  private emitBlock(data: Buffer, keyframeFromGroup: boolean | undefined): void {
    const width = vintWidth(data[0] ?? 0);
    if (width === 0 || data.length < width + 3) return;
    this.announceCluster();
    const trackNumber = readSize(data, 0, width);
    const relative = data.readInt16BE(width);
    let flags = data[width + 2] as number;
    if (keyframeFromGroup !== undefined) flags = keyframeFromGroup ? flags | 0x80 : flags & 0x7f;
    this.events.push({
      type: 'frame',
      frame: {
        trackNumber,
        timecode: (this.clusterTimecode ?? 0) + relative,
        keyframe: (flags & 0x80) !== 0,
        flags,
        // A copy: the block may be a view of a chunk the caller reuses.
        payload: Buffer.from(data.subarray(width + 3)),
      },
    });
  }
}
