import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { DOMMatrix, ImageData, Path2D, createCanvas, loadImage } from '@napi-rs/canvas';
import { DOCUMENT_MESSAGES, TEXTRACT_LIMITS, sniffDocumentFormat, type DocumentFormat } from './documents';
import { chooseOcrEngine, type OcrEngine, type OcrPage } from './ocr';

/**
 * The document reader's process: it decodes images, renders PDF pages and runs OCR, so none of that CPU work happens
 * where requests are answered, and a decoder that crashes on a hostile file takes only this process down (see
 * `reader.ts`, which starts another). Requests arrive as IPC messages; `MEDIAPLANE_OCR` chooses the engine.
 */

export interface ReadOptions {
  /** More pages than this is a failure (`DocumentTooLarge`), found before any page is read. */
  readonly maxPages: number;
}

export interface ReadResult {
  readonly engine: string;
  readonly pages: readonly OcrPage[];
}

export type ReaderRequest =
  | { readonly id: number; readonly method: 'read'; readonly document: Uint8Array; readonly options: ReadOptions }
  | { readonly id: number; readonly method: 'engine' };

export type ReaderResponse =
  | { readonly id: number; readonly result: ReadResult | string }
  | { readonly id: number; readonly error: { readonly code?: string; readonly message: string } };

/** A document the service refuses, with the Textract exception that says why. */
class DocumentFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function documentFailure(code: string, message: string): Error {
  return new DocumentFailure(code, message);
}

/** PDF pages are rendered at 200 dpi: Tesseract reads body text reliably from about 20 pixels of line height. */
const PDF_RENDER_DPI = 200;

let engine: Promise<OcrEngine> | undefined;
const ocr = () => (engine ??= chooseOcrEngine(process.env.MEDIAPLANE_OCR));

async function read(document: Uint8Array, options: ReadOptions): Promise<ReadResult> {
  const format = sniffDocumentFormat(document);
  if (!format || !plausible(format, document)) {
    throw documentFailure('UnsupportedDocumentException', DOCUMENT_MESSAGES.unsupported);
  }
  const source = await openPages(format, document, options.maxPages);
  try {
    const reader = await ocr();
    const pages: OcrPage[] = [];
    // One page after another: OCR is the heavy part and each engine already uses the core it has.
    for (const image of source.pages)
      pages.push(await reader.recognize(await image.bytes(), image.width, image.height));
    return { engine: reader.name, pages };
  } finally {
    await source.close();
  }
}

if (process.send) {
  process.on('message', (request: ReaderRequest) => {
    const answer = request.method === 'read' ? read(request.document, request.options) : ocr().then((e) => e.name);
    answer.then(
      (result) => process.send!({ id: request.id, result } satisfies ReaderResponse),
      (error: unknown) =>
        process.send!({
          id: request.id,
          error: {
            ...(error instanceof DocumentFailure ? { code: error.code } : {}),
            message: error instanceof Error ? error.message : String(error),
          },
        } satisfies ReaderResponse),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/**
 * The structure an image decoder relies on, checked before it runs: Skia's PNG decoder crashes the process on a
 * signature followed by anything but an `IHDR` chunk.
 */
function plausible(format: DocumentFormat, bytes: Uint8Array): boolean {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');
  if (format === 'png') return bytes.length > 33 && ascii(12, 16) === 'IHDR';
  if (format === 'jpeg') return bytes.length > 4 && bytes[3] !== undefined && bytes[3] >= 0xc0;
  return true;
}

interface PageImage {
  readonly width: number;
  readonly height: number;
  bytes(): Promise<Uint8Array>;
}

interface PageSource {
  readonly pages: readonly PageImage[];
  close(): Promise<void>;
}

async function openPages(format: DocumentFormat, document: Uint8Array, maxPages: number): Promise<PageSource> {
  const single = (image: PageImage): PageSource => ({ pages: [image], close: async () => {} });
  switch (format) {
    case 'png':
    case 'jpeg':
      return single(await decodedImage(document));
    case 'tiff':
      return single(await decodedImage(await tiffToPng(document)));
    case 'pdf':
      return pdfPages(document, maxPages);
  }
}

async function decodedImage(bytes: Uint8Array): Promise<PageImage> {
  let image: Awaited<ReturnType<typeof loadImage>>;
  try {
    image = await loadImage(Buffer.from(bytes));
  } catch {
    throw documentFailure('UnsupportedDocumentException', DOCUMENT_MESSAGES.unsupported);
  }
  checkSize(image.width, image.height);
  const { width, height } = image;
  return {
    width,
    height,
    // OCR gets the picture as Skia decoded it, re-encoded: a damaged file that Skia reads in part must not reach
    // Tesseract, whose WebAssembly build throws outside any promise on images it cannot read.
    bytes: async () => {
      const canvas = createCanvas(width, height);
      const context = canvas.getContext('2d');
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height);
      context.drawImage(image, 0, 0);
      return canvas.encode('png');
    },
  };
}

function checkSize(width: number, height: number): void {
  if (width < 1 || height < 1) throw documentFailure('UnsupportedDocumentException', DOCUMENT_MESSAGES.unsupported);
  if (width > TEXTRACT_LIMITS.maxPixels || height > TEXTRACT_LIMITS.maxPixels) {
    throw documentFailure(
      'UnsupportedDocumentException',
      `Document dimensions ${width}x${height} exceed the maximum of ${TEXTRACT_LIMITS.maxPixels} pixels`,
    );
  }
}

/** TIFF (the first image): ffmpeg decodes it, as no npm image library in the project does. */
function tiffToPng(tiff: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const ffmpeg = path.join(path.dirname(require.resolve(FFMPEG_PACKAGE_JSON)), 'ffmpeg');
    const child = spawn(ffmpeg, [
      '-v',
      'error',
      '-f',
      'tiff_pipe',
      // The pipe demuxer cuts a TIFF into 4 KB packets (ffmpeg has no TIFF parser), and most writers put the image
      // directory after the pixels: one packet of the whole file lets the decoder find it.
      '-frame_size',
      String(tiff.length),
      '-i',
      'pipe:0',
      '-frames:v',
      '1',
      '-f',
      'image2pipe',
      '-c:v',
      'png',
      'pipe:1',
    ]);
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && out.length > 0) resolve(Buffer.concat(out));
      else reject(documentFailure('UnsupportedDocumentException', DOCUMENT_MESSAGES.unsupported));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(Buffer.from(tiff));
  });
}

// Held in a variable so bundlers leave it alone; local mode runs from the installed packages.
const FFMPEG_PACKAGE_JSON = '@ffmpeg-installer/linux-x64/package.json';
const PDFJS_PACKAGE_JSON = 'pdfjs-dist/package.json';
// The worker module has no type declarations; it is only handed to pdf.js.
const PDFJS_WORKER = 'pdfjs-dist/legacy/build/pdf.worker.mjs';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsLoaded: Promise<PdfJs> | undefined;

function pdfjs(): Promise<PdfJs> {
  pdfjsLoaded ??= (async () => {
    // pdf.js looks these up when it loads; the Skia canvas provides them.
    Object.assign(globalThis, { DOMMatrix, ImageData, Path2D });
    const library = (await import('pdfjs-dist/legacy/build/pdf.mjs')) as PdfJs;
    // Its "worker" runs in this thread, which is already off the request path.
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = (await import(PDFJS_WORKER)) as unknown;
    return library;
  })();
  return pdfjsLoaded;
}

async function pdfPages(document: Uint8Array, maxPages: number): Promise<PageSource> {
  const library = await pdfjs();
  const dataDir = path.dirname(require.resolve(PDFJS_PACKAGE_JSON));
  const loading = library.getDocument({
    data: new Uint8Array(document),
    standardFontDataUrl: `${path.join(dataDir, 'standard_fonts')}${path.sep}`,
    cMapUrl: `${path.join(dataDir, 'cmaps')}${path.sep}`,
    cMapPacked: true,
    disableFontFace: true,
    verbosity: 0,
  });
  let pdf: Awaited<typeof loading.promise>;
  try {
    pdf = await loading.promise;
  } catch {
    await loading.destroy();
    throw documentFailure('UnsupportedDocumentException', DOCUMENT_MESSAGES.unsupported);
  }
  if (pdf.numPages > maxPages) {
    await loading.destroy();
    throw documentFailure(
      maxPages === 1 ? 'UnsupportedDocumentException' : 'DocumentTooLargeException',
      maxPages === 1
        ? DOCUMENT_MESSAGES.unsupported
        : `The document has ${pdf.numPages} pages, more than the maximum of ${maxPages}`,
    );
  }
  // Pages are rendered when OCR asks for them, so a long document never holds every bitmap at once.
  const pages: PageImage[] = [];
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const page = await pdf.getPage(number);
    const viewport = page.getViewport({ scale: PDF_RENDER_DPI / 72 });
    const width = Math.max(1, Math.ceil(viewport.width));
    const height = Math.max(1, Math.ceil(viewport.height));
    try {
      checkSize(width, height);
    } catch (error) {
      await loading.destroy();
      throw error;
    }
    pages.push({
      width,
      height,
      bytes: async () => {
        const canvas = createCanvas(width, height);
        const context = canvas.getContext('2d');
        // PDF pages are transparent where nothing is drawn; OCR wants ink on paper.
        context.fillStyle = '#ffffff';
        context.fillRect(0, 0, width, height);
        type RenderParameters = Parameters<typeof page.render>[0];
        await page.render({
          canvas: canvas as unknown as RenderParameters['canvas'],
          canvasContext: context as unknown as RenderParameters['canvasContext'],
          viewport,
        }).promise;
        page.cleanup();
        return canvas.encode('png');
      },
    });
  }
  return { pages, close: () => loading.destroy() };
}
