import * as path from 'node:path';
import { startLocalMode, type LocalMode } from '../lib/local/local-mode';
import { synthesize } from '../lib/local/synth';

/** Synthesizes the app into `root/cdk.out` (with `context`) and starts local mode on it, data in `root/data`, free ports. */
export async function startBenchLocalMode(root: string, context: Record<string, string> = {}): Promise<LocalMode> {
  const assembly = path.join(root, 'cdk.out');
  synthesize(assembly, context);
  return startLocalMode({ port: 0, dataDir: path.join(root, 'data'), cloudAssemblyDir: assembly, log: () => {} });
}
