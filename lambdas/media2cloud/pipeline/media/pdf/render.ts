import { DOMMatrix, ImageData, Path2D, createCanvas } from '@napi-rs/canvas';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { PdfPageRenderer } from '../../ports';
import { withPdfDocument } from './pdfjs';

// pdf.js looks these up when it loads and polyfills them through a `require` a CommonJS bundle cannot give it.
Object.assign(globalThis, { DOMMatrix, ImageData, Path2D });

/** The original renders at the page's own size (scale 1: 72 dpi, 612×792 for US Letter). */
const SCALE = 1;

/**
 * Renders every page of a PDF to `<outputDir>/<8-digit 0-based page>.png`, as the original's document ingest names
 * them, with pdf.js on a Skia canvas (`@napi-rs/canvas`, a native x86-64 binary shipped in npm).
 */
export function pdfPageRenderer(): PdfPageRenderer {
  return {
    render: (pdfFile: string, outputDir: string): Promise<string[]> =>
      withPdfDocument(pdfFile, async (document) => {
        const written: string[] = [];
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
        return written;
      }),
  };
}
