import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

/** Process groups started here (one per `npm start`), so none outlives the test. */
const groups: number[] = [];

export function killGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // Already gone.
  }
}

export interface LocalOutputs {
  readonly Media2Cloud: Record<string, string>;
  readonly MediaInsights: Record<string, string>;
  readonly Local: Record<string, string>;
}

export function readOutputs(dataDir: string): LocalOutputs {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'outputs.json'), 'utf8')) as LocalOutputs;
}

/** `npm start` in a child process on free ports, resolved once it says it is ready. `env` adds variables. */
export async function startLocalMode(dataDir: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  fs.rmSync(path.join(dataDir, 'outputs.json'), { force: true });
  const process_ = spawn(
    process.execPath,
    [path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bin/local.ts'],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        MEDIAPLANE_PORT: '0',
        MEDIAPLANE_DATA_DIR: dataDir,
        MEDIAPLANE_CDK_OUT: process.env.MEDIAPLANE_TEST_CDK_OUT,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  groups.push(process_.pid!);
  let output = '';
  process_.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  process_.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Ready.')) {
    if (process_.exitCode !== null || Date.now() > deadline) {
      throw new Error(`local mode did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process_;
}

/** Stops a local mode still running (SIGTERM), then kills whatever of a killed one might linger. */
export async function stopAll(child: ChildProcess | undefined): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  // tsx runs local mode in a process of its own.
  for (const group of groups) killGroup(group, 'SIGKILL');
}
