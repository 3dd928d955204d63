import type { PdfDocument } from './document';
import { Lexer } from './lexer';
import { PdfDict, PdfKeyword, PdfName, PdfStream, PdfString, type PdfValue } from './objects';

/** Turns the bytes of a shown string into Unicode text for one font. */
export interface FontDecoder {
  decode(bytes: Uint8Array): string;
}

interface CodeRange {
  readonly length: number;
  readonly low: number;
  readonly high: number;
}

/** A `/ToUnicode` CMap (§9.10.3): code space ranges and `bfchar`/`bfrange` mappings. */
export class ToUnicodeMap {
  readonly ranges: CodeRange[] = [];
  readonly map = new Map<string, string>();

  static parse(data: Uint8Array): ToUnicodeMap {
    const cmap = new ToUnicodeMap();
    const lexer = new Lexer(data);
    const operands: PdfValue[] = [];
    let mode: string | undefined;
    while (!lexer.atEnd()) {
      let token: PdfValue;
      try {
        token = lexer.next(false);
      } catch {
        break;
      }
      if (!(token instanceof PdfKeyword)) {
        operands.push(token);
        continue;
      }
      const word = token.word;
      if (word === 'begincodespacerange' || word === 'beginbfchar' || word === 'beginbfrange') {
        mode = word;
        operands.length = 0;
      } else if (word === 'endcodespacerange' && mode === 'begincodespacerange') {
        for (let i = 0; i + 1 < operands.length; i += 2) {
          const [low, high] = [operands[i], operands[i + 1]];
          if (low instanceof PdfString && high instanceof PdfString) {
            cmap.ranges.push({ length: low.bytes.length, low: toInt(low.bytes), high: toInt(high.bytes) });
          }
        }
        mode = undefined;
      } else if (word === 'endbfchar' && mode === 'beginbfchar') {
        for (let i = 0; i + 1 < operands.length; i += 2) {
          const [source, target] = [operands[i], operands[i + 1]];
          if (source instanceof PdfString) cmap.map.set(key(source.bytes), targetText(target));
        }
        mode = undefined;
      } else if (word === 'endbfrange' && mode === 'beginbfrange') {
        for (let i = 0; i + 2 < operands.length; i += 3) {
          const [low, high, target] = [operands[i], operands[i + 1], operands[i + 2]];
          if (!(low instanceof PdfString) || !(high instanceof PdfString)) continue;
          const length = low.bytes.length;
          const from = toInt(low.bytes);
          const to = Math.min(toInt(high.bytes), from + 0xffff);
          for (let code = from; code <= to; code += 1) {
            const source = key(fromInt(code, length));
            if (Array.isArray(target)) cmap.map.set(source, targetText(target[code - from]));
            else if (target instanceof PdfString)
              cmap.map.set(source, targetText(new PdfString(increment(target.bytes, code - from))));
          }
        }
        mode = undefined;
      }
      if (mode === undefined) operands.length = 0;
    }
    return cmap;
  }

  /** The byte lengths codes can have, shortest first. */
  codeLengths(fallback: number): number[] {
    const lengths = [...new Set(this.ranges.map((range) => range.length))].sort((a, b) => a - b);
    return lengths.length > 0 ? lengths : [fallback];
  }

  /** The length of the code starting at `at`, from the code space ranges. */
  codeLength(bytes: Uint8Array, at: number, fallback: number): number {
    for (const range of this.ranges) {
      if (at + range.length > bytes.length) continue;
      const code = toInt(bytes.subarray(at, at + range.length));
      if (code >= range.low && code <= range.high) return range.length;
    }
    return fallback;
  }
}

function key(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function toInt(bytes: Uint8Array): number {
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}

function fromInt(value: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = length - 1, rest = value; i >= 0; i -= 1, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
  return bytes;
}

function increment(bytes: Uint8Array, by: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  let carry = by;
  for (let i = out.length - 1; i >= 0 && carry > 0; i -= 1) {
    const sum = out[i]! + carry;
    out[i] = sum % 256;
    carry = Math.floor(sum / 256);
  }
  return out;
}

function targetText(value: PdfValue | undefined): string {
  if (value instanceof PdfString) return new TextDecoder('utf-16be').decode(value.bytes);
  if (value instanceof PdfName) return glyphToUnicode(value.name) ?? '';
  return '';
}

/** Glyph names that text fonts commonly use beyond the ASCII letters and digits (Adobe Glyph List subset). */
const GLYPHS: Readonly<Record<string, string>> = {
  space: ' ',
  exclam: '!',
  quotedbl: '"',
  numbersign: '#',
  dollar: '$',
  percent: '%',
  ampersand: '&',
  quotesingle: "'",
  quoteright: '\u2019',
  quoteleft: '\u2018',
  quotedblleft: '\u201c',
  quotedblright: '\u201d',
  parenleft: '(',
  parenright: ')',
  asterisk: '*',
  plus: '+',
  comma: ',',
  hyphen: '-',
  minus: '\u2212',
  period: '.',
  slash: '/',
  colon: ':',
  semicolon: ';',
  less: '<',
  equal: '=',
  greater: '>',
  question: '?',
  at: '@',
  bracketleft: '[',
  backslash: '\\',
  bracketright: ']',
  asciicircum: '^',
  underscore: '_',
  grave: '`',
  braceleft: '{',
  bar: '|',
  braceright: '}',
  asciitilde: '~',
  endash: '\u2013',
  emdash: '\u2014',
  bullet: '\u2022',
  ellipsis: '\u2026',
  fi: 'fi',
  fl: 'fl',
  ff: 'ff',
  ffi: 'ffi',
  ffl: 'ffl',
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  eacute: '\u00e9',
  egrave: '\u00e8',
  agrave: '\u00e0',
  aacute: '\u00e1',
  udieresis: '\u00fc',
  odieresis: '\u00f6',
  adieresis: '\u00e4',
  germandbls: '\u00df',
  ccedilla: '\u00e7',
  copyright: '\u00a9',
  registered: '\u00ae',
  trademark: '\u2122',
  degree: '\u00b0',
  nbspace: '\u00a0',
};

export function glyphToUnicode(name: string): string | undefined {
  if (/^[A-Za-z]$/.test(name)) return name;
  const known = GLYPHS[name];
  if (known !== undefined) return known;
  const uni = /^uni([0-9A-Fa-f]{4,})$/.exec(name) ?? /^u([0-9A-Fa-f]{4,6})$/.exec(name);
  if (uni) {
    const hex = uni[1]!;
    const chars: string[] = [];
    for (let i = 0; i + 4 <= hex.length; i += 4) chars.push(String.fromCodePoint(parseInt(hex.slice(i, i + 4), 16)));
    return chars.join('');
  }
  return undefined;
}

function singleByteTable(encoding: string | undefined): string[] {
  const label = encoding === 'MacRomanEncoding' ? 'macintosh' : 'windows-1252';
  let decoder: { decode(input: Uint8Array): string };
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('latin1');
  }
  const table = Array.from({ length: 256 }, (_, code) => decoder.decode(Uint8Array.of(code)));
  if (encoding === 'StandardEncoding' || encoding === undefined) {
    table[0x27] = '\u2019';
    table[0x60] = '\u2018';
  }
  return table;
}

/**
 * Builds the decoder of a font dictionary: its `/ToUnicode` CMap when it has one; else, for simple fonts, its
 * `/Encoding` (a base encoding with `/Differences` glyph names). Composite (Type0) fonts without `/ToUnicode` are
 * read as 2-byte codes with nothing to map them to, so their text is lost.
 */
export async function fontDecoder(document: PdfDocument, font: PdfDict): Promise<FontDecoder> {
  const subtype = font.get('Subtype') instanceof PdfName ? (font.get('Subtype') as PdfName).name : '';
  const composite = subtype === 'Type0';
  const toUnicode = await document.resolve(font.get('ToUnicode'));
  let cmap: ToUnicodeMap | undefined;
  if (toUnicode instanceof PdfStream) {
    try {
      cmap = ToUnicodeMap.parse(await document.streamData(toUnicode));
    } catch {
      cmap = undefined;
    }
  }

  let table: string[] | undefined;
  if (!composite) {
    const encoding = await document.resolve(font.get('Encoding'));
    let base: string | undefined;
    const differences: PdfValue[] = [];
    if (encoding instanceof PdfName) base = encoding.name;
    else if (encoding instanceof PdfDict) {
      const baseName = encoding.get('BaseEncoding');
      if (baseName instanceof PdfName) base = baseName.name;
      const diff = await document.resolve(encoding.get('Differences'));
      if (Array.isArray(diff)) differences.push(...diff);
    }
    table = singleByteTable(base ?? (subtype === 'TrueType' ? 'WinAnsiEncoding' : undefined));
    let code = 0;
    for (const item of differences) {
      if (typeof item === 'number') code = item;
      else if (item instanceof PdfName) {
        const text = glyphToUnicode(item.name);
        if (text !== undefined && code < 256) table[code] = text;
        code += 1;
      }
    }
  }

  return {
    decode(bytes: Uint8Array): string {
      const out: string[] = [];
      for (let at = 0; at < bytes.length;) {
        if (cmap && cmap.map.size > 0) {
          const length = cmap.codeLength(bytes, at, composite ? 2 : 1);
          const mapped = cmap.map.get(key(bytes.subarray(at, at + length)));
          if (mapped !== undefined) out.push(mapped);
          else if (!composite && table) out.push(table[bytes[at]!]!);
          at += length;
          continue;
        }
        if (composite) {
          at += 2;
          continue;
        }
        out.push(table![bytes[at]!]!);
        at += 1;
      }
      return out.join('');
    },
  };
}
