import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { runTool, ToolError } from '../../../shared/media/tools';
import { MediaProcessingError } from '../domain/errors';

/** Runs ffmpeg or ffprobe; a failure is the asset's fault (corrupt or unknown format) and says what the tool said. */
export async function runMediaTool(command: string, args: readonly string[], what: string): Promise<string> {
  try {
    return await runTool(command, args);
  } catch (error) {
    if (error instanceof ToolError) throw new MediaProcessingError(`${what}: ${lastLines(error.message)}`);
    throw error;
  }
}

/** ffmpeg ends its diagnostics with the reason; the banner and stream listing before it say nothing useful. */
function lastLines(message: string, count = 3): string {
  return message.split('\n').slice(-count).join(' ').trim();
}

/** Every file directly in a directory, sorted by name. */
export async function filesIn(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(directory, entry.name))
    .sort();
}
