import { DOMMatrix, ImageData, Path2D, createCanvas } from '@napi-rs/canvas';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { PdfPageRenderer } from '../../ports';

// pdf.js looks these up when it loads and polyfills them through a `require` a CommonJS bundle cannot give it.
Object.assign(globalThis, { DOMMatrix, ImageData, Path2D });

/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the globals above, in this order */
const pdfjs = require('pdfjs-dist/legacy/build/pdf.mjs') as typeof import('pdfjs-dist/legacy/build/pdf.mjs');
// The worker runs in this thread (Lambda has no use for another one): pdf.js takes it from this global.
(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = require('pdfjs-dist/legacy/build/pdf.worker.mjs');
/* eslint-enable @typescript-eslint/no-require-imports */

/** The original renders at the page's own size (scale 1: 72 dpi, 612×792 for US Letter). */
const SCALE = 1;

/**
 * Renders every page of a PDF to `<outputDir>/<8-digit 0-based page>.png`, as the original's document ingest names
 * them, with pdf.js on a Skia canvas (`@napi-rs/canvas`, a native x86-64 binary shipped in npm). The 14 standard
 * fonts come from pdf.js's `standard_fonts`, copied next to the bundle (see `catalog.ts`).
 */
export function pdfPageRenderer(bundleDir: string = __dirname): PdfPageRenderer {
  const standardFontDataUrl = `${standardFonts(bundleDir)}${path.sep}`;
  return {
    async render(pdfFile: string, outputDir: string): Promise<string[]> {
      const data = new Uint8Array(await readFile(pdfFile));
      const loading = pdfjs.getDocument({
        data,
        standardFontDataUrl,
        disableFontFace: true,
        verbosity: 0,
      });
      const document = await loading.promise;
      const written: string[] = [];
      try {
        for (let number = 1; number <= document.numPages; number += 1) {
          const page = await document.getPage(number);
          const viewport = page.getViewport({ scale: SCALE });
          const canvas = createCanvas(Math.max(1, Math.ceil(viewport.width)), Math.max(1, Math.ceil(viewport.height)));
          type RenderParameters = Parameters<typeof page.render>[0];
          await page.render({
            canvas: canvas as unknown as RenderParameters['canvas'],
            canvasContext: canvas.getContext('2d') as unknown as RenderParameters['canvasContext'],
            viewport,
          }).promise;
          const file = path.join(outputDir, `${String(number - 1).padStart(8, '0')}.png`);
          await writeFile(file, await canvas.encode('png'));
          written.push(file);
          page.cleanup();
        }
      } finally {
        await document.cleanup();
        await loading.destroy();
      }
      return written;
    },
  };
}

// Held in a variable so that bundlers leave this fallback alone: a deployed bundle uses its own copy.
const PDFJS_PACKAGE_JSON = 'pdfjs-dist/package.json';

function standardFonts(bundleDir: string): string {
  const bundled = path.join(bundleDir, 'standard_fonts');
  return existsSync(bundled) ? bundled : path.join(path.dirname(require.resolve(PDFJS_PACKAGE_JSON)), 'standard_fonts');
}
