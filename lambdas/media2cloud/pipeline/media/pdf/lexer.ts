import { PdfDict, PdfKeyword, PdfName, PdfRef, PdfString, type PdfValue } from './objects';

/** The lexer reached the end of what it was given before the object ended: give it more bytes. */
export class NeedMoreData extends Error {
  constructor() {
    super('PDF object runs past the bytes read');
    this.name = 'NeedMoreData';
  }
}

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

export function isWhitespace(byte: number | undefined): boolean {
  return byte !== undefined && WHITESPACE.has(byte);
}

function isRegular(byte: number | undefined): boolean {
  return byte !== undefined && !WHITESPACE.has(byte) && !DELIMITERS.has(byte);
}

const MAX_DEPTH = 100;

/**
 * Reads PDF objects and content-stream tokens from bytes (ISO 32000-1 §7.2–7.3). `complete` says whether the bytes
 * are all there is: when they are not, running off their end throws `NeedMoreData` so the caller can read more.
 */
export class Lexer {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    private readonly complete = true,
  ) {
    this.pos = start;
  }

  atEnd(): boolean {
    this.skipWhitespace();
    return this.pos >= this.bytes.length;
  }

  private peek(offset = 0): number | undefined {
    const at = this.pos + offset;
    if (at >= this.bytes.length) {
      if (!this.complete) throw new NeedMoreData();
      return undefined;
    }
    return this.bytes[at];
  }

  skipWhitespace(): void {
    for (;;) {
      const byte = this.pos < this.bytes.length ? this.bytes[this.pos] : undefined;
      if (byte === undefined) return;
      if (WHITESPACE.has(byte)) this.pos += 1;
      else if (byte === 0x25) {
        while (this.pos < this.bytes.length && this.bytes[this.pos] !== 0x0a && this.bytes[this.pos] !== 0x0d) {
          this.pos += 1;
        }
      } else return;
    }
  }

  /**
   * The next object, or a keyword (operators, `obj`, `stream`, ...). `n g R` is read as a reference when
   * `references` is on (object syntax); content streams have none.
   */
  next(references = true, depth = 0): PdfValue {
    if (depth > MAX_DEPTH) throw new Error('PDF object nesting too deep');
    this.skipWhitespace();
    const byte = this.peek();
    if (byte === undefined) throw new Error('unexpected end of PDF data');
    switch (byte) {
      case 0x2f:
        return this.readName();
      case 0x28:
        return this.readLiteralString();
      case 0x5b: {
        this.pos += 1;
        const items: PdfValue[] = [];
        for (;;) {
          this.skipWhitespace();
          const current = this.peek();
          if (current === undefined) throw new Error('unterminated PDF array');
          if (current === 0x5d) {
            this.pos += 1;
            return items;
          }
          items.push(this.next(references, depth + 1));
        }
      }
      case 0x3c:
        if (this.peek(1) === 0x3c) return this.readDict(references, depth);
        return this.readHexString();
      case 0x3e:
        if (this.peek(1) === 0x3e) {
          this.pos += 2;
          return new PdfKeyword('>>');
        }
        this.pos += 1;
        return new PdfKeyword('>');
      case 0x5d:
      case 0x29:
      case 0x7b:
      case 0x7d:
        this.pos += 1;
        return new PdfKeyword(String.fromCharCode(byte));
    }
    const token = this.readRegular();
    const number = toNumber(token);
    if (number === undefined) {
      if (token === 'true') return true;
      if (token === 'false') return false;
      if (token === 'null') return null;
      return new PdfKeyword(token);
    }
    if (references && Number.isInteger(number) && number >= 0) {
      const saved = this.pos;
      const reference = this.tryReference(number);
      if (reference) return reference;
      this.pos = saved;
    }
    return number;
  }

  private tryReference(num: number): PdfRef | undefined {
    this.skipWhitespace();
    if (!isDigit(this.peek())) return undefined;
    const gen = toNumber(this.readRegular());
    if (gen === undefined || !Number.isInteger(gen)) return undefined;
    this.skipWhitespace();
    if (this.peek() !== 0x52 || isRegular(this.peek(1))) return undefined;
    this.pos += 1;
    return new PdfRef(num, gen);
  }

  private readRegular(): string {
    const start = this.pos;
    while (isRegular(this.peek())) this.pos += 1;
    if (this.pos === start) {
      // A byte that starts no token (stray delimiter): skip it so that reading always advances.
      this.pos += 1;
    }
    return latin1(this.bytes.subarray(start, this.pos));
  }

  private readName(): PdfName {
    this.pos += 1;
    const start = this.pos;
    while (isRegular(this.peek())) this.pos += 1;
    const raw = latin1(this.bytes.subarray(start, this.pos));
    return new PdfName(
      raw.includes('#')
        ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
        : raw,
    );
  }

  private readDict(references: boolean, depth: number): PdfDict {
    this.pos += 2;
    const dict = new PdfDict();
    for (;;) {
      const key = this.next(references, depth + 1);
      if (key instanceof PdfKeyword && key.word === '>>') return dict;
      if (!(key instanceof PdfName)) continue;
      this.skipWhitespace();
      if (this.peek() === 0x3e && this.peek(1) === 0x3e) {
        dict.entries.set(key.name, null);
        continue;
      }
      const value = this.next(references, depth + 1);
      if (value instanceof PdfKeyword && value.word === '>>') {
        dict.entries.set(key.name, null);
        return dict;
      }
      dict.entries.set(key.name, value);
    }
  }

  private readHexString(): PdfString {
    this.pos += 1;
    const digits: number[] = [];
    for (;;) {
      const byte = this.peek();
      if (byte === undefined) break;
      this.pos += 1;
      if (byte === 0x3e) break;
      const value = hexValue(byte);
      if (value !== undefined) digits.push(value);
    }
    if (digits.length % 2 === 1) digits.push(0);
    const bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (digits[i * 2]! << 4) | digits[i * 2 + 1]!;
    return new PdfString(bytes);
  }

  private readLiteralString(): PdfString {
    this.pos += 1;
    const out: number[] = [];
    let depth = 1;
    for (;;) {
      const byte = this.peek();
      if (byte === undefined) break;
      this.pos += 1;
      if (byte === 0x28) depth += 1;
      else if (byte === 0x29 && --depth === 0) break;
      if (byte !== 0x5c) {
        out.push(byte);
        continue;
      }
      const escaped = this.peek();
      if (escaped === undefined) break;
      this.pos += 1;
      switch (escaped) {
        case 0x6e:
          out.push(0x0a);
          break;
        case 0x72:
          out.push(0x0d);
          break;
        case 0x74:
          out.push(0x09);
          break;
        case 0x62:
          out.push(0x08);
          break;
        case 0x66:
          out.push(0x0c);
          break;
        case 0x0d:
          if (this.peek() === 0x0a) this.pos += 1;
          break;
        case 0x0a:
          break;
        default:
          if (escaped >= 0x30 && escaped <= 0x37) {
            let value = escaped - 0x30;
            for (let i = 0; i < 2; i += 1) {
              const digit = this.peek();
              if (digit === undefined || digit < 0x30 || digit > 0x37) break;
              value = value * 8 + (digit - 0x30);
              this.pos += 1;
            }
            out.push(value & 0xff);
          } else out.push(escaped);
      }
    }
    return new PdfString(Uint8Array.from(out));
  }
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

function hexValue(byte: number): number | undefined {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return undefined;
}

function toNumber(token: string): number | undefined {
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(token)) return undefined;
  return Number(token);
}

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
