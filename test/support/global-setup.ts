import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesize } from '../../lib/local/synth';

/**
 * Synthesizes the app once for the whole run; every local-mode test starts from this cloud assembly, exactly as
 * `npm start` starts from its own synthesis.
 */
export default function globalSetup(): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-test-assembly-'));
  // The original's test operators come with the app only on request; the engine tests run them.
  synthesize(outdir, { mieTestOperators: 'true' });
  process.env.MEDIAPLANE_TEST_CDK_OUT = outdir;
}
