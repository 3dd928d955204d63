import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * ffmpeg and ffprobe are static x86-64 builds from npm. Deployed, the stack copies them next to the bundle as
 * `bin/ffmpeg` and `bin/ffprobe` (a function spec's `tools: ['ffmpeg']`, see `function-spec.ts`); in tests and local
 * mode they are run from the npm packages.
 */
export interface MediaTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

export function mediaTools(bundleDir: string = __dirname): MediaTools {
  return {
    ffmpeg: bundled(bundleDir, 'ffmpeg') ?? packagedFfmpeg(),
    ffprobe: bundled(bundleDir, 'ffprobe') ?? packagedFfprobe(),
  };
}

function bundled(bundleDir: string, name: string): string | undefined {
  const candidate = path.join(bundleDir, 'bin', name);
  return existsSync(candidate) ? candidate : undefined;
}

// Held in variables so that bundlers leave these fallbacks alone: a deployed bundle uses its bin/ copies.
const FFMPEG_PACKAGE_JSON = '@ffmpeg-installer/linux-x64/package.json';
const FFPROBE_PACKAGE_JSON = 'ffprobe-static/package.json';

function packagedFfmpeg(): string {
  return path.join(path.dirname(require.resolve(FFMPEG_PACKAGE_JSON)), 'ffmpeg');
}

function packagedFfprobe(): string {
  return path.join(path.dirname(require.resolve(FFPROBE_PACKAGE_JSON)), 'bin', 'linux', 'x64', 'ffprobe');
}

export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

/** Keeps the end of a tool's diagnostics: that is where ffmpeg says why it stopped. */
const STDERR_TAIL_CHARS = 2000;

/** Runs a tool without a shell and resolves with its standard output; a non-zero exit rejects with its stderr. */
export function runTool(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (error) => reject(new ToolError(`${path.basename(command)} could not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
        reject(new ToolError(`${path.basename(command)} ${how}: ${stderr.trim()}`));
      }
    });
  });
}
