/**
 * How a backend's catalog describes a Lambda function to the stack (`MediaFunction` in `lib/constructs/`): its size,
 * the media tools its bundle carries, the files and native modules it needs. No imports: the stack loads this file.
 */

/** Repository-relative source (a file or a directory) → bundle-relative target, as `NodeFunction`'s `copyFiles`. */
export type CopyFiles = Readonly<Record<string, string>>;

/** Function settings the work calls for. */
export interface FunctionSizing {
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  /** `/tmp`; the Lambda default is 512. */
  readonly ephemeralStorageMb: number;
}

/** MediaInfoLib reading a file by ranges: memory for the WASM heap, time for slow ranged reads of large files. */
export const MEDIAINFO_SIZING: FunctionSizing = { timeoutSeconds: 300, memorySizeMb: 1024, ephemeralStorageMb: 512 };

/**
 * Whole-file media work: Lambda's longest timeout, its largest `/tmp` (the source and every output sit there), and
 * ffmpeg on every core Lambda gives (cores come with memory).
 */
export const MEDIA_SIZING: FunctionSizing = { timeoutSeconds: 900, memorySizeMb: 3008, ephemeralStorageMb: 10240 };

/**
 * Media tools a bundle carries next to `index.js`:
 * - `ffmpeg`: `bin/ffmpeg` and `bin/ffprobe`, static x86-64 builds (the function is deployed as x86_64);
 * - `mediainfo`: MediaInfoLib's WASM module (any architecture).
 *
 * `shared/media/tools.ts` and `shared/media/mediainfo.ts` find them there, or in `node_modules` in tests and local
 * mode.
 */
export type MediaTool = 'ffmpeg' | 'mediainfo';

export const MEDIA_TOOL_FILES: Readonly<Record<MediaTool, CopyFiles>> = {
  ffmpeg: {
    'node_modules/@ffmpeg-installer/linux-x64/ffmpeg': 'bin/ffmpeg',
    'node_modules/ffprobe-static/bin/linux/x64/ffprobe': 'bin/ffprobe',
  },
  mediainfo: { 'node_modules/mediainfo.js/dist/MediaInfoModule.wasm': 'MediaInfoModule.wasm' },
};

/** A function as a catalog describes it; where it comes from (`entry`, `handler`) is given alongside. */
export interface MediaFunctionSpec {
  readonly sizing: FunctionSizing;
  /** @default - none */
  readonly tools?: readonly MediaTool[];
  /** Runs a native x86-64 binary loaded as a module, e.g. a canvas addon (deploy as x86_64, like ffmpeg). @default false */
  readonly nativeX64?: boolean;
  /** Files besides the tools'. @default - none */
  readonly copyFiles?: CopyFiles;
  /** Modules left out of the bundle, found at run time in the bundle's copied `node_modules`. @default - none */
  readonly externalModules?: readonly string[];
}

/** Every file the function's bundle needs beside `index.js`: its tools' and its own. */
export function bundleFiles(spec: MediaFunctionSpec): CopyFiles {
  return Object.assign({}, ...(spec.tools ?? []).map((tool) => MEDIA_TOOL_FILES[tool]), spec.copyFiles) as CopyFiles;
}

/** The function runs x86-64 machine code (ffmpeg, a native addon), so it is deployed as x86_64. */
export function runsX64Binaries(spec: MediaFunctionSpec): boolean {
  return (spec.tools ?? []).includes('ffmpeg') || spec.nativeX64 === true;
}
