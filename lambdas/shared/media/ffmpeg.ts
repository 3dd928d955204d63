import { runTool } from './tools';

/**
 * ffmpeg and ffprobe pieces both backends' MediaConvert stand-ins use. The job templates of both originals ask for
 * the same audio (AAC-LC, 48 kHz, stereo) and for MP4s that play while they download.
 */

/** AAC-LC at the given bit rate (`96k`), 48 kHz, stereo: MediaConvert's `AAC` with `CODING_MODE_2_0`. */
export function aacAudio(bitRate: string): string[] {
  return ['-c:a', 'aac', '-b:a', bitRate, '-ar', '48000', '-ac', '2'];
}

/** `moov` before `mdat` (MediaConvert's `PROGRESSIVE_DOWNLOAD`), so players start before the download ends. */
export const FASTSTART: readonly string[] = ['-movflags', '+faststart'];

/** What ffprobe reports of a file's container and streams (the fields mediaplane reads). */
export interface ProbeReport {
  readonly format?: { readonly format_name?: string; readonly duration?: string };
  readonly streams?: readonly ProbeStream[];
}

export interface ProbeStream {
  readonly index?: number;
  readonly codec_type?: string;
  readonly codec_name?: string;
  readonly duration?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** ffprobe's JSON report of a file (a local path or a URL ffmpeg reads); a file it cannot read rejects. */
export async function probeMedia(ffprobe: string, input: string): Promise<ProbeReport> {
  const json = await runTool(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input]);
  return JSON.parse(json) as ProbeReport;
}
