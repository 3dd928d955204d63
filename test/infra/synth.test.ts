import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

describe('cdk synth', () => {
  // Every function's bundle is built once per run, by the global setup, through the same constructs (its assembly is
  // what local mode and the end-to-end suites run). Here the pinned CLI synthesizes every template offline and
  // bundles one stack's functions locally, as `cdk synth KvsConsumer --exclusively` does: bundling all of them again
  // would only repeat the global setup's minute of esbuild.
  it('synthesizes every stack offline with the pinned CLI, bundling the selected stack locally', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-synth-'));
    try {
      const result = spawnSync(
        process.execPath,
        [
          path.join(PROJECT_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk'),
          ...['synth', 'KvsConsumer', '--exclusively', '--quiet', '--output', outdir],
        ],
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
      expect(stacks.sort()).toEqual(['KvsConsumer', 'M2aMediapackage', 'Media2Cloud', 'MediaInsights', 'Pixop']);
      // Each function of the selected stack points at a bundle the CLI built here.
      const template = JSON.parse(fs.readFileSync(path.join(outdir, 'KvsConsumer.template.json'), 'utf8'));
      const bundles = Object.values(
        template.Resources as Record<string, { Type: string; Metadata?: Record<string, string> }>,
      )
        .filter((resource) => resource.Type === 'AWS::Lambda::Function')
        .map((resource) => resource.Metadata?.['aws:asset:path'] as string);
      expect(bundles.length).toBeGreaterThan(0);
      for (const bundle of bundles) expect(fs.existsSync(path.join(outdir, bundle, 'index.js'))).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
