import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import mediaInfoFactory, { type MediaInfo } from 'mediainfo.js';

/** Reads `length` bytes at `offset` of the file being analysed. */
export type ReadChunk = (offset: number, length: number) => Promise<Uint8Array>;

/** Runs MediaInfoLib on a file it reads piece by piece and returns MediaInfoLib's `OLDXML` report. */
export type MediaAnalyzer = (size: number, readChunk: ReadChunk) => Promise<string>;

export const WASM_FILE = 'MediaInfoModule.wasm';

/** One ranged read per chunk: large enough to keep S3 round trips few, small enough to keep memory flat. */
export const CHUNK_BYTES = 1024 * 1024;

// In a variable so that bundlers leave this fallback alone: a deployed bundle has the file next to it.
const MEDIAINFO_PACKAGE = 'mediainfo.js/';

/** The WASM file: next to the bundle when deployed (the stack copies it there, see `catalog.ts`), else from npm. */
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

// The WASM build hands the format string straight to MediaInfoLib's `Inform` option. pymediainfo, which the
// original operator uses, reads the `OLDXML` report, so that is the one we ask for even though the typings only
// name the newer formats.
const OLD_XML = 'OLDXML' as unknown as 'XML';

let instance: Promise<MediaInfo<'XML'>> | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * The MediaInfoLib instance is compiled once per execution environment and reused; it runs one analysis at a time,
 * so concurrent calls (only possible in local mode) wait their turn.
 */
export const analyzeMedia: MediaAnalyzer = (size, readChunk) => {
  const run = queue.then(async () => {
    instance ??= mediaInfoFactory({
      format: OLD_XML,
      full: true,
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
