import { randomUUID } from 'node:crypto';
import type { OcrPage, OcrWord } from './ocr';

/** A Textract `Block` as the API returns it (the members DetectDocumentText and text detection jobs fill in). */
export interface TextractBlock {
  readonly BlockType: 'PAGE' | 'LINE' | 'WORD';
  readonly Id: string;
  readonly Page: number;
  readonly Confidence?: number;
  readonly Text?: string;
  readonly TextType?: 'PRINTED' | 'HANDWRITING';
  readonly Geometry: {
    readonly BoundingBox: { Width: number; Height: number; Left: number; Top: number };
    readonly Polygon: readonly { X: number; Y: number }[];
  };
  readonly Relationships?: readonly { Type: 'CHILD'; Ids: string[] }[];
}

interface PixelBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Textract's block tree from what OCR read: a `PAGE` per page, the page's `LINE`s as its children in reading order,
 * each line's `WORD`s as its children. Blocks are listed page by page, each page followed by its lines and words
 * (a line, then its words), as Textract lists them. Geometry is normalized to the page (0 to 1 from the top left);
 * polygons are the box's corners clockwise from the top left, since Tesseract reports upright boxes.
 */
export function textractBlocks(pages: readonly OcrPage[], newId: () => string = randomUUID): TextractBlock[] {
  const blocks: TextractBlock[] = [];
  pages.forEach((page, index) => {
    const pageNumber = index + 1;
    const lines = groupLines(page.words);
    const lineBlocks: TextractBlock[][] = lines.map((words) => {
      const wordBlocks = words.map((word): TextractBlock => ({
        BlockType: 'WORD',
        Id: newId(),
        Page: pageNumber,
        Confidence: round(word.confidence),
        Text: word.text,
        TextType: 'PRINTED',
        Geometry: geometry(word, page),
      }));
      const line: TextractBlock = {
        BlockType: 'LINE',
        Id: newId(),
        Page: pageNumber,
        Confidence: round(words.reduce((sum, word) => sum + word.confidence, 0) / words.length),
        Text: words.map((word) => word.text).join(' '),
        Geometry: geometry(union(words), page),
        Relationships: [{ Type: 'CHILD', Ids: wordBlocks.map((word) => word.Id) }],
      };
      return [line, ...wordBlocks];
    });
    blocks.push({
      BlockType: 'PAGE',
      Id: newId(),
      Page: pageNumber,
      Geometry: geometry({ left: 0, top: 0, width: page.width, height: page.height }, page),
      ...(lineBlocks.length > 0
        ? { Relationships: [{ Type: 'CHILD', Ids: lineBlocks.map(([line]) => line!.Id) }] }
        : {}),
    });
    for (const group of lineBlocks) blocks.push(...group);
  });
  return blocks;
}

/** Words by line, lines in Tesseract's reading order (blocks, then paragraphs, then lines). */
function groupLines(words: readonly OcrWord[]): OcrWord[][] {
  const lines = new Map<string, OcrWord[]>();
  for (const word of words) {
    const line = lines.get(word.lineKey);
    if (line) line.push(word);
    else lines.set(word.lineKey, [word]);
  }
  return [...lines.values()];
}

function union(words: readonly PixelBox[]): PixelBox {
  const left = Math.min(...words.map((word) => word.left));
  const top = Math.min(...words.map((word) => word.top));
  const right = Math.max(...words.map((word) => word.left + word.width));
  const bottom = Math.max(...words.map((word) => word.top + word.height));
  return { left, top, width: right - left, height: bottom - top };
}

function geometry(box: PixelBox, page: { width: number; height: number }): TextractBlock['Geometry'] {
  const left = clamp(box.left / page.width);
  const top = clamp(box.top / page.height);
  const right = clamp((box.left + box.width) / page.width);
  const bottom = clamp((box.top + box.height) / page.height);
  return {
    BoundingBox: { Width: right - left, Height: bottom - top, Left: left, Top: top },
    Polygon: [
      { X: left, Y: top },
      { X: right, Y: top },
      { X: right, Y: bottom },
      { X: left, Y: bottom },
    ],
  };
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));

/** Confidences as Textract prints them: a float with a few decimals. */
const round = (value: number) => Math.round(value * 1e4) / 1e4;
