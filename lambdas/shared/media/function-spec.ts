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
 * - `pdfjs`: pdf.js (1.8 MB of JavaScript once minified, more than a whole SDK-heavy function) with its standard fonts
 *   and CMaps: a layer holding the `pdfjs-dist` package under `nodejs/node_modules`, which Lambda puts on `NODE_PATH`;
 *   the bundle leaves the package out and `require`s it at run time.
 * - `canvas`: the Skia canvas pdf.js draws pages on (`@napi-rs/canvas`, a 32 MB native x86-64 addon): likewise.
 *
 * Run outside a Lambda function (tests, local services, scripts), all of them come from their npm packages.
 */
export type MediaTool = 'ffmpeg' | 'mediainfo' | 'pdfjs' | 'canvas';

/** How a tool reaches its functions. */
export interface MediaToolFiles {
  /** `bundle`: copied into each function's bundle; `layer`: in one Lambda layer per stack, mounted under `/opt`. */
  readonly shippedIn: 'bundle' | 'layer';
  /** Repository-relative source (a file or a directory) → target, relative to the bundle or to the layer's root. */
  readonly files: CopyFiles;
  /** Packages the layer provides on `NODE_PATH`, left out of the bundles of its functions. @default - none */
  readonly modules?: readonly string[];
  /** Holds x86-64 machine code: its functions are deployed as x86_64. @default false */
  readonly x64?: boolean;
}

const PDFJS = 'node_modules/pdfjs-dist';
const LAYER_MODULES = 'nodejs/node_modules';

export const MEDIA_TOOL_FILES: Readonly<Record<MediaTool, MediaToolFiles>> = {
  ffmpeg: {
    shippedIn: 'layer',
    files: {
      'node_modules/@ffmpeg-installer/linux-x64/ffmpeg': 'bin/ffmpeg',
      'node_modules/ffprobe-static/bin/linux/x64/ffprobe': 'bin/ffprobe',
    },
    x64: true,
  },
  mediainfo: {
    shippedIn: 'bundle',
    files: { 'node_modules/mediainfo.js/dist/MediaInfoModule.wasm': 'MediaInfoModule.wasm' },
  },
  pdfjs: {
    shippedIn: 'layer',
    // The two modules `media2cloud/pipeline/media/pdf/pdfjs.ts` loads, and the font data it points pdf.js to.
    files: Object.fromEntries(
      ['package.json', 'legacy/build/pdf.mjs', 'legacy/build/pdf.worker.mjs', 'standard_fonts', 'cmaps', 'LICENSE'].map(
        (file) => [`${PDFJS}/${file}`, `${LAYER_MODULES}/pdfjs-dist/${file}`],
      ),
    ),
    modules: ['pdfjs-dist'],
  },
  canvas: {
    shippedIn: 'layer',
    files: Object.fromEntries(
      ['@napi-rs/canvas', '@napi-rs/canvas-linux-x64-gnu'].map((name) => [
        `node_modules/${name}`,
        `${LAYER_MODULES}/${name}`,
      ]),
    ),
    modules: ['@napi-rs/canvas'],
    x64: true,
  },
};

/** A function as a catalog describes it; where it comes from (`entry`, `handler`) is given alongside. */
export interface MediaFunctionSpec {
  readonly sizing: FunctionSizing;
  /** @default - none */
  readonly tools?: readonly MediaTool[];
  /** Files besides the tools'. @default - none */
  readonly copyFiles?: CopyFiles;
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

/** The packages the function's layers provide, which its bundle leaves out. */
export function layerModules(spec: MediaFunctionSpec): string[] {
  return layeredTools(spec).flatMap((tool) => MEDIA_TOOL_FILES[tool].modules ?? []);
}

/** The function runs x86-64 machine code (ffmpeg, a native addon), so it is deployed as x86_64. */
export function runsX64Binaries(spec: MediaFunctionSpec): boolean {
  return (spec.tools ?? []).some((tool) => MEDIA_TOOL_FILES[tool].x64 === true);
}
