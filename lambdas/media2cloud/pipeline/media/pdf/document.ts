import { createHash } from 'node:crypto';
import type { RandomAccess } from '../../ports';
import { decodeStream } from './filters';
import { Lexer, NeedMoreData, isWhitespace, latin1 } from './lexer';
import { PdfDict, PdfKeyword, PdfName, PdfRef, PdfStream, PdfString, decodeTextString, type PdfValue } from './objects';

/** The file is not a PDF this reader can make sense of. */
export class PdfFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfFormatError';
  }
}

type XrefEntry =
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'compressed'; readonly stream: number; readonly index: number };

const FIRST_READ = 64 * 1024;
const TAIL_BYTES = 4096;
const FINGERPRINT_BYTES = 1024;
const SCAN_CHUNK = 4 * 1024 * 1024;
const MAX_PAGES = 100_000;

export interface PdfInfo {
  readonly title?: string;
  readonly author?: string;
  readonly subject?: string;
  readonly keywords?: string;
  readonly creator?: string;
  readonly producer?: string;
}

export interface PdfPage {
  readonly dict: PdfDict;
  /** `/Resources`, inherited from the page tree when the page has none of its own. */
  readonly resources: PdfDict | undefined;
}

/**
 * A PDF read by random access (ISO 32000-1 §7.5): cross-reference tables and streams (with `/Prev` chains and
 * hybrid files), object streams, and a full scan for objects when the cross-reference data is damaged. Only the
 * objects asked for are read, so a large file is never held in memory.
 */
export class PdfDocument {
  private readonly xref = new Map<number, XrefEntry>();
  private readonly cache = new Map<number, PdfValue>();
  private readonly objectStreams = new Map<number, Map<number, PdfValue>>();
  private trailer = new PdfDict();
  private pagesCache: PdfPage[] | undefined;

  private constructor(
    private readonly access: RandomAccess,
    readonly version: string | undefined,
  ) {}

  static async open(access: RandomAccess): Promise<PdfDocument> {
    const head = await access.read(0, Math.min(access.size, 1024));
    const header = /%PDF-(\d\.\d)/.exec(latin1(head));
    if (!header) throw new PdfFormatError('no %PDF- header');
    const document = new PdfDocument(access, header[1]);
    try {
      await document.readCrossReferences();
      if (!(document.trailer.get('Root') instanceof PdfRef)) throw new PdfFormatError('trailer has no /Root');
      await document.pages();
    } catch (error) {
      // Damaged cross-reference data: find the objects by scanning the file, as viewers do.
      document.xref.clear();
      document.cache.clear();
      document.objectStreams.clear();
      document.pagesCache = undefined;
      await document.scanForObjects();
      await document.pages().catch(() => {
        throw new PdfFormatError(`cannot read the page tree (${(error as Error).message})`);
      });
    }
    return document;
  }

  get encrypted(): boolean {
    return this.trailer.has('Encrypt');
  }

  async numPages(): Promise<number> {
    return (await this.pages()).length;
  }

  /** pdf.js's `fingerprints[0]`: the first trailer `/ID` in hex, or the MD5 of the first 1024 bytes. */
  async fingerprint(): Promise<string> {
    const id = await this.resolve(this.trailer.get('ID'));
    const first = Array.isArray(id) ? await this.resolve(id[0]) : undefined;
    if (first instanceof PdfString && first.bytes.length > 0 && first.bytes.some((byte) => byte !== 0)) {
      return Buffer.from(first.bytes).toString('hex');
    }
    const bytes = await this.access.read(0, Math.min(this.access.size, FINGERPRINT_BYTES));
    return createHash('md5').update(bytes).digest('hex');
  }

  async info(): Promise<PdfInfo> {
    const info = await this.resolve(this.trailer.get('Info'));
    if (!(info instanceof PdfDict) || this.encrypted) return {};
    const text = async (key: string) =>
      decodeTextString((await this.resolve(info.get(key))) ?? undefined)?.trim() || undefined;
    return {
      title: await text('Title'),
      author: await text('Author'),
      subject: await text('Subject'),
      keywords: await text('Keywords'),
      creator: await text('Creator'),
      producer: await text('Producer'),
    };
  }

  /** The pages in order, walking the page tree from the catalog. */
  async pages(): Promise<PdfPage[]> {
    if (this.pagesCache) return this.pagesCache;
    const catalog = await this.resolve(this.trailer.get('Root'));
    if (!(catalog instanceof PdfDict)) throw new PdfFormatError('no document catalog');
    const pages: PdfPage[] = [];
    const visited = new Set<string>();
    const walk = async (node: PdfValue | undefined, inherited: PdfDict | undefined): Promise<void> => {
      if (node instanceof PdfRef) {
        if (visited.has(node.toString())) return;
        visited.add(node.toString());
      }
      const dict = await this.resolve(node);
      if (!(dict instanceof PdfDict) || pages.length >= MAX_PAGES) return;
      const own = await this.resolve(dict.get('Resources'));
      const resources = own instanceof PdfDict ? own : inherited;
      const kids = await this.resolve(dict.get('Kids'));
      const type = dict.get('Type');
      if (Array.isArray(kids) && !(type instanceof PdfName && type.name === 'Page')) {
        for (const kid of kids) await walk(kid, resources);
      } else {
        pages.push({ dict, resources });
      }
    };
    await walk(catalog.get('Pages'), undefined);
    if (pages.length === 0) throw new PdfFormatError('the page tree has no pages');
    this.pagesCache = pages;
    return pages;
  }

  /** Follows references until a direct object. */
  async resolve(value: PdfValue | undefined): Promise<PdfValue | undefined> {
    let current = value;
    for (let hops = 0; current instanceof PdfRef && hops < 32; hops += 1) current = await this.object(current.num);
    return current instanceof PdfRef ? undefined : current;
  }

  /** A stream's decoded bytes. */
  async streamData(stream: PdfStream): Promise<Uint8Array> {
    let raw: Uint8Array;
    if ('data' in stream.source) raw = stream.source.data;
    else {
      const declared = await this.resolve(stream.dict.get('Length'));
      raw = await this.rawStream(stream.source.offset, typeof declared === 'number' ? declared : undefined);
    }
    const resolved = new Map<PdfValue, PdfValue | undefined>();
    for (const key of ['Filter', 'DecodeParms', 'DP']) {
      const value = stream.dict.get(key);
      if (value !== undefined) resolved.set(value, await this.resolveDeep(value));
    }
    return decodeStream(raw, stream.dict, (value) =>
      value !== undefined && resolved.has(value) ? resolved.get(value) : value,
    );
  }

  /** Resolves references inside arrays and dictionaries too (one level of filter parameters is enough). */
  private async resolveDeep(value: PdfValue | undefined): Promise<PdfValue | undefined> {
    const direct = await this.resolve(value);
    if (Array.isArray(direct)) return Promise.all(direct.map(async (item) => (await this.resolveDeep(item)) ?? null));
    return direct;
  }

  private async rawStream(offset: number, length: number | undefined): Promise<Uint8Array> {
    if (length !== undefined && length >= 0 && offset + length <= this.access.size) {
      const data = await this.access.read(offset, length);
      const after = latin1(await this.access.read(offset + length, Math.min(32, this.access.size - offset - length)));
      if (/^\s*endstream/.test(after)) return data;
    }
    // A wrong /Length: the data runs to the `endstream` keyword.
    for (let size = FIRST_READ; ; size *= 2) {
      const chunk = await this.access.read(offset, Math.min(size, this.access.size - offset));
      const text = latin1(chunk);
      const end = text.indexOf('endstream');
      if (end >= 0) {
        let stop = end;
        if (chunk[stop - 1] === 0x0a) stop -= 1;
        if (chunk[stop - 1] === 0x0d) stop -= 1;
        return chunk.subarray(0, stop);
      }
      if (offset + chunk.length >= this.access.size) return chunk;
    }
  }

  private async object(num: number): Promise<PdfValue> {
    if (this.cache.has(num)) return this.cache.get(num)!;
    const entry = this.xref.get(num);
    let value: PdfValue = null;
    if (entry?.kind === 'offset' && entry.offset >= 0) value = (await this.parseIndirect(entry.offset)).value;
    else if (entry?.kind === 'compressed') value = (await this.objectStream(entry.stream)).get(entry.index) ?? null;
    this.cache.set(num, value);
    return value;
  }

  private async objectStream(num: number): Promise<Map<number, PdfValue>> {
    const known = this.objectStreams.get(num);
    if (known) return known;
    const objects = new Map<number, PdfValue>();
    this.objectStreams.set(num, objects);
    const stream = await this.object(num);
    if (!(stream instanceof PdfStream)) return objects;
    const count = await this.resolve(stream.dict.get('N'));
    const first = await this.resolve(stream.dict.get('First'));
    if (typeof count !== 'number' || typeof first !== 'number') return objects;
    const data = await this.streamData(stream);
    const header = new Lexer(data);
    const offsets: number[] = [];
    for (let i = 0; i < count; i += 1) {
      header.next(false);
      const offset = header.next(false);
      offsets.push(typeof offset === 'number' ? offset : 0);
    }
    offsets.forEach((offset, index) => {
      try {
        objects.set(index, new Lexer(data, first + offset).next());
      } catch {
        objects.set(index, null);
      }
    });
    return objects;
  }

  /** Parses `n g obj <value> [stream]` at a file offset, reading more of the file while the object runs on. */
  private async parseIndirect(offset: number): Promise<{ num: number; value: PdfValue; end: number }> {
    for (let size = FIRST_READ; ; size *= 2) {
      const length = Math.min(size, this.access.size - offset);
      const bytes = await this.access.read(offset, length);
      const complete = offset + length >= this.access.size;
      try {
        const lexer = new Lexer(bytes, 0, complete);
        const num = lexer.next(false);
        lexer.next(false);
        const keyword = lexer.next(false);
        if (typeof num !== 'number' || !(keyword instanceof PdfKeyword && keyword.word === 'obj')) {
          throw new PdfFormatError(`no object at offset ${offset}`);
        }
        let value = lexer.next();
        const save = lexer.pos;
        const next = lexer.atEnd() ? undefined : lexer.next(false);
        if (next instanceof PdfKeyword && next.word === 'stream' && value instanceof PdfDict) {
          let start = lexer.pos;
          if (bytes[start] === 0x0d) start += 1;
          if (bytes[start] === 0x0a) start += 1;
          value = new PdfStream(value, { offset: offset + start });
        } else lexer.pos = save;
        return { num, value, end: offset + lexer.pos };
      } catch (error) {
        if (!(error instanceof NeedMoreData) || complete) throw error;
      }
    }
  }

  // ---- cross-reference data ------------------------------------------------------------------------------------

  private async readCrossReferences(): Promise<void> {
    const tailStart = Math.max(0, this.access.size - TAIL_BYTES);
    const tail = latin1(await this.access.read(tailStart, this.access.size - tailStart));
    const match = /startxref\s+(\d+)/g;
    let last: RegExpExecArray | null = null;
    for (let found = match.exec(tail); found; found = match.exec(tail)) last = found;
    if (!last) throw new PdfFormatError('no startxref');
    const seen = new Set<number>();
    let offset: number | undefined = Number(last[1]);
    let first = true;
    while (offset !== undefined && !seen.has(offset) && offset < this.access.size) {
      seen.add(offset);
      const section = await this.readXrefSection(offset);
      if (first) this.trailer = section;
      first = false;
      const previous = section.get('Prev');
      offset = typeof previous === 'number' ? previous : undefined;
    }
  }

  /** Reads one section (table or stream), filling entries not set by newer sections; returns its trailer. */
  private async readXrefSection(offset: number): Promise<PdfDict> {
    const probe = latin1(await this.access.read(offset, Math.min(16, this.access.size - offset)));
    if (probe.trimStart().startsWith('xref')) return this.readXrefTable(offset);
    const { value } = await this.parseIndirect(offset);
    if (!(value instanceof PdfStream)) throw new PdfFormatError(`no cross-reference data at offset ${offset}`);
    await this.readXrefStream(value);
    return value.dict;
  }

  private async readXrefTable(offset: number): Promise<PdfDict> {
    for (let size = FIRST_READ; ; size *= 2) {
      const length = Math.min(size, this.access.size - offset);
      const complete = offset + length >= this.access.size;
      const lexer = new Lexer(await this.access.read(offset, length), 0, complete);
      const entries: Array<[number, XrefEntry | undefined]> = [];
      try {
        lexer.next(false); // xref
        let token = lexer.next(false);
        while (typeof token === 'number') {
          const start = token;
          const count = lexer.next(false);
          if (typeof count !== 'number') throw new PdfFormatError('bad cross-reference subsection');
          for (let i = 0; i < count; i += 1) {
            const entryOffset = lexer.next(false);
            lexer.next(false);
            const type = lexer.next(false);
            const inUse = type instanceof PdfKeyword && type.word === 'n';
            entries.push([
              start + i,
              inUse && typeof entryOffset === 'number' ? { kind: 'offset', offset: entryOffset } : undefined,
            ]);
          }
          token = lexer.next(false);
        }
        if (!(token instanceof PdfKeyword && token.word === 'trailer')) throw new PdfFormatError('no trailer');
        const trailer = lexer.next();
        if (!(trailer instanceof PdfDict)) throw new PdfFormatError('bad trailer');
        for (const [num, entry] of entries) if (!this.xref.has(num) && entry) this.xref.set(num, entry);
        for (const [num, entry] of entries)
          if (!this.xref.has(num) && !entry) this.xref.set(num, { kind: 'offset', offset: -1 });
        const hybrid = trailer.get('XRefStm');
        if (typeof hybrid === 'number') {
          const { value } = await this.parseIndirect(hybrid);
          if (value instanceof PdfStream) await this.readXrefStream(value);
        }
        return trailer;
      } catch (error) {
        if (!(error instanceof NeedMoreData) || complete) throw error;
      }
    }
  }

  private async readXrefStream(stream: PdfStream): Promise<void> {
    const widths = stream.dict.get('W');
    const size = stream.dict.get('Size');
    if (!Array.isArray(widths) || widths.length < 3 || typeof size !== 'number') {
      throw new PdfFormatError('bad cross-reference stream');
    }
    const [w0, w1, w2] = widths.map((width) => (typeof width === 'number' ? width : 0)) as [number, number, number];
    const index = stream.dict.get('Index');
    const ranges = Array.isArray(index) ? (index.filter((n) => typeof n === 'number') as number[]) : [0, size];
    const data = await this.streamData(stream);
    const field = (at: number, width: number): number => {
      let value = 0;
      for (let i = 0; i < width; i += 1) value = value * 256 + (data[at + i] ?? 0);
      return value;
    };
    let at = 0;
    const rowWidth = w0 + w1 + w2;
    for (let r = 0; r + 1 < ranges.length; r += 2) {
      for (let i = 0; i < ranges[r + 1]! && at + rowWidth <= data.length; i += 1, at += rowWidth) {
        const num = ranges[r]! + i;
        const type = w0 === 0 ? 1 : field(at, w0);
        const second = field(at + w0, w1);
        const third = field(at + w0 + w1, w2);
        if (this.xref.has(num)) continue;
        if (type === 1) this.xref.set(num, { kind: 'offset', offset: second });
        else if (type === 2) this.xref.set(num, { kind: 'compressed', stream: second, index: third });
        else this.xref.set(num, { kind: 'offset', offset: -1 });
      }
    }
  }

  /** Rebuilds the cross-reference data by finding every `n g obj` in the file (the last definition wins). */
  private async scanForObjects(): Promise<void> {
    const pattern = /(?:^|[\r\n\s])(\d+)\s+(\d+)\s+obj\b/g;
    let trailer: PdfDict | undefined;
    for (let start = 0; start < this.access.size; start += SCAN_CHUNK) {
      const overlap = start === 0 ? 0 : 64;
      const from = start - overlap;
      const chunk = await this.access.read(from, Math.min(SCAN_CHUNK + overlap, this.access.size - from));
      const text = latin1(chunk);
      for (let found = pattern.exec(text); found; found = pattern.exec(text)) {
        const at = from + found.index + (isWhitespace(chunk[found.index]) ? 1 : 0);
        this.xref.set(Number(found[1]), { kind: 'offset', offset: at });
      }
      for (let at = text.indexOf('trailer'); at >= 0; at = text.indexOf('trailer', at + 7)) {
        try {
          const value = new Lexer(chunk, at + 7).next();
          if (value instanceof PdfDict && value.get('Root') instanceof PdfRef) trailer = value;
        } catch {
          // an unreadable trailer; another may do
        }
      }
    }
    if (trailer) {
      this.trailer = trailer;
      return;
    }
    for (const [num, entry] of this.xref) {
      if (entry.kind !== 'offset') continue;
      const value = await this.parseIndirect(entry.offset)
        .then((parsed) => parsed.value)
        .catch(() => null);
      const dict = value instanceof PdfStream ? value.dict : value;
      if (
        dict instanceof PdfDict &&
        dict.get('Type') instanceof PdfName &&
        (dict.get('Type') as PdfName).name === 'Catalog'
      ) {
        this.trailer = new PdfDict(new Map([['Root', new PdfRef(num, 0)]]));
        return;
      }
      if (value instanceof PdfStream && (value.dict.get('Type') as PdfName | undefined)?.name === 'XRef') {
        this.trailer = value.dict;
      }
    }
    if (!(this.trailer.get('Root') instanceof PdfRef)) throw new PdfFormatError('no document catalog found');
  }
}
