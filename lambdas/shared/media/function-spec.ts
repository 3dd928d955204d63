/**
 * How a backend's catalog describes a Lambda function to the stack (`MediaFunction` in `lib/constructs/`): its size,
 * the media tools it uses, the files and native modules it needs. No imports: the stack loads this file.
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
 * Media tools a function can use:
 * - `ffmpeg`: ffmpeg and ffprobe, static x86-64 builds (the function is deployed as x86_64), 128 MB: shipped once per
 *   stack as a Lambda layer holding `bin/ffmpeg` and `bin/ffprobe`, attached to the functions that use them. Lambda
 *   mounts layers under `/opt` and puts `/opt/bin` on the function's `PATH`, where `shared/media/tools.ts` finds them.
 * - `mediainfo`: MediaInfoLib's WASM module (any architecture), 2.5 MB: copied next to `index.js`, where
 *   `shared/media/mediainfo.ts` finds it.
 *
 * Run outside a Lambda function (tests, local services, scripts), both come from their npm packages.
 */
export type MediaTool = 'ffmpeg' | 'mediainfo';

/** How a tool reaches its functions. */
export interface MediaToolFiles {
  /** `bundle`: copied into each function's bundle; `layer`: in one Lambda layer per stack, mounted under `/opt`. */
  readonly shippedIn: 'bundle' | 'layer';
  /** Repository-relative source → target, relative to the bundle or to the layer's root. */
  readonly files: CopyFiles;
}

export const MEDIA_TOOL_FILES: Readonly<Record<MediaTool, MediaToolFiles>> = {
  ffmpeg: {
    shippedIn: 'layer',
    files: {
      'node_modules/@ffmpeg-installer/linux-x64/ffmpeg': 'bin/ffmpeg',
      'node_modules/ffprobe-static/bin/linux/x64/ffprobe': 'bin/ffprobe',
    },
  },
  mediainfo: {
    shippedIn: 'bundle',
    files: { 'node_modules/mediainfo.js/dist/MediaInfoModule.wasm': 'MediaInfoModule.wasm' },
  },
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

/** Every file the function's bundle needs beside `index.js`: its bundled tools' and its own. */
export function bundleFiles(spec: MediaFunctionSpec): CopyFiles {
  const tools = (spec.tools ?? []).filter((tool) => MEDIA_TOOL_FILES[tool].shippedIn === 'bundle');
  return Object.assign({}, ...tools.map((tool) => MEDIA_TOOL_FILES[tool].files), spec.copyFiles) as CopyFiles;
}

/** The function's tools that come in a layer: the stack's layer of each is attached to it. */
export function layeredTools(spec: MediaFunctionSpec): MediaTool[] {
  return (spec.tools ?? []).filter((tool) => MEDIA_TOOL_FILES[tool].shippedIn === 'layer');
}

/** The function runs x86-64 machine code (ffmpeg, a native addon), so it is deployed as x86_64. */
export function runsX64Binaries(spec: MediaFunctionSpec): boolean {
  return (spec.tools ?? []).includes('ffmpeg') || spec.nativeX64 === true;
}
