import * as path from 'node:path';
import { aacAudio, FASTSTART, type ProbeReport } from '../../../shared/media/ffmpeg';
import type { MediainfoSummary } from './mediainfo';

/**
 * ffmpeg command lines for the outputs the original asks MediaConvert for (its `aiml`, `proxy` and `frameCapture`
 * job templates), one decode per asset. Pure: the caller runs them.
 */

/** The original's `aiml` video size: fit in 960×540, even dimensions, small sources scaled up. */
export const AIML_WIDTH = 960;
export const AIML_HEIGHT = 540;
/** The original's `proxy` frame captures: 480×270 JPEGs, one a second, at most 10. */
export const THUMBNAIL_WIDTH = 480;
export const THUMBNAIL_HEIGHT = 270;
export const THUMBNAIL_COUNT = 10;
/** Image previews are capped here (the original re-scales only previews over 5 MB; this keeps every one sane). */
export const PREVIEW_MAX_SIZE = 4096;

const AAC = aacAudio('96k');
const JPEG_QUALITY = ['-q:v', '3'];

/** The original's `downscaleOutput`: the video's size scaled to fit 960×540, rounded to even numbers. */
export function aimlSize(width: number | undefined, height: number | undefined): [number, number] {
  if (!width || !height) return [AIML_WIDTH, AIML_HEIGHT];
  const scale = Math.min(AIML_WIDTH / width, AIML_HEIGHT / height);
  return [(Math.round(width * scale) >> 1) << 1, (Math.round(height * scale) >> 1) << 1];
}

export interface VideoOutputs {
  /** `transcode/aiml/` directory. */
  readonly aimlDir: string;
  /** `transcode/proxy/` directory. */
  readonly proxyDir: string;
  /** `transcode/frameCapture/` directory, when frames are captured. */
  readonly frameCaptureDir?: string;
  readonly basename: string;
  /** Frames per second as `[numerator, denominator]`. */
  readonly frameCaptureRate?: readonly [number, number];
}

/** H.264/AAC MP4 and AAC M4A for analysis, 480×270 thumbnails, and captured frames when asked for. */
export function videoArguments(source: string, media: MediainfoSummary, outputs: VideoOutputs): string[] {
  const video = media.video[0];
  const [width, height] = aimlSize(video?.width, video?.height);
  const fps = video?.frameRate ?? media.container.frameRate ?? 25;
  const hasAudio = media.audio.length > 0;
  const args = ['-hide_banner', '-nostdin', '-y', '-i', source];

  args.push('-map', '0:v:0', ...(hasAudio ? ['-map', '0:a:0'] : []));
  args.push('-vf', `scale=${width}:${height},setsar=1`);
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-profile:v', 'high', '-pix_fmt', 'yuv420p');
  // The original's two-second closed GOPs.
  args.push('-g', String(Math.max(1, Math.round(fps * 2))), '-sc_threshold', '0');
  if (hasAudio) args.push(...AAC);
  args.push(...FASTSTART, path.join(outputs.aimlDir, `${outputs.basename}.mp4`));

  if (hasAudio) {
    args.push('-map', '0:a:0', '-vn', ...AAC, ...FASTSTART);
    args.push(path.join(outputs.aimlDir, `${outputs.basename}.m4a`));
  }

  args.push('-map', '0:v:0', '-an', '-vf', `fps=1,${fit(THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT)}`);
  args.push('-frames:v', String(THUMBNAIL_COUNT), ...JPEG_QUALITY, '-start_number', '0');
  args.push(path.join(outputs.proxyDir, `${outputs.basename}.%07d.jpg`));

  if (outputs.frameCaptureDir && outputs.frameCaptureRate) {
    const [numerator, denominator] = outputs.frameCaptureRate;
    args.push('-map', '0:v:0', '-an', '-vf', `fps=${numerator}/${denominator},scale=${width}:${height},setsar=1`);
    args.push(...JPEG_QUALITY, '-start_number', '0', path.join(outputs.frameCaptureDir, 'frame.%07d.jpg'));
  }
  return args;
}

/** Letterboxed into exactly `width`×`height`, as MediaConvert's frame capture outputs are. */
function fit(width: number, height: number): string {
  return (
    `scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
    `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1`
  );
}

export interface AudioOutputs {
  readonly aimlDir: string;
  readonly proxyDir: string;
  readonly basename: string;
  /** The cover picture's file extension (`jpg`, `png`) when the audio has one. */
  readonly coverExtension?: string;
}

/** AAC M4A for analysis and, when the file has one, its cover picture as the original's `proxy/cover.<ext>`. */
export function audioArguments(source: string, outputs: AudioOutputs): string[] {
  const args = ['-hide_banner', '-nostdin', '-y', '-i', source];
  args.push('-map', '0:a:0', '-vn', ...AAC, ...FASTSTART);
  args.push(path.join(outputs.aimlDir, `${outputs.basename}.m4a`));
  if (outputs.coverExtension) {
    args.push('-map', '0:v:0', '-an', '-c:v', 'copy', '-frames:v', '1');
    args.push(path.join(outputs.proxyDir, `cover.${outputs.coverExtension}`));
  }
  return args;
}

export interface ImageOutputs {
  readonly preview: string;
  readonly thumbnail: string;
}

/** A JPEG preview (capped at 4096 px) and a thumbnail that fits 480×270, from any image ffmpeg decodes. */
export function imageArguments(source: string, outputs: ImageOutputs): string[] {
  const shrink = (width: number, height: number) =>
    `scale='min(${width},iw)':'min(${height},ih)':force_original_aspect_ratio=decrease`;
  return [
    ...['-hide_banner', '-nostdin', '-y', '-i', source],
    ...['-map', '0:v:0', '-frames:v', '1', '-vf', shrink(PREVIEW_MAX_SIZE, PREVIEW_MAX_SIZE), '-q:v', '2'],
    ...['-pix_fmt', 'yuvj444p', outputs.preview],
    ...['-map', '0:v:0', '-frames:v', '1', '-vf', shrink(THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT), ...JPEG_QUALITY],
    ...['-pix_fmt', 'yuvj444p', outputs.thumbnail],
  ];
}

/** ffprobe's width and height of an image's first picture. */
export function probeImageSizeArguments(source: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', source];
}

export function parseImageSizeProbe(json: string): { width: number; height: number } | undefined {
  const [stream] = (JSON.parse(json) as { streams?: Array<{ width?: unknown; height?: unknown }> }).streams ?? [];
  const { width, height } = stream ?? {};
  return typeof width === 'number' && typeof height === 'number' ? { width, height } : undefined;
}

/** Text subtitle codecs ffmpeg converts to WebVTT; bitmap ones (DVD, PGS, DVB) would need OCR. */
export const TEXT_SUBTITLE_CODECS: ReadonlySet<string> = new Set([
  'mov_text',
  'subrip',
  'srt',
  'webvtt',
  'ass',
  'ssa',
  'text',
  'microdvd',
  'sami',
  'realtext',
  'subviewer',
  'subviewer1',
  'stl',
  'jacosub',
  'mpl2',
  'pjs',
  'vplayer',
  'ttml',
]);

export interface SubtitleStream {
  /** The stream's index in the file (ffprobe `index`). */
  readonly index: number;
  readonly codec: string;
  readonly language?: string;
  readonly title?: string;
}

/** ffprobe's listing of a file's subtitle streams. */
export function probeSubtitleArguments(source: string): string[] {
  return [
    ...['-v', 'error', '-select_streams', 's'],
    ...['-show_entries', 'stream=index,codec_name:stream_tags=language,title', '-of', 'json', source],
  ];
}

export function parseSubtitleProbe(json: string): SubtitleStream[] {
  const parsed = JSON.parse(json) as ProbeReport;
  return (parsed.streams ?? [])
    .filter((stream) => typeof stream.index === 'number')
    .map((stream) => ({
      index: stream.index!,
      codec: stream.codec_name ?? 'unknown',
      ...(stream.tags?.language && stream.tags.language !== 'und' ? { language: stream.tags.language } : {}),
      ...(stream.tags?.title ? { title: stream.tags.title } : {}),
    }));
}

/** Every given text subtitle stream to its own WebVTT file, in one pass over the file. */
export function extractSubtitleArguments(
  source: string,
  streams: ReadonlyArray<{ readonly index: number; readonly file: string }>,
): string[] {
  const args = ['-hide_banner', '-nostdin', '-y', '-i', source];
  for (const { index, file } of streams) args.push('-map', `0:${index}`, '-c:s', 'webvtt', '-f', 'webvtt', file);
  return args;
}
