import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import mediaInfoFactory, { type MediaInfo } from 'mediainfo.js';

/** Reads `length` bytes at `offset` of the file being analysed. */
export type ReadChunk = (offset: number, length: number) => Promise<Uint8Array>;

/** Runs MediaInfoLib on a file it reads piece by piece and returns its report as text. */
export type MediaAnalyzer = (size: number, readChunk: ReadChunk) => Promise<string>;

/**
 * MediaInfoLib's text report formats. `OLDXML` is the pre-18.x XML layout pymediainfo reads; the WASM build hands the
 * name straight to MediaInfoLib's `Inform` option, although the typings only name the newer formats.
 */
export type ReportFormat = 'JSON' | 'XML' | 'OLDXML' | 'HTML' | 'text';

export const WASM_FILE = 'MediaInfoModule.wasm';

/** One ranged read per chunk: large enough to keep S3 round trips few, small enough to keep memory flat. */
export const CHUNK_BYTES = 1024 * 1024;

// In a variable so that bundlers leave this fallback alone: a deployed bundle has the file next to it.
const MEDIAINFO_PACKAGE = 'mediainfo.js/';

/**
 * The WASM file: next to the bundle when deployed (a function spec's `tools: ['mediainfo']` copies it there, see
 * `function-spec.ts`), else from npm.
 */
export function wasmPath(file: string = WASM_FILE, bundleDir: string = __dirname): string {
  const bundled = path.join(bundleDir, file);
  return existsSync(bundled) ? bundled : require.resolve(MEDIAINFO_PACKAGE + file);
}

/**
 * mediainfo.js ships a Node build (what Node's `require` and jest load), which reads the WASM file from a path, and a
 * browser build, which can only `fetch()` it. esbuild with its default export conditions bundles the browser one
 * (the package lists the `module` condition first), and Node's `fetch` does not read files — but it reads `data:`
 * URLs. Emscripten hands the Node build its own directory as `prefix`, the browser build an empty one.
 */
export function locateWasm(file: string, prefix: string): string {
  const location = wasmPath(file);
  if (path.isAbsolute(prefix)) return location;
  return `data:application/wasm;base64,${readFileSync(location).toString('base64')}`;
}

export interface MediaAnalyzerOptions {
  readonly format: ReportFormat;
  /** Every field MediaInfoLib knows, not only the common ones. @default false */
  readonly full?: boolean;
}

/**
 * A MediaInfoLib analyzer. Its instance is compiled on first use and reused for the execution environment's life;
 * it runs one analysis at a time, so concurrent calls (only possible in local mode) wait their turn. Create one per
 * module, not per call.
 */
export function mediaAnalyzer(options: MediaAnalyzerOptions): MediaAnalyzer {
  // The text formats all report a string; the typings spell that out only for 'XML'.
  const format = options.format as 'XML';
  let instance: Promise<MediaInfo<'XML'>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return (size, readChunk) => {
    const run = queue.then(async () => {
      instance ??= mediaInfoFactory({
        format,
        full: options.full ?? false,
        chunkSize: CHUNK_BYTES,
        locateFile: locateWasm,
      }).catch((error: unknown) => {
        instance = undefined;
        throw error;
      });
      const mediainfo = await instance;
      return mediainfo.analyzeData(size, (length, offset) => readChunk(offset, length));
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
