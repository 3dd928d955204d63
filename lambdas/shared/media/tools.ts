import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

/**
 * ffmpeg and ffprobe are static x86-64 builds from npm. In a Lambda function (`LAMBDA_TASK_ROOT` is set, in AWS and in
 * local mode alike) they come from the stack's ffmpeg layer, whose `bin/` Lambda puts on the function's `PATH`
 * (`/opt/bin`; a function spec's `tools: ['ffmpeg']` attaches the layer, see `function-spec.ts`). Anywhere else
 * (tests, local services, scripts) they are run from the npm packages.
 */
export interface MediaTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

export function mediaTools(environment: NodeJS.ProcessEnv = process.env): MediaTools {
  if (environment.LAMBDA_TASK_ROOT === undefined) return { ffmpeg: packagedFfmpeg(), ffprobe: packagedFfprobe() };
  // Looked up when a tool is run: a function whose bundle holds ffmpeg work it never does (Pixop's RecordFailure)
  // has no layer, and must still load.
  return {
    get ffmpeg() {
      return onPath('ffmpeg', environment);
    },
    get ffprobe() {
      return onPath('ffprobe', environment);
    },
  };
}

/** Where a shell would find `name`: the first executable of that name in a `PATH` directory. */
function onPath(name: string, environment: NodeJS.ProcessEnv): string {
  for (const directory of (environment.PATH ?? '').split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: the next directory
    }
  }
  throw new ToolError(`${name} is not on this function's PATH: its spec's tools must include 'ffmpeg' for the layer`);
}

// Held in variables so that bundlers leave these alone: a deployed function uses its layer's copies.
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
