import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { request } from '../support/local';

describe('npm start (bin/start.js: bin/local.ts from its bundle)', () => {
  it('prints a summary, serves the APIs, and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-cli-'));
    // What `npm start` runs: local mode from its bundle (built here on the first run, reused after).
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'start.js')], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        MEDIAPLANE_PORT: '0',
        MEDIAPLANE_DATA_DIR: dataDir,
        MEDIAPLANE_CDK_OUT: process.env.MEDIAPLANE_TEST_CDK_OUT,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    try {
      await waitFor(
        () => stdout.includes('Ready.'),
        // A whole local mode starting in its own process, beside another suite on a 2-core machine.
        150_000,
        () => stdout,
      );
      const outputs = JSON.parse(fs.readFileSync(path.join(dataDir, 'outputs.json'), 'utf8'));
      const hello = await request(outputs.MediaInsights.DataplaneApiEndpoint);

      expect(stdout).toContain('MediaInsights.DataplaneApiEndpoint');
      expect(stdout).toContain('profile mediaplane');
      expect(stdout).not.toContain(
        fs.readFileSync(path.join(dataDir, 'credentials'), 'utf8').split('= ')[2]?.trim() ?? '?',
      );
      expect(hello.json()).toEqual({ hello: 'world' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);
});

describe('npm start -c', () => {
  it('refuses context for an assembly that is already synthesized, before starting anything', async () => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'start.js'), '-c', 'mieTestOperators=true'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, MEDIAPLANE_PORT: '0', MEDIAPLANE_CDK_OUT: process.env.MEDIAPLANE_TEST_CDK_OUT },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));

    expect(code).toBe(1);
    expect(output).toContain('-c sets context for the synthesis; MEDIAPLANE_CDK_OUT runs an assembly');
  });
});

async function waitFor(check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out; output so far:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
