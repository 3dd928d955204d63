import * as fs from 'node:fs';
import * as path from 'node:path';
import { testApp } from '../support/app';

describe('cdk-nag AwsSolutions pack', () => {
  // The options that change what is deployed (the production search cluster). The default app is checked by
  // synth.test.ts: `cdk synth` runs bin/app.ts, which adds this pack, and fails on the same report.
  const variants: [string, Record<string, unknown>][] = [
    ['the production search cluster', { media2cloudSearchCluster: 'production' }],
  ];
  it.each(variants)('reports no unacknowledged finding on any stack of %s', (_name, context) => {
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
