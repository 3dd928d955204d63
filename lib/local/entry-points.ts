import * as fs from 'node:fs';

/** Set by the banner of the bundles `npm start` runs (lib/local/bundle.js); absent when running from the sources. */
declare const MEDIAPLANE_BUNDLE:
  { readonly directory: string; readonly entryPoints: Readonly<Record<string, string>> } | undefined;

export interface Runnable {
  /** The file to start in a worker thread or process. */
  readonly file: string;
  /** Node flags it needs beyond the defaults. */
  readonly execArgv: readonly string[];
}

/**
 * How to start a TypeScript entry point of local mode (an engine thread, a model or reader process) in a thread or
 * process of its own: from its bundle when local mode itself runs from the bundles `npm start` builds, otherwise from
 * the source through tsx (tests, `tsx bin/local.ts`). `source` may omit the `.ts` extension. A bundle that is gone
 * (pruned while this local mode ran) falls back to the source too.
 */
export function runnable(source: string): Runnable {
  const file = source.endsWith('.ts') ? source : `${source}.ts`;
  if (typeof MEDIAPLANE_BUNDLE !== 'undefined') {
    const bundled = MEDIAPLANE_BUNDLE.entryPoints[file];
    const bundle = bundled ? `${MEDIAPLANE_BUNDLE.directory}/${bundled}` : undefined;
    if (bundle && fs.existsSync(bundle)) return { file: bundle, execArgv: [] };
  }
  return { file, execArgv: ['--import', 'tsx'] };
}
