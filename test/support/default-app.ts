import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesisHash } from '../../lib/local/synth';
import { PROJECT_ROOT } from '../../lib/project-root';

/**
 * Where the default app's synthesis (`synthesizeDefaultApp` in ./app) is kept for this checkout, and whether it is
 * current. Apart from ./app so the global setup can tell without loading aws-cdk-lib.
 */
const HASH_FILE = '.mediaplane-source-hash';

export function defaultAppOutdir(): string {
  const checkout = createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `mediaplane-test-default-app-${checkout}`);
}

/** What the synthesis depends on: the app's sources and `testApp` itself. */
export function defaultAppHash(): string {
  return createHash('sha256')
    .update(synthesisHash())
    .update(fs.readFileSync(path.join(__dirname, 'app.ts')))
    .digest('hex');
}

export function defaultAppIsCurrent(outdir: string): boolean {
  const hashFile = path.join(outdir, HASH_FILE);
  return fs.existsSync(hashFile) && fs.readFileSync(hashFile, 'utf8') === defaultAppHash();
}

export function markDefaultAppCurrent(outdir: string): void {
  fs.writeFileSync(path.join(outdir, HASH_FILE), defaultAppHash());
}
