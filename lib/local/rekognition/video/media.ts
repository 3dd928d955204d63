import { spawn } from 'node:child_process';
import * as path from 'node:path';

// ffmpeg and ffprobe are the static builds the project installs from npm (as the media backends use them).
const FFMPEG_PACKAGE_JSON = '@ffmpeg-installer/linux-x64/package.json';
const FFPROBE_PACKAGE_JSON = 'ffprobe-static/package.json';

export function ffmpegPath(): string {
  return path.join(path.dirname(require.resolve(FFMPEG_PACKAGE_JSON)), 'ffmpeg');
}

export function ffprobePath(): string {
  return path.join(path.dirname(require.resolve(FFPROBE_PACKAGE_JSON)), 'bin', 'linux', 'x64', 'ffprobe');
}

/** Runs a tool; resolves with stdout and stderr, rejects with the end of stderr on a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const err = Buffer.concat(stderr).toString('utf8');
      if (code === 0) resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: err });
      else reject(new Error(`${path.basename(command)} exited with ${code}: ${err.slice(-1000)}`));
    });
  });
}

/** `VideoMetadata` as Rekognition reports it. */
export interface VideoMetadata {
  readonly Codec: string;
  readonly DurationMillis: number;
  readonly Format: string;
  readonly FrameRate: number;
  readonly FrameHeight: number;
  readonly FrameWidth: number;
  readonly ColorRange: 'FULL' | 'LIMITED';
}

export interface AudioMetadata {
  readonly Codec: string;
  readonly DurationMillis: number;
  readonly SampleRate: number;
  readonly NumberOfChannels: number;
}

export interface ProbedVideo {
  readonly video: VideoMetadata;
  readonly audio: readonly AudioMetadata[];
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  color_range?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
}

/** Thrown for media Rekognition Video does not take: it analyses H.264 video in MP4 or MOV. */
export class UnsupportedMediaError extends Error {}

export async function probe(file: string): Promise<ProbedVideo> {
  let parsed: {
    streams?: FfprobeStream[];
    format?: { format_name?: string; format_long_name?: string; duration?: string };
  };
  try {
    const { stdout } = await run(ffprobePath(), [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_streams',
      '-show_format',
      file,
    ]);
    parsed = JSON.parse(stdout);
  } catch {
    throw new UnsupportedMediaError('Unsupported codec/format.');
  }
  const video = parsed.streams?.find((stream) => stream.codec_type === 'video');
  const formatName = parsed.format?.format_name ?? '';
  if (!video || video.codec_name !== 'h264' || !/mov|mp4/.test(formatName)) {
    throw new UnsupportedMediaError('Unsupported codec/format.');
  }
  const seconds = Number(video.duration ?? parsed.format?.duration ?? 0);
  return {
    video: {
      Codec: video.codec_name,
      DurationMillis: Math.round(seconds * 1000),
      Format: parsed.format?.format_long_name ?? formatName,
      FrameRate: rate(video.avg_frame_rate) || rate(video.r_frame_rate),
      FrameHeight: video.height ?? 0,
      FrameWidth: video.width ?? 0,
      ColorRange: video.color_range === 'pc' ? 'FULL' : 'LIMITED',
    },
    audio: (parsed.streams ?? [])
      .filter((stream) => stream.codec_type === 'audio')
      .map((stream) => ({
        Codec: stream.codec_name ?? '',
        DurationMillis: Math.round(Number(stream.duration ?? seconds) * 1000),
        SampleRate: Number(stream.sample_rate ?? 0),
        NumberOfChannels: stream.channels ?? 0,
      })),
  };
}

function rate(value: string | undefined): number {
  const [numerator, denominator] = (value ?? '').split('/').map(Number);
  return numerator && denominator ? numerator / denominator : 0;
}

export interface Frame {
  /** Milliseconds from the start of the video. */
  readonly timestamp: number;
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** The widest frame the models are given; positions are ratios, so results do not depend on it. */
const MAX_FRAME_WIDTH = 1280;

/**
 * Frames sampled at `framesPerSecond` and decoded to RGB by ffmpeg, one at a time: the next frame is read only
 * when the caller asks for it, so a long video never sits in memory.
 */
export async function* sampleFrames(
  file: string,
  metadata: VideoMetadata,
  framesPerSecond: number,
  signal?: AbortSignal,
): AsyncGenerator<Frame> {
  const width = Math.min(MAX_FRAME_WIDTH, metadata.FrameWidth - (metadata.FrameWidth % 2));
  const height = Math.max(2, Math.round((metadata.FrameHeight * width) / metadata.FrameWidth / 2) * 2);
  const child = spawn(
    ffmpegPath(),
    [
      '-v',
      'error',
      '-i',
      file,
      '-an',
      '-vf',
      `fps=${framesPerSecond},scale=${width}:${height}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], signal },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-1000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.on('error', () => {});
  const frameBytes = width * height * 3;
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= frameBytes) {
        const rgb = new Uint8Array(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
        yield { timestamp: Math.round((index * 1000) / framesPerSecond), width, height, rgb };
        index++;
      }
    }
    const code = await exited;
    if (code !== 0 && !signal?.aborted) throw new Error(`ffmpeg could not decode the video: ${stderr.trim()}`);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** SMPTE timecode of a time: `HH:MM:SS:FF`, frames counted at the video's rate (`;` before frames for drop frame). */
export function timecode(millis: number, frameRate: number): string {
  const fps = Math.round(frameRate) || 1;
  const totalFrames = Math.round((millis / 1000) * frameRate);
  const frames = totalFrames % fps;
  const totalSeconds = Math.floor(totalFrames / fps);
  const pad = (value: number) => String(value).padStart(2, '0');
  const separator = Math.abs(frameRate - Math.round(frameRate)) > 0.001 ? ';' : ':';
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}${separator}${pad(frames)}`;
}
