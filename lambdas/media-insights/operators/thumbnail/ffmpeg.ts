import { stat } from 'node:fs/promises';
import { aacAudio, FASTSTART, probeMedia } from '../../../shared/media/ffmpeg';
import { runTool, type MediaTools } from '../../../shared/media/tools';

export interface MediaProbe {
  /** Seconds; `undefined` when neither the container nor the video stream states it. */
  readonly durationSeconds: number | undefined;
  readonly hasVideo: boolean;
  readonly hasAudio: boolean;
}

/** What the Thumbnail operator asks of a media toolkit; files are local paths. */
export interface ThumbnailEncoder {
  probe(input: string): Promise<MediaProbe>;
  /** Writes the frame at `seconds` as a JPEG; `false` when the video has no frame there (it is shorter). */
  frame(input: string, seconds: number, output: string): Promise<boolean>;
  /** Writes the proxy encode and, when `audioOutput` is given, the first audio track on its own, in one pass. */
  transcode(input: string, proxyOutput: string, audioOutput: string | undefined): Promise<void>;
}

/**
 * The MediaConvert job of the original, with ffmpeg. Settings follow the job's: frame captures at JPEG quality 80;
 * audio as AAC-LC 96 kb/s, 48 kHz, stereo in MP4; the proxy as H.264 Main 1.6 Mb/s CBR, 30 fps, GOP 90 frames,
 * 2 B-frames, 3 reference frames, square pixels, source resolution, with AAC-LC 64 kb/s audio, `moov` first
 * (MediaConvert's `PROGRESSIVE_DOWNLOAD`).
 */
export class FfmpegThumbnailEncoder implements ThumbnailEncoder {
  constructor(private readonly tools: MediaTools) {}

  async probe(input: string): Promise<MediaProbe> {
    const report = await probeMedia(this.tools.ffprobe, input);
    const streams = report.streams ?? [];
    const video = streams.find((stream) => stream.codec_type === 'video');
    const duration = Number.parseFloat(video?.duration ?? report.format?.duration ?? '');
    return {
      durationSeconds: Number.isFinite(duration) ? duration : undefined,
      hasVideo: video !== undefined,
      hasAudio: streams.some((stream) => stream.codec_type === 'audio'),
    };
  }

  async frame(input: string, seconds: number, output: string): Promise<boolean> {
    // `-ss` before `-i` seeks by the index instead of decoding up to the position.
    await runTool(this.tools.ffmpeg, [
      ...['-nostdin', '-v', 'error', '-y', '-ss', String(seconds), '-i', input],
      ...['-map', '0:v:0', '-frames:v', '1', '-q:v', '4', '-f', 'image2', output],
    ]);
    return (await stat(output).catch(() => undefined))?.size ? true : false;
  }

  async transcode(input: string, proxyOutput: string, audioOutput: string | undefined): Promise<void> {
    const proxy = [
      ...['-map', '0:v:0', '-map', '0:a:0?', '-c:v', 'libx264', '-profile:v', 'main', '-preset', 'veryfast'],
      ...['-b:v', '1600k', '-maxrate', '1600k', '-bufsize', '3200k'],
      ...['-r', '30', '-g', '90', '-bf', '2', '-refs', '3', '-pix_fmt', 'yuv420p', '-vf', 'setsar=1'],
      ...aacAudio('64k'),
      ...FASTSTART,
      ...['-f', 'mp4', proxyOutput],
    ];
    const audio = audioOutput
      ? ['-map', '0:a:0', '-vn', ...aacAudio('96k'), ...FASTSTART, '-f', 'mp4', audioOutput]
      : [];
    await runTool(this.tools.ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', input, ...proxy, ...audio]);
  }
}
