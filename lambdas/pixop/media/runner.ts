import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ToolError } from '../../shared/media/tools';
import { progressSeconds } from '../domain/commands';

const STDERR_TAIL_CHARS = 4000;

export interface RunOptions {
  /** Called with the position ffmpeg reports (`-progress`), from stdout or stderr. */
  readonly onProgress?: (seconds: number) => void;
  /** Keep stdout (raw frames, JSON); otherwise it is read only for progress lines. */
  readonly captureStdout?: boolean;
}

export interface RunResult {
  readonly stdout: Buffer;
  /** The end of stderr, where ffmpeg puts its verdicts (idet) and reasons. */
  readonly stderr: string;
}

/** Runs ffmpeg or ffprobe without a shell, reporting progress as it goes; a non-zero exit rejects with stderr. */
export function runMediaTool(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    let pending = { stdout: '', stderr: '' };
    const scan = (stream: 'stdout' | 'stderr', chunk: Buffer) => {
      if (!options.onProgress) return;
      const lines = (pending[stream] + chunk.toString('latin1')).split('\n');
      pending = { ...pending, [stream]: (lines.pop() ?? '').slice(-200) };
      for (const line of lines) {
        const seconds = progressSeconds(line);
        if (seconds !== undefined) options.onProgress(seconds);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (options.captureStdout) stdout.push(chunk);
      else scan('stdout', chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
      scan('stderr', chunk);
    });
    child.on('error', (error) => reject(new ToolError(`${path.basename(command)} could not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stdout: Buffer.concat(stdout), stderr });
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
        reject(new ToolError(`${path.basename(command)} ${how}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
      }
    });
  });
}

/** Calls `write` at most once per `intervalMs` (and always for the last value), never two at a time. */
export function throttled(write: (value: number) => Promise<void>, intervalMs: number) {
  let last = 0;
  let running: Promise<void> = Promise.resolve();
  let latest: number | undefined;
  return {
    report(value: number) {
      latest = value;
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      running = running.then(() => write(value)).catch(() => undefined);
    },
    async flush(value?: number) {
      await running;
      const final = value ?? latest;
      if (final !== undefined) await write(final);
    },
  };
}
