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
  const bundles = bundleDirectory();
  if (bundles) {
    const bundled = bundles.entryPoints[file];
    const bundle = bundled ? `${bundles.directory}/${bundled}` : undefined;
    if (bundle && fs.existsSync(bundle)) return { file: bundle, execArgv: [] };
  }
  return { file, execArgv: ['--import', 'tsx'] };
}

/**
 * The bundles this local mode starts its threads and processes from: its own when it runs from one (`npm start`),
 * else those named by `MEDIAPLANE_LOCAL_BUNDLE` (a bundle directory, as lib/local/bundle.js writes it), which the
 * test run builds once so that the many local modes its suites start in-process do not compile every engine thread
 * and model process through tsx again.
 */
function bundleDirectory():
  { readonly directory: string; readonly entryPoints: Readonly<Record<string, string>> } | undefined {
  if (typeof MEDIAPLANE_BUNDLE !== 'undefined') return MEDIAPLANE_BUNDLE;
  const directory = process.env.MEDIAPLANE_LOCAL_BUNDLE;
  if (!directory) return undefined;
  try {
    const entryPoints = JSON.parse(fs.readFileSync(`${directory}/entry-points.json`, 'utf8')) as Record<string, string>;
    return { directory, entryPoints };
  } catch {
    return undefined;
  }
}
