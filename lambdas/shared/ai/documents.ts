import type { Confidence, Geometry } from './geometry';

/**
 * Text read from a document page (a scan, a PDF page image), as a tree of blocks: each `PAGE` lists its `LINE`s,
 * each `LINE` its `WORD`s, by id.
 */
export interface DocumentBlock {
  /** Unique within the document's results. */
  readonly id: string;
  readonly type: 'PAGE' | 'LINE' | 'WORD';
  /** 1 for the first page. */
  readonly page: number;
  /** The text of a line or a word. @default - none (a page) */
  readonly text?: string;
  /** @default - not reported (a page) */
  readonly confidence?: Confidence;
  readonly geometry: Geometry;
  /** The lines of a page, the words of a line. */
  readonly childIds: readonly string[];
  /** Printed or handwritten, for a word. @default - not reported */
  readonly textType?: 'PRINTED' | 'HANDWRITING';
}
