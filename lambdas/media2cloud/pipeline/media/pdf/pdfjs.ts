import CSSMatrix from '@thednp/dommatrix';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
export type PdfDocumentProxy = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

let loaded: PdfJs | undefined;

/**
 * pdf.js, loaded on first use so that a module setting globals for it (the renderer's canvas classes) runs first.
 * The worker runs in this thread (Lambda has no use for another one): pdf.js takes it from a global.
 */
function pdfjs(): PdfJs {
  if (!loaded) {
    // pdf.js builds a DOMMatrix as it loads. Where no canvas is shipped (reading text, not drawing pages) a
    // JavaScript DOMMatrix stands in; pdf.js then only warns that it found no canvas, which it needs for drawing.
    (globalThis as { DOMMatrix?: unknown }).DOMMatrix ??= CSSMatrix;
    // In a Lambda function these come from the stack's pdf.js layer (on NODE_PATH), which bundles leave out. Node
    // loads ES modules through require() since 20.19 and 22.12.
    /* eslint-disable @typescript-eslint/no-require-imports -- pdf.js is ESM only */
    loaded = require('pdfjs-dist/legacy/build/pdf.mjs') as PdfJs;
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = require('pdfjs-dist/legacy/build/pdf.worker.mjs');
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  return loaded;
}

/**
 * Opens a PDF with pdf.js, with the data it needs for fonts a file does not embed: the 14 standard fonts and the
 * predefined CJK CMaps, from the `pdfjs-dist` package pdf.js itself was loaded from (the layer, in a Lambda function).
 * `use` gets the document; it is destroyed afterwards, whatever happens.
 */
export async function withPdfDocument<T>(pdfFile: string, use: (document: PdfDocumentProxy) => Promise<T>): Promise<T> {
  const loading = pdfjs().getDocument({
    data: new Uint8Array(await readFile(pdfFile)),
    standardFontDataUrl: `${pdfjsData('standard_fonts')}${path.sep}`,
    cMapUrl: `${pdfjsData('cmaps')}${path.sep}`,
    cMapPacked: true,
    disableFontFace: true,
    // Errors only: a damaged file pdf.js reads anyway would otherwise log a warning per object it repairs.
    verbosity: 0,
  });
  try {
    return await use(await loading.promise);
  } finally {
    await loading.destroy();
  }
}

function pdfjsData(folder: 'standard_fonts' | 'cmaps'): string {
  return path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), folder);
}
