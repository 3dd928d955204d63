import CSSMatrix from '@thednp/dommatrix';
import { existsSync } from 'node:fs';
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
    /* eslint-disable @typescript-eslint/no-require-imports -- pdf.js is ESM only; esbuild bundles these requires */
    loaded = require('pdfjs-dist/legacy/build/pdf.mjs') as PdfJs;
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = require('pdfjs-dist/legacy/build/pdf.worker.mjs');
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  return loaded;
}

/**
 * Opens a PDF with pdf.js, with the data it needs for fonts a file does not embed: the 14 standard fonts and the
 * predefined CJK CMaps, copied next to the bundle (see `catalog.ts`), else taken from the installed package.
 * `use` gets the document; it is destroyed afterwards, whatever happens.
 */
export async function withPdfDocument<T>(
  pdfFile: string,
  bundleDir: string,
  use: (document: PdfDocumentProxy) => Promise<T>,
): Promise<T> {
  const loading = pdfjs().getDocument({
    data: new Uint8Array(await readFile(pdfFile)),
    standardFontDataUrl: `${pdfjsData(bundleDir, 'standard_fonts')}${path.sep}`,
    cMapUrl: `${pdfjsData(bundleDir, 'cmaps')}${path.sep}`,
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

// Held in a variable so that bundlers leave this fallback alone: a deployed bundle uses its own copy.
const PDFJS_PACKAGE_JSON = 'pdfjs-dist/package.json';

function pdfjsData(bundleDir: string, folder: 'standard_fonts' | 'cmaps'): string {
  const bundled = path.join(bundleDir, folder);
  return existsSync(bundled) ? bundled : path.join(path.dirname(require.resolve(PDFJS_PACKAGE_JSON)), folder);
}
