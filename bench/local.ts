import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../lib/constructs/node-function';
import { startLocalMode, type LocalMode } from '../lib/local/local-mode';
import { synthesize, synthesizeIfChanged } from '../lib/local/synth';

/** Synthesizes the app into `root/cdk.out` (with `context`) and starts local mode on it, data in `root/data`, free ports. */
export async function startBenchLocalMode(root: string, context: Record<string, string> = {}): Promise<LocalMode> {
  const assembly = path.join(root, 'cdk.out');
  synthesize(assembly, context);
  return startLocalMode({ port: 0, dataDir: path.join(root, 'data'), cloudAssemblyDir: assembly, log: () => {} });
}

/**
 * The app's assembly (cdk.json's context only), synthesized once per checkout and reused while the sources are
 * unchanged, as tests and `npm start` reuse theirs: for rows that are not about synthesis.
 */
export function benchAssembly(): string {
  const checkout = createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12);
  return synthesizeIfChanged(path.join(os.tmpdir(), `mediaplane-bench-assembly-${checkout}`));
}

/** Local mode on `benchAssembly()`, data in `root/data`, free ports. */
export function startCachedBenchLocalMode(root: string): Promise<LocalMode> {
  return startLocalMode({
    port: 0,
    dataDir: path.join(root, 'data'),
    cloudAssemblyDir: benchAssembly(),
    log: () => {},
  });
}
