import { ByteWindow, EbmlTokenizer, ID, readString, readUint, type EbmlElement } from '../../shared/media/mkv';
import { KVS_TAG } from './tags';
import { parseKvsTimestamp } from './timestamps';

/** A byte range [start, end) inside a fragment's bytes. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface ClusterRange extends ByteRange {
  /** The Cluster's Timecode, in TimecodeScale units. */
  readonly timecode: number;
}

/** Where the parts of one fragment document are, for tools that rebuild MKV from fragments (clips). */
export interface FragmentLayout {
  readonly info?: ByteRange;
  readonly tracks?: ByteRange;
  readonly clusters: readonly ClusterRange[];
  /** Nanoseconds per timecode unit (Matroska's default, 1 ms, when Info has none). */
  readonly timecodeScale: number;
}

/** One complete fragment: its MKV document from the EBML header through the Tags with the continuation token. */
export interface KvsFragment {
  readonly kind: 'fragment';
  readonly fragmentNumber: string;
  readonly serverTimestampMs: number;
  readonly producerTimestampMs: number;
  readonly millisBehindNow?: number;
  readonly continuationToken: string;
  /** Every SimpleTag of the document, the producer's own included (the last value wins for a repeated name). */
  readonly tags: Readonly<Record<string, string>>;
  readonly bytes: Buffer;
  readonly layout: FragmentLayout;
}

/** An error chunk (AWS_KINESISVIDEO_ERROR_ID): GetMedia stops after it. */
export interface KvsErrorChunk {
  readonly kind: 'error';
  readonly errorId: number;
  readonly errorCode: string;
  readonly tags: Readonly<Record<string, string>>;
}

export type GetMediaEvent = KvsFragment | KvsErrorChunk;

interface Document {
  readonly start: number;
  readonly tags: Map<string, string>;
  info?: ByteRange;
  tracks?: ByteRange;
  clusters: ClusterRange[];
  openCluster?: { start: number; timecode: number };
  timecodeScale: number;
  finished: boolean;
}

const WANTED = new Set<number>([ID.TagName, ID.TagString, ID.TimecodeScale, ID.Timecode]);

/**
 * Reads a GetMedia payload — one MKV document per fragment, back to back — from chunks of any size, and yields each
 * fragment once it is complete, which is when the Tags carrying AWS_KINESISVIDEO_CONTINUATION_TOKEN have arrived
 * (the cluster alone may still be followed by frames). A document cut off before that is never yielded: the caller
 * resumes from the last complete fragment's token and gets it again whole.
 */
export class GetMediaReader {
  private readonly window = new ByteWindow();
  private readonly tokenizer: EbmlTokenizer;
  private readonly simpleTags: Array<{ name?: string; value?: string }> = [];
  private document: Document | undefined;
  private events: GetMediaEvent[] = [];
  private abandonedDocuments = 0;

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

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.tokenizer.offset;
  }

  /** Documents that started but were replaced by the next before they completed (a service-side cut). */
  get abandoned(): number {
    return this.abandonedDocuments;
  }

  /** Reads a chunk; returns the fragments and error chunks it completed, in order. */
  push(chunk: Uint8Array): GetMediaEvent[] {
    this.window.add(chunk);
    this.tokenizer.write(chunk);
    const events = this.events;
    this.events = [];
    if (!this.document || this.document.finished) this.window.dropBefore(this.tokenizer.pendingOffset);
    return events;
  }

  /** Ends the payload. `partial` is true when it stopped inside a fragment, whose bytes are discarded. */
  end(): { partial: boolean } {
    const { truncated } = this.tokenizer.end();
    const partial = truncated || (this.document !== undefined && !this.document.finished);
    this.document = undefined;
    return { partial };
  }

  private onStart(element: EbmlElement): void {
    if (element.id === ID.EBML && element.depth === 0) {
      if (this.document && !this.document.finished) this.abandonedDocuments++;
      this.window.dropBefore(element.headerOffset);
      this.document = {
        start: element.headerOffset,
        tags: new Map(),
        clusters: [],
        timecodeScale: 1_000_000,
        finished: false,
      };
      return;
    }
    const document = this.document;
    if (!document || document.finished) return;
    if (element.id === ID.Cluster) document.openCluster = { start: element.headerOffset - document.start, timecode: 0 };
    else if (element.id === ID.SimpleTag) this.simpleTags.push({});
  }

  private onLeaf(element: EbmlElement, data: Buffer | undefined): void {
    const document = this.document;
    if (!document || document.finished || !data) return;
    switch (element.id) {
      case ID.TagName:
        if (this.simpleTags.length > 0)
          (this.simpleTags[this.simpleTags.length - 1] as { name?: string }).name = readString(data);
        break;
      case ID.TagString:
        if (this.simpleTags.length > 0)
          (this.simpleTags[this.simpleTags.length - 1] as { value?: string }).value = readString(data);
        break;
      case ID.TimecodeScale:
        document.timecodeScale = readUint(data) || 1_000_000;
        break;
      case ID.Timecode:
        if (document.openCluster) document.openCluster.timecode = readUint(data);
        break;
    }
  }

  private onEnd(element: EbmlElement, end: number): void {
    const document = this.document;
    if (!document || document.finished) return;
    const range = { start: element.headerOffset - document.start, end: end - document.start };
    switch (element.id) {
      case ID.SimpleTag: {
        const tag = this.simpleTags.pop();
        if (tag?.name !== undefined) document.tags.set(tag.name, tag.value ?? '');
        break;
      }
      case ID.Info:
        document.info = range;
        break;
      case ID.Tracks:
        document.tracks = range;
        break;
      case ID.Cluster:
        if (document.openCluster) document.clusters.push({ ...range, timecode: document.openCluster.timecode });
        document.openCluster = undefined;
        break;
      case ID.Tags:
        this.onTagsEnd(document, end);
        break;
    }
  }

  private onTagsEnd(document: Document, end: number): void {
    const tags = document.tags;
    const errorId = tags.get(KVS_TAG.ErrorId);
    if (errorId !== undefined) {
      document.finished = true;
      this.events.push({
        kind: 'error',
        errorId: Number(errorId),
        errorCode: tags.get(KVS_TAG.ErrorCode) ?? '',
        tags: Object.fromEntries(tags),
      });
      return;
    }
    const continuationToken = tags.get(KVS_TAG.ContinuationToken);
    const fragmentNumber = tags.get(KVS_TAG.FragmentNumber);
    if (continuationToken === undefined || fragmentNumber === undefined || document.clusters.length === 0) return;
    document.finished = true;
    const millisBehindNow = tags.get(KVS_TAG.MillisBehindNow);
    this.events.push({
      kind: 'fragment',
      fragmentNumber,
      serverTimestampMs: parseKvsTimestamp(tags.get(KVS_TAG.ServerTimestamp) ?? '') ?? 0,
      producerTimestampMs: parseKvsTimestamp(tags.get(KVS_TAG.ProducerTimestamp) ?? '') ?? 0,
      ...(millisBehindNow !== undefined && /^\d+$/.test(millisBehindNow)
        ? { millisBehindNow: Number(millisBehindNow) }
        : {}),
      continuationToken,
      tags: Object.fromEntries(tags),
      bytes: this.window.slice(document.start, end),
      layout: {
        ...(document.info ? { info: document.info } : {}),
        ...(document.tracks ? { tracks: document.tracks } : {}),
        clusters: document.clusters,
        timecodeScale: document.timecodeScale,
      },
    });
  }
}

/** Every event in a whole GetMedia capture (a file saved with `aws kinesis-video-media get-media`, say). */
export function readGetMediaCapture(bytes: Uint8Array): { events: GetMediaEvent[]; partial: boolean } {
  const reader = new GetMediaReader();
  const events = reader.push(bytes);
  return { events, partial: reader.end().partial };
}
