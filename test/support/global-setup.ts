import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { synthesizeIfChanged } from '../../lib/local/synth';

/**
 * Synthesizes the app once for the whole run; every local-mode test starts from this cloud assembly, exactly as
 * `npm start` starts from its own synthesis. The assembly is kept per checkout and reused while the sources are
 * unchanged, as `npm start` reuses its own: running one test file does not bundle every function again.
 */
export default function globalSetup(): void {
  const checkout = createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12);
  const outdir = path.join(os.tmpdir(), `mediaplane-test-assembly-${checkout}`);
  // The original's test operators come with the app only on request; the engine tests run them. M2A's callback tests
  // receive callbacks on 127.0.0.1, which only the documented allow-list lets through.
  process.env.MEDIAPLANE_TEST_CDK_OUT = synthesizeIfChanged(outdir, () => {}, {
    mieTestOperators: 'true',
    m2aCallbackAllowedHosts: '127.0.0.1',
  });
}
