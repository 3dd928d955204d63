import type { PdfDocument, PdfPage } from './document';
import { fontDecoder, type FontDecoder } from './fonts';
import { Lexer, isWhitespace, latin1 } from './lexer';
import { PdfDict, PdfKeyword, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from './objects';

const MAX_FORM_DEPTH = 5;
/** A `TJ` adjustment (thousandths of an em) below this reads as a gap between words. */
const WORD_GAP = -200;

/**
 * The text of a page in reading order as its content stream draws it (§9.4): strings shown with `Tj`, `TJ`, `'`,
 * `"`, decoded through each font's `/ToUnicode` map or encoding; a new line where the text position moves down,
 * a space where `TJ` leaves a gap; text of form XObjects included. Lines are trimmed and blank lines dropped.
 */
export async function extractPageText(document: PdfDocument, page: PdfPage): Promise<string> {
  const extractor = new TextExtractor(document);
  const contents = await document.resolve(page.dict.get('Contents'));
  const streams = Array.isArray(contents) ? contents : [contents];
  const parts: Uint8Array[] = [];
  for (const item of streams) {
    const stream = await document.resolve(item ?? undefined);
    if (stream instanceof PdfStream) {
      parts.push(await document.streamData(stream).catch(() => new Uint8Array(0)));
      parts.push(Uint8Array.of(0x0a));
    }
  }
  await extractor.run(Buffer.concat(parts), page.resources, 0);
  return extractor.text();
}

class TextExtractor {
  private readonly lines: string[] = [''];
  private readonly fonts = new Map<string, FontDecoder>();
  private font: FontDecoder | undefined;
  private lineY: number | undefined;

  constructor(private readonly document: PdfDocument) {}

  text(): string {
    return this.lines
      .map((line) => line.replace(/\s+/g, ' ').trim())
      .filter((line) => line.length > 0)
      .join('\n');
  }

  private write(text: string): void {
    this.lines[this.lines.length - 1] += text;
  }

  private newLine(): void {
    if (this.lines[this.lines.length - 1]!.trim().length > 0) this.lines.push('');
  }

  private space(): void {
    const line = this.lines[this.lines.length - 1]!;
    if (line.length > 0 && !line.endsWith(' ')) this.write(' ');
  }

  async run(content: Uint8Array, resources: PdfDict | undefined, depth: number): Promise<void> {
    const lexer = new Lexer(content);
    const operands: PdfValue[] = [];
    while (!lexer.atEnd()) {
      let token: PdfValue;
      try {
        token = lexer.next(false);
      } catch {
        return;
      }
      if (!(token instanceof PdfKeyword)) {
        operands.push(token);
        continue;
      }
      await this.operate(token.word, operands, resources, depth, lexer);
      operands.length = 0;
    }
  }

  private async operate(
    op: string,
    operands: PdfValue[],
    resources: PdfDict | undefined,
    depth: number,
    lexer: Lexer,
  ): Promise<void> {
    switch (op) {
      case 'BT':
        this.lineY = undefined;
        return;
      case 'ET':
        return;
      case 'Tf': {
        const name = operands[0];
        this.font = name instanceof PdfName ? await this.fontFor(name.name, resources) : undefined;
        return;
      }
      case 'Td':
      case 'TD': {
        const [tx, ty] = [operands[0], operands[1]];
        if (typeof ty === 'number' && ty !== 0) this.newLine();
        else if (typeof tx === 'number' && tx !== 0) this.space();
        return;
      }
      case 'Tm': {
        const y = operands[5];
        if (typeof y === 'number') {
          if (this.lineY !== undefined && Math.abs(y - this.lineY) > 0.5) this.newLine();
          else this.space();
          this.lineY = y;
        }
        return;
      }
      case 'T*':
        this.newLine();
        return;
      case 'Tj':
        this.show(operands[0]);
        return;
      case "'":
        this.newLine();
        this.show(operands[0]);
        return;
      case '"':
        this.newLine();
        this.show(operands[2]);
        return;
      case 'TJ': {
        const items = operands[0];
        if (!Array.isArray(items)) return;
        for (const item of items) {
          if (typeof item === 'number') {
            if (item < WORD_GAP) this.space();
          } else this.show(item);
        }
        return;
      }
      case 'Do':
        if (depth < MAX_FORM_DEPTH && operands[0] instanceof PdfName)
          await this.form(operands[0].name, resources, depth);
        return;
      case 'BI':
        skipInlineImage(lexer);
        return;
    }
  }

  private show(value: PdfValue | undefined): void {
    if (!(value instanceof PdfString) || !this.font) return;
    this.write(this.font.decode(value.bytes));
  }

  private async fontFor(name: string, resources: PdfDict | undefined): Promise<FontDecoder | undefined> {
    const fonts = await this.document.resolve(resources?.get('Font'));
    if (!(fonts instanceof PdfDict)) return undefined;
    const reference = fonts.get(name);
    const cacheKey = reference instanceof PdfRef ? reference.toString() : `${name}@${String(resources)}`;
    const known = this.fonts.get(cacheKey);
    if (known) return known;
    const font = await this.document.resolve(reference);
    if (!(font instanceof PdfDict)) return undefined;
    const decoder = await fontDecoder(this.document, font);
    this.fonts.set(cacheKey, decoder);
    return decoder;
  }

  private async form(name: string, resources: PdfDict | undefined, depth: number): Promise<void> {
    const xobjects = await this.document.resolve(resources?.get('XObject'));
    if (!(xobjects instanceof PdfDict)) return;
    const xobject = await this.document.resolve(xobjects.get(name));
    if (!(xobject instanceof PdfStream)) return;
    const subtype = xobject.dict.get('Subtype');
    if (!(subtype instanceof PdfName) || subtype.name !== 'Form') return;
    const own = await this.document.resolve(xobject.dict.get('Resources'));
    const data = await this.document.streamData(xobject).catch(() => undefined);
    if (data) await this.run(data, own instanceof PdfDict ? own : resources, depth + 1);
  }
}

/** Skips an inline image's dictionary and data: everything up to `EI` standing alone after the `ID` keyword. */
function skipInlineImage(lexer: Lexer): void {
  const bytes = lexer.bytes;
  const start = latin1(bytes.subarray(lexer.pos)).indexOf('ID');
  if (start < 0) {
    lexer.pos = bytes.length;
    return;
  }
  for (let at = lexer.pos + start + 3; at + 1 < bytes.length; at += 1) {
    if (
      bytes[at] === 0x45 &&
      bytes[at + 1] === 0x49 &&
      isWhitespace(bytes[at - 1]) &&
      (at + 2 >= bytes.length || isWhitespace(bytes[at + 2]))
    ) {
      lexer.pos = at + 2;
      return;
    }
  }
  lexer.pos = bytes.length;
}
