import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testApp } from '../support/app';

describe('cdk-nag AwsSolutions pack', () => {
  it('reports no unacknowledged finding on any stack', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-nag-'));
    const { app } = testApp({}, { nag: true });

    // Synthesis stops with the report when the plugin finds a violation that no acknowledgement covers.
    let failure: unknown;
    try {
      app.synth({ force: true, validateOnSynthesis: true });
    } catch (error) {
      failure = error;
    }

    const report = path.join(app.outdir, 'policy-validation-report.json');
    const findings = fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : '';
    fs.rmSync(outdir, { recursive: true, force: true });
    expect(failure === undefined ? '' : `${String(failure)}\n${findings}`).toBe('');
  });
});
