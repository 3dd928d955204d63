import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { mediaTools } from '../../lambdas/shared/media/tools';

export const tools = mediaTools();

/** A short test clip made with ffmpeg's lavfi sources (testsrc2 picture, a sine tone). */
export function makeClip(
  directory: string,
  name: string,
  options: { width?: number; height?: number; rate?: number; seconds?: number; audio?: boolean; args?: string[] } = {},
): string {
  const { width = 320, height = 180, rate = 25, seconds = 2, audio = true } = options;
  const file = path.join(directory, name);
  execFileSync(tools.ffmpeg, [
    ...['-nostdin', '-v', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${rate}:duration=${seconds}`],
    ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac', '-shortest'] : []),
    ...(options.args ?? ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p']),
    file,
  ]);
  return file;
}

export interface StreamFacts {
  readonly codec_type: string;
  readonly codec_name: string;
  readonly profile?: string;
  readonly pix_fmt?: string;
  readonly width?: number;
  readonly height?: number;
  readonly avg_frame_rate?: string;
  readonly field_order?: string;
  readonly nb_read_frames?: string;
}

/** ffprobe's view of a file: format name and streams (frames counted). */
export function probe(file: string): { format: { format_name: string; duration: string }; streams: StreamFacts[] } {
  return JSON.parse(
    execFileSync(tools.ffprobe, [
      ...['-v', 'error', '-count_frames', '-of', 'json', '-show_entries'],
      'format=format_name,duration:stream=codec_type,codec_name,profile,pix_fmt,width,height,avg_frame_rate,field_order,nb_read_frames',
      file,
    ]).toString('utf8'),
  );
}
