import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { synthesizeIfChanged } from '../../lib/local/synth';
import { defaultAppIsCurrent, defaultAppOutdir } from './default-app';

/**
 * Synthesizes the app once for the whole run; every local-mode test starts from this cloud assembly, exactly as
 * `npm start` starts from its own synthesis. The assembly is kept per checkout and reused while the sources are
 * unchanged, as `npm start` reuses its own: running one test file does not bundle every function again.
 */
export default function globalSetup(): void {
  const checkout = createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12);
  const outdir = path.join(os.tmpdir(), `mediaplane-test-assembly-${checkout}`);
  // The original's test operators come with the app only on request; the engine tests run them. M2A's callback tests
  // receive callbacks on 127.0.0.1, which only the documented allow-list lets through. The functions log warnings and
  // errors only: their INFO lines (a workflow registered, a callback sent) would go to the terminal between results.
  process.env.MEDIAPLANE_TEST_CDK_OUT = synthesizeIfChanged(outdir, () => {}, {
    mieTestOperators: 'true',
    m2aCallbackAllowedHosts: '127.0.0.1',
    functionLogLevel: 'WARN',
  });
  // The default app's templates, which most construct tests assert on: synthesized once here, not once per suite.
  // ./app (aws-cdk-lib and the whole app) is loaded only when they have to be made.
  const defaultApp = defaultAppOutdir();
  /* eslint-disable-next-line @typescript-eslint/no-require-imports */
  if (!defaultAppIsCurrent(defaultApp)) (require('./app') as typeof import('./app')).synthesizeDefaultApp(defaultApp);
  process.env.MEDIAPLANE_TEST_TEMPLATES = defaultApp;
}
