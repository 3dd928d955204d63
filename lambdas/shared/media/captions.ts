import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { runTool } from './tools';

/**
 * CEA-608/708 closed captions carried inside a video's pictures (ATSC A/53 `cc_data` in H.264 SEI or MPEG-2 user
 * data), found with ffprobe and turned into WebVTT with ffmpeg's 608 decoder (`ccaption_dec`, reached through the
 * `movie` source's `subcc` output). Used by the local MediaConvert and by Media2Cloud's ffmpeg ingest alike.
 */

/** Pictures looked at for caption data: broadcast encoders send `cc_data` (padding when idle) with every picture. */
export const CAPTION_PROBE_FRAMES = 60;

/** ffprobe's report of the first pictures' side data (and, where the build prints it, `closed_captions`). */
export function probeClosedCaptionsArguments(source: string): string[] {
  return [
    ...['-v', 'error', '-select_streams', 'v:0', '-read_intervals', `%+#${CAPTION_PROBE_FRAMES}`],
    ...['-show_entries', 'stream=closed_captions:frame=key_frame:side_data=side_data_type'],
    ...['-of', 'default=noprint_wrappers=1', source],
  ];
}

/**
 * Whether the report shows captions. Read as text: newer ffprobe builds print `closed_captions=1`; the one in the
 * layer only names the pictures' side data (and its JSON writer leaves trailing commas, so JSON is no help).
 */
export function reportsClosedCaptions(report: string): boolean {
  return /^closed_captions=1$/m.test(report) || /^side_data_type=ATSC A53 Part 4 Closed Captions$/m.test(report);
}

/**
 * The video stream copied, not re-encoded, into MPEG-TS. The ffmpeg build the project ships stamps the `subcc`
 * packets of a source whose time base is not 1/90000 (an MP4 at 1/15360, say) as if it were, so a caption at 1 s
 * came out at 0.17 s; MPEG-TS has the 90 kHz clock, so the caption times come out right whatever the source.
 */
export function captionTransportArguments(source: string, transport: string): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-y', '-v', 'error', '-i', source],
    ...['-map', '0:v:0', '-c', 'copy', '-f', 'mpegts', transport],
  ];
}

/** The captions of CC1 (field 1) as WebVTT, from a file `captionTransportArguments` wrote. */
export function captionExtractArguments(transport: string, vtt: string): string[] {
  // A filtergraph would need its own escaping for anything else; both paths are the caller's work files.
  if (!/^[\w/.@+-]+$/.test(transport)) throw new Error(`unsafe path for a filtergraph: ${transport}`);
  return [
    ...['-hide_banner', '-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', `movie=${transport}[out0+subcc]`],
    ...['-map', '0:1', '-c:s', 'webvtt', '-f', 'webvtt', vtt],
  ];
}

/**
 * Decodes a video's CC1 captions into `vtt` (WebVTT; only the `WEBVTT` line when the video carries none), using
 * `work` for the transport stream copy.
 */
export async function extractEmbeddedCaptions(
  ffmpeg: string,
  source: string,
  work: string,
  vtt: string,
): Promise<void> {
  const transport = path.join(work, 'captions-source.ts');
  try {
    await runTool(ffmpeg, captionTransportArguments(source, transport));
    await runTool(ffmpeg, captionExtractArguments(transport, vtt));
  } finally {
    await rm(transport, { force: true });
  }
}

/** WebVTT cues as SubRip: numbered, `,` before the milliseconds, hours always written; headers and notes dropped. */
export function webVttToSrt(vtt: string): string {
  const blocks = vtt
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/);
  const cues: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    const timing = lines.findIndex((line) => line.includes('-->'));
    if (timing < 0) continue;
    const [begin, end] = lines[timing]!.split('-->').map((part) => srtTime(part.trim().split(/\s+/)[0]!));
    const text = lines
      .slice(timing + 1)
      .join('\n')
      .trim();
    if (!text) continue;
    cues.push(`${cues.length + 1}\n${begin} --> ${end}\n${text}`);
  }
  return cues.length === 0 ? '' : `${cues.join('\n\n')}\n`;
}

function srtTime(vttTime: string): string {
  const [clock, millis = '000'] = vttTime.split('.');
  const parts = clock!.split(':');
  while (parts.length < 3) parts.unshift('00');
  return `${parts.map((part) => part.padStart(2, '0')).join(':')},${millis.padEnd(3, '0')}`;
}
