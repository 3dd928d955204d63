/** The PDF object model (ISO 32000-1 §7.3), as the reader here needs it. */

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

/** A string object's raw bytes: text strings are decoded with `decodeTextString`, content strings by fonts. */
export class PdfString {
  constructor(readonly bytes: Uint8Array) {}
}

/** A keyword that is not an object: a content stream operator, or `obj`/`endobj`/`stream`/`R` while parsing. */
export class PdfKeyword {
  constructor(readonly word: string) {}
}

export class PdfDict {
  constructor(readonly entries: Map<string, PdfValue> = new Map()) {}
  get(key: string): PdfValue | undefined {
    return this.entries.get(key);
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
}

/** A stream: its dictionary and where its (still encoded) bytes are, in the file or already in memory. */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly source: { readonly offset: number } | { readonly data: Uint8Array },
  ) {}
}

export type PdfValue =
  null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfStream | PdfValue[] | PdfKeyword;

export function nameOf(value: PdfValue | undefined): string | undefined {
  return value instanceof PdfName ? value.name : undefined;
}

export function numberOf(value: PdfValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

const UTF16_BOM = [0xfe, 0xff];
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** A text string (§7.9.2.2): UTF-16BE with a BOM, UTF-8 with a BOM (PDF 2.0), else PDFDocEncoding. */
export function decodeTextString(value: PdfValue | undefined): string | undefined {
  if (!(value instanceof PdfString)) return undefined;
  const bytes = value.bytes;
  if (bytes[0] === UTF16_BOM[0] && bytes[1] === UTF16_BOM[1]) {
    return new TextDecoder('utf-16be').decode(bytes.subarray(2)).replace(/\0+$/, '');
  }
  if (bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2]) {
    return new TextDecoder('utf-8').decode(bytes.subarray(3));
  }
  // PDFDocEncoding matches Latin-1 outside a few punctuation codes in 0x80–0x9F.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
