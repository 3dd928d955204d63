import { readId, readSize, UNKNOWN_SIZE, vintWidth } from './ebml';
import { MATROSKA_SCHEMA, type ElementInfo } from './schema';

/** One element as the tokenizer met it; offsets count bytes from the start of the stream. */
export interface EbmlElement {
  readonly id: number;
  /** Schema entry, if the ID is known. Unknown leaves are reported and skipped; they close nothing. */
  readonly info: ElementInfo | undefined;
  /** Nesting depth in this stream (0 for a top-level element), whatever the schema says. */
  readonly depth: number;
  readonly headerOffset: number;
  readonly dataOffset: number;
  /** UNKNOWN_SIZE (-1) for an element of unknown size. */
  readonly dataSize: number;
}

export interface EbmlHandler {
  /** A master element starts; its children follow. */
  onStart?(element: EbmlElement): void;
  /** A non-master element was read whole; `data` is there when `wantData` asked for it. */
  onLeaf?(element: EbmlElement, data: Buffer | undefined): void;
  /** A master element ended at `endOffset` (by its size, by a higher-level element, or at the end of input). */
  onEnd?(element: EbmlElement, endOffset: number): void;
}

export interface EbmlTokenizerOptions {
  /** Which leaf payloads to hand over. @default every leaf but block and attachment data */
  readonly wantData?: (id: number) => boolean;
  /** @default the Matroska schema */
  readonly schema?: ReadonlyMap<number, ElementInfo>;
}

export class EbmlFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'EbmlFormatError';
  }
}

interface OpenElement extends EbmlElement {
  /** Absolute end offset, or Infinity for unknown size. */
  readonly end: number;
}

const BULK_DATA = new Set([0xa3, 0xa1, 0xaf, 0x465c, 0xa5]);
const defaultWantData = (id: number) => !BULK_DATA.has(id);
/** An ID (≤ 4 bytes) and a size (≤ 8 bytes). */
const MAX_HEADER = 12;

/**
 * A streaming EBML tokenizer: feed it chunks of any size (one byte at a time works) and it reports elements as soon
 * as their bytes are in, holding at most one element header and the payload of a leaf that was asked for.
 *
 * Why our own: the npm EBML parsers either crash on the 8-byte sizes the Kinesis Video Producer SDK writes or report
 * wrong ends for elements of unknown size. Here an unknown-size master ends when an element of the same or a lower
 * schema level starts (a Cluster ends at the next Cluster or Tags, a Segment at the next EBML header), as the
 * Matroska specification and the AWS parser library say; a known-size master ends the moment its last byte is read.
 * Block payloads are skipped by size, so EBML magic bytes inside a frame are never mistaken for elements.
 */
export class EbmlTokenizer {
  private readonly handler: EbmlHandler;
  private readonly wantData: (id: number) => boolean;
  private readonly schema: ReadonlyMap<number, ElementInfo>;
  private readonly stack: OpenElement[] = [];
  private readonly header = Buffer.alloc(MAX_HEADER);
  private headerLength = 0;
  /** Offset of the next byte to be read. */
  private position = 0;
  private leaf: { element: EbmlElement; remaining: number; data?: Buffer; filled: number } | undefined;
  private failed: EbmlFormatError | undefined;

  constructor(handler: EbmlHandler, options: EbmlTokenizerOptions = {}) {
    this.handler = handler;
    this.wantData = options.wantData ?? defaultWantData;
    this.schema = options.schema ?? MATROSKA_SCHEMA;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.position;
  }

  /** Where the element being read starts: bytes from here on may still be needed by whoever keeps the input. */
  get pendingOffset(): number {
    return this.position - this.headerLength;
  }

  /** True when the input read so far ends exactly between elements (nothing half-read, no known-size master open). */
  get atBoundary(): boolean {
    return this.headerLength === 0 && this.leaf === undefined && this.stack.every((open) => open.end === Infinity);
  }

  /** Tokenizes `chunk`; throws EbmlFormatError (and stays failed) on bytes that cannot be EBML. */
  write(chunk: Uint8Array): void {
    if (this.failed) throw this.failed;
    try {
      this.consume(chunk);
    } catch (error) {
      if (error instanceof EbmlFormatError) this.failed = error;
      throw error;
    }
  }

  /**
   * Ends the input: closes every open master at the current offset and reports whether the input stopped inside an
   * element (a truncated header, leaf or known-size master).
   */
  end(): { truncated: boolean } {
    const truncated = !this.atBoundary;
    this.closeAbove(0, this.position);
    this.leaf = undefined;
    this.headerLength = 0;
    return { truncated };
  }

  private consume(chunk: Uint8Array): void {
    const length = chunk.length;
    let i = 0;
    while (i < length) {
      const leaf = this.leaf;
      if (leaf) {
        const take = Math.min(leaf.remaining, length - i);
        if (leaf.data) leaf.data.set(chunk.subarray(i, i + take), leaf.filled);
        leaf.filled += take;
        leaf.remaining -= take;
        i += take;
        this.position += take;
        if (leaf.remaining === 0) {
          this.leaf = undefined;
          this.handler.onLeaf?.(leaf.element, leaf.data);
          this.closeBySize(this.position);
        }
        continue;
      }

      // Fast path: a whole header in this chunk.
      if (this.headerLength === 0 && length - i >= MAX_HEADER) {
        const idWidth = vintWidth(chunk[i] as number);
        if (idWidth === 0 || idWidth > 4) throw new EbmlFormatError('Invalid element ID', this.position);
        const sizeWidth = vintWidth(chunk[i + idWidth] as number);
        if (sizeWidth === 0) throw new EbmlFormatError('Invalid element size', this.position + idWidth);
        const id = readId(chunk, i, idWidth);
        const size = readSize(chunk, i + idWidth, sizeWidth);
        const headerBytes = idWidth + sizeWidth;
        const headerOffset = this.position;
        i += headerBytes;
        this.position += headerBytes;
        i += this.begin(id, size, headerOffset, chunk, i);
        continue;
      }

      // Slow path: gather the header byte by byte across chunks.
      this.header[this.headerLength++] = chunk[i++] as number;
      this.position++;
      const idWidth = vintWidth(this.header[0] as number);
      if (idWidth === 0 || idWidth > 4) throw new EbmlFormatError('Invalid element ID', this.position - 1);
      if (this.headerLength <= idWidth) continue;
      const sizeWidth = vintWidth(this.header[idWidth] as number);
      if (sizeWidth === 0) throw new EbmlFormatError('Invalid element size', this.position - 1);
      if (this.headerLength < idWidth + sizeWidth) continue;
      const id = readId(this.header, 0, idWidth);
      const size = readSize(this.header, idWidth, sizeWidth);
      const headerOffset = this.position - this.headerLength;
      this.headerLength = 0;
      i += this.begin(id, size, headerOffset, chunk, i);
    }
  }

  /** Starts an element whose header ends at `this.position`; returns how many payload bytes of `chunk` it took. */
  private begin(id: number, size: number, headerOffset: number, chunk: Uint8Array, at: number): number {
    this.closeBySize(headerOffset);
    const info = this.schema.get(id);
    if (info && !info.global) this.closeByLevel(info.level, headerOffset);

    const parent = this.stack[this.stack.length - 1];
    const dataOffset = this.position;
    if (size !== UNKNOWN_SIZE && parent && dataOffset + size > parent.end) {
      throw new EbmlFormatError(`${info?.name ?? `Element 0x${id.toString(16)}`} overruns its parent`, headerOffset);
    }
    const element: EbmlElement = { id, info, depth: this.stack.length, headerOffset, dataOffset, dataSize: size };

    if (info?.type === 'master') {
      this.stack.push({ ...element, end: size === UNKNOWN_SIZE ? Infinity : dataOffset + size });
      this.handler.onStart?.(element);
      if (size === 0) this.closeBySize(dataOffset);
      return 0;
    }
    if (size === UNKNOWN_SIZE) {
      throw new EbmlFormatError(`${info?.name ?? `Element 0x${id.toString(16)}`} has an unknown size`, headerOffset);
    }
    const available = chunk.length - at;
    const want = info !== undefined && this.wantData(id);
    if (size <= available) {
      // The whole payload is in this chunk: hand over a view, no copy.
      this.position += size;
      this.handler.onLeaf?.(element, want ? Buffer.from(chunk.buffer, chunk.byteOffset + at, size) : undefined);
      this.closeBySize(this.position);
      return size;
    }
    const data = want ? Buffer.allocUnsafe(size) : undefined;
    if (data) data.set(chunk.subarray(at), 0);
    this.position += available;
    this.leaf = { element, remaining: size - available, data, filled: available };
    return available;
  }

  /** Ends the known-size masters (and anything open inside them) whose last byte is before `offset`. */
  private closeBySize(offset: number): void {
    for (let index = 0; index < this.stack.length; index++) {
      if ((this.stack[index] as OpenElement).end <= offset) {
        this.closeAbove(index, offset);
        return;
      }
    }
  }

  /** Ends open unknown-size masters whose schema level is `level` or deeper: a sibling or an ancestor's sibling began. */
  private closeByLevel(level: number, offset: number): void {
    while (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1] as OpenElement;
      if (top.end !== Infinity || top.info === undefined || top.info.level < level) return;
      this.stack.pop();
      this.handler.onEnd?.(top, offset);
    }
  }

  /** Ends every open master from the top of the stack down to (and including) `index`. */
  private closeAbove(index: number, offset: number): void {
    while (this.stack.length > index) {
      const top = this.stack.pop() as OpenElement;
      this.handler.onEnd?.(top, Math.min(offset, top.end));
    }
  }
}
