import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/constructs/node-function';

describe('cdk synth', () => {
  it('synthesizes every stack offline with the pinned CLI, bundling each function locally', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-synth-'));
    try {
      const result = spawnSync(
        process.execPath,
        [path.join(PROJECT_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--quiet', '--output', outdir],
        {
          cwd: PROJECT_ROOT,
          encoding: 'utf8',
          timeout: 240_000,
          env: {
            ...process.env,
            CDK_DISABLE_VERSION_CHECK: '1',
            CDK_DISABLE_CLI_TELEMETRY: '1',
            // No credentials and an unroutable proxy: any attempt to reach AWS fails fast instead of passing.
            AWS_ACCESS_KEY_ID: '',
            AWS_SECRET_ACCESS_KEY: '',
            AWS_EC2_METADATA_DISABLED: 'true',
            HTTPS_PROXY: 'http://127.0.0.1:9',
          },
        },
      );

      expect(result.status === 0 ? '' : `${result.stdout}\n${result.stderr}`).toBe('');
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
      const stacks = Object.values(manifest.artifacts as Record<string, { type: string; displayName?: string }>)
        .filter((artifact) => artifact.type === 'aws:cloudformation:stack')
        .map((artifact) => artifact.displayName);
      expect(stacks).toEqual(expect.arrayContaining(['MediaInsights']));
      const bundles = fs.readdirSync(outdir).filter((entry) => entry.startsWith('asset.'));
      expect(bundles.some((entry) => fs.existsSync(path.join(outdir, entry, 'index.js')))).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
