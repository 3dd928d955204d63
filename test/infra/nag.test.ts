import * as fs from 'node:fs';
import * as path from 'node:path';
import { testApp } from '../support/app';

describe('cdk-nag AwsSolutions pack', () => {
  // The default app, and the options that change what is deployed (the production search cluster).
  it.each([
    ['the default app', {}],
    ['the production search cluster', { media2cloudSearchCluster: 'production' }],
  ])('reports no unacknowledged finding on any stack of %s', (_name, context) => {
    const { app } = testApp(context, { nag: true });

    // Synthesis stops with the report when the pack finds a violation no acknowledgement (with its reason) covers.
    let failure = '';
    try {
      app.synth({ force: true });
    } catch (error) {
      const report = path.join(app.outdir, 'policy-validation-report.json');
      failure = `${String(error)}\n${fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : ''}`;
    } finally {
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }

    expect(failure).toBe('');
  });
});
