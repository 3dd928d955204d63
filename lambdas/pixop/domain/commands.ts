import type { EncodingPlan } from './encoding';
import type { ProcessingSegment } from './ports';

/** ffmpeg and ffprobe argument lists for each step, built from the plan alone so tests can check them. */

const QUIET = ['-nostdin', '-hide_banner', '-v', 'error', '-y'];

/**
 * One segment of the video: decode from `input` (a local path or a presigned URL, which ffmpeg reads with ranged
 * requests), filter, encode, and write Matroska, which holds every target codec and concatenates cleanly.
 * Progress goes to stdout as `key=value` lines (`-progress pipe:1`).
 */
export function segmentArguments(
  plan: EncodingPlan,
  segment: ProcessingSegment,
  input: string,
  output: string,
  threads: number,
): string[] {
  const start = plan.startSeconds + segment.start;
  return [
    ...QUIET,
    ...['-progress', 'pipe:1', '-threads', String(threads)],
    // Seeking before -i with re-encoding is frame-accurate: ffmpeg decodes from the previous keyframe and drops
    // the frames before `start`.
    ...['-ss', seconds(start), '-i', input, '-t', seconds(segment.duration)],
    ...['-map', '0:v:0', '-an', '-sn', '-dn'],
    ...['-vf', plan.filters.join(',')],
    ...plan.encoderArgs,
    ...['-f', 'matroska', output],
  ];
}

/** ffconcat list of the encoded segments, in order. */
export function concatList(segmentFiles: readonly string[]): string {
  return `ffconcat version 1.0\n${segmentFiles.map((file) => `file '${file.replace(/'/g, "'\\''")}'`).join('\n')}\n`;
}

/** Joins the segments without re-encoding and adds the source's audio for the same range. */
export function joinArguments(
  plan: EncodingPlan,
  listFile: string,
  audioInput: string | undefined,
  output: string,
): string[] {
  const audio = audioInput && plan.audioArgs;
  return [
    ...QUIET,
    ...['-progress', 'pipe:1'],
    ...['-f', 'concat', '-safe', '0', '-i', listFile],
    ...(audio ? ['-ss', seconds(plan.startSeconds), '-t', seconds(plan.durationSeconds), '-i', audioInput] : []),
    ...['-map', '0:v:0', ...(audio ? ['-map', '1:a:0?'] : [])],
    ...['-c:v', 'copy', ...(audio ? plan.audioArgs : [])],
    ...(plan.interlaced ? ['-field_order', plan.interlaced.tff ? 'tt' : 'bb'] : []),
    // Segments carry millisecond timestamps and no frame rate; MXF needs the rate, and the video is constant-rate.
    ...['-r', plan.frameRate, '-t', seconds(plan.durationSeconds)],
    ...plan.muxerArgs,
    ...['-f', plan.muxer, output],
  ];
}

export function probeArguments(input: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input];
}

/** Sizes of the video packets, for containers that state no stream bit rate. */
export function packetSizeArguments(input: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=size', '-of', 'csv=p=0', input];
}

/** `idet` over the first frames (its verdict is on stderr at info level). */
export function idetArguments(input: string, frames: number): string[] {
  return [
    '-nostdin',
    '-hide_banner',
    '-i',
    input,
    '-map',
    '0:v:0',
    '-frames:v',
    String(frames),
    '-vf',
    'idet',
    '-an',
    '-f',
    'null',
    '-',
  ];
}

/**
 * `count` frames spread over the video, scaled to fit `maxWidth` (keeping the shape), as raw RGB on stdout.
 * The `select` expression picks the frame nearest each sample time.
 */
export function sampleFrameArguments(
  input: string,
  durationSeconds: number,
  count: number,
  width: number,
  height: number,
): string[] {
  const step = Math.max(durationSeconds / count, 0.001);
  return [
    ...['-nostdin', '-hide_banner', '-v', 'error', '-progress', 'pipe:2', '-i', input],
    ...[
      '-map',
      '0:v:0',
      '-vf',
      `fps=1/${step.toFixed(6)},scale=${width}:${height}:flags=area`,
      '-frames:v',
      String(count),
    ],
    ...['-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'],
  ];
}

/** The frame size for quality sampling: at most `maxWidth` wide, even, same shape as the source. */
export function samplingSize(width: number, height: number, maxWidth: number): { width: number; height: number } {
  if (width <= maxWidth) return { width: width - (width % 2), height: height - (height % 2) };
  const scaledHeight = Math.max(2, Math.round((height * maxWidth) / width / 2) * 2);
  return { width: maxWidth, height: scaledHeight };
}

/** ffmpeg `-progress` output: the position reached, in seconds (`out_time_us`, or `out_time_ms`, also µs). */
export function progressSeconds(line: string): number | undefined {
  const match = /^out_time_(?:us|ms)=(\d+)$/.exec(line.trim());
  return match ? Number(match[1]) / 1e6 : undefined;
}

function seconds(value: number): string {
  return value.toFixed(6);
}
