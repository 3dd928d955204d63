import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';

/** A word Tesseract read, in pixels of the image it was given, with the line it belongs to. */
export interface OcrWord {
  readonly text: string;
  /** 0 to 100. */
  readonly confidence: number;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Block, paragraph and line numbers joined (`2.1.3`): words with the same key are on one line. */
  readonly lineKey: string;
}

/** The text of one page image. */
export interface OcrPage {
  readonly width: number;
  readonly height: number;
  readonly words: readonly OcrWord[];
}

/** Reads the words of an image (PNG or JPEG bytes) with Tesseract. */
export interface OcrEngine {
  /** `tesseract-cli` (Debian's `tesseract-ocr`) or `tesseract.js` (WebAssembly, shipped in npm). */
  readonly name: string;
  recognize(image: Uint8Array, width: number, height: number): Promise<OcrPage>;
  close(): Promise<void>;
}

/**
 * Parses Tesseract's TSV output, which both engines write: one row per page, block, paragraph, line and word
 * (level 1 to 5), words carrying their box and confidence. Empty words (Tesseract's guesses at blank space) go.
 */
export function parseTesseractTsv(tsv: string, width: number, height: number): OcrPage {
  const words: OcrWord[] = [];
  for (const row of tsv.split('\n')) {
    const cells = row.split('\t');
    if (cells.length < 12 || cells[0] !== '5') continue;
    const text = (cells.slice(11).join('\t') ?? '').trim();
    const confidence = Number(cells[10]);
    if (text === '' || !Number.isFinite(confidence) || confidence < 0) continue;
    words.push({
      text,
      confidence: Math.min(100, Math.max(0, confidence)),
      left: Number(cells[6]),
      top: Number(cells[7]),
      width: Number(cells[8]),
      height: Number(cells[9]),
      lineKey: `${cells[2]}.${cells[3]}.${cells[4]}`,
    });
  }
  return { width, height, words };
}

/**
 * Debian's `tesseract` CLI: about four times faster than the WebAssembly build. Its OpenMP threads are held to one
 * (`OMP_THREAD_LIMIT=1`): on a shared machine several single-threaded pages beat one page fighting for every core.
 */
export class TesseractCli implements OcrEngine {
  readonly name = 'tesseract-cli';

  constructor(private readonly command: string) {}

  recognize(image: Uint8Array, width: number, height: number): Promise<OcrPage> {
    return new Promise((resolve, reject) => {
      // stdin in, TSV out: no temporary files. `--psm 3` is Tesseract's full page layout analysis.
      const child = spawn(this.command, ['stdin', 'stdout', '-l', 'eng', '--psm', '3', 'tsv'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        err = (err + chunk.toString('utf8')).slice(-1000);
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(parseTesseractTsv(Buffer.concat(out).toString('utf8'), width, height));
        else reject(new Error(`tesseract exited with code ${String(code)}: ${err.trim()}`));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(Buffer.from(image));
    });
  }

  async close(): Promise<void> {}
}

interface TesseractJsWorker {
  recognize(image: Buffer, options: object, output: object): Promise<{ data: { tsv: string | null } }>;
  setParameters(parameters: Record<string, string>): Promise<unknown>;
  terminate(): Promise<unknown>;
}

/**
 * tesseract.js (Tesseract compiled to WebAssembly, in its own worker thread) with the English LSTM model from
 * `@tesseract.js-data/eng`, read from the installed package: nothing is downloaded.
 */
export class TesseractJs implements OcrEngine {
  readonly name = 'tesseract.js';
  private worker: Promise<TesseractJsWorker> | undefined;
  // One page at a time: the WebAssembly engine is single-threaded and a second request would only queue inside it.
  private queue: Promise<unknown> = Promise.resolve();

  recognize(image: Uint8Array, width: number, height: number): Promise<OcrPage> {
    const run = this.queue.then(async () => {
      const worker = await this.ready();
      const { data } = await worker.recognize(Buffer.from(image), {}, { tsv: true, text: false, blocks: false });
      return parseTesseractTsv(data.tsv ?? '', width, height);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await (await worker).terminate();
  }

  private ready(): Promise<TesseractJsWorker> {
    this.worker ??= (async () => {
      const { createWorker, OEM, PSM } = await import('tesseract.js');
      const langPath = path.join(
        path.dirname(require.resolve('@tesseract.js-data/eng/package.json')),
        '4.0.0_best_int',
      );
      const worker = (await createWorker('eng', OEM.LSTM_ONLY, {
        langPath,
        gzip: true,
        cacheMethod: 'none',
      })) as unknown as TesseractJsWorker;
      // tesseract.js defaults to a single uniform block; documents need the full page layout analysis.
      await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, preserve_interword_spaces: '0' });
      return worker;
    })();
    return this.worker;
  }
}

/** Debian's `tesseract` if it is on the PATH with English installed. */
export function findTesseractCli(command = 'tesseract'): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['--list-langs'], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) return resolve(undefined);
      const languages = `${stdout}\n${stderr}`.split('\n').map((line) => line.trim());
      resolve(languages.includes('eng') ? command : undefined);
    });
  });
}

/**
 * The OCR engine: `MEDIAPLANE_OCR=tesseract.js` or `tesseract-cli` chooses; otherwise the CLI where installed,
 * tesseract.js everywhere else.
 */
export async function chooseOcrEngine(
  preference: string | undefined = process.env.MEDIAPLANE_OCR,
  cli = 'tesseract',
): Promise<OcrEngine> {
  if (preference === 'tesseract.js') return new TesseractJs();
  const found = await findTesseractCli(cli);
  if (found) return new TesseractCli(found);
  if (preference === 'tesseract-cli') {
    throw new Error('MEDIAPLANE_OCR=tesseract-cli but no `tesseract` with English (apt-get install tesseract-ocr)');
  }
  return new TesseractJs();
}
