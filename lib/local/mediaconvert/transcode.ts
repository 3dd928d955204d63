import * as path from 'node:path';
import {
  outputBase,
  type AudioPlan,
  type FrameCapturePlan,
  type JobPlan,
  type OutputPlan,
  type S3Location,
  type VideoPlan,
} from './settings';

/** What ffprobe found in the input that the command line depends on. */
export interface InputMedia {
  readonly durationMs: number;
  readonly video?: { readonly width: number; readonly height: number; readonly fps: number };
  /** Audio tracks in the input. */
  readonly audioTracks: number;
  /** What ffprobe says of each audio track, in order (1-based track n is `audio[n - 1]`). */
  readonly audio?: readonly InputAudio[];
}

export interface InputAudio {
  /** ffprobe's codec name (`aac`, `mp3`, …). */
  readonly codec: string;
  readonly sampleRate: number;
  readonly channels: number;
  /** Bits per second, when the container says. */
  readonly bitrate?: number;
}

/** One output of the job, as files in the work folder and where they go in S3. */
export interface PlannedOutput {
  readonly group: number;
  readonly output: number;
  /** `captions`: a sidecar file the captions pass writes (see `jobs.ts`), not this command. */
  readonly kind: 'file' | 'frames' | 'hls' | 'captions';
  /** The work folder the output's files are written to (one per output group). */
  readonly folder: string;
  /** The S3 folder (bucket and key prefix) they are uploaded to. */
  readonly destination: S3Location;
  /** The file (`file`), the variant playlist (`hls`) or the file name before the counter (`frames`). */
  readonly name: string;
  readonly plan: OutputPlan;
}

export interface TranscodeCommand {
  readonly args: string[];
  readonly outputs: readonly PlannedOutput[];
  /** HLS groups' master playlists, written once the variants exist. */
  readonly masters: readonly { readonly group: number; readonly folder: string; readonly name: string }[];
}

/** Why a job cannot run on this input: MediaConvert's error code and message. */
export class JobFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One ffmpeg command for the whole job: the input is decoded once and every output of every group is encoded from
 * it, each with its own maps, filters and muxer. Files are named as MediaConvert names them:
 * `<base><nameModifier>.<extension>`, frame captures `<base><nameModifier>.0000000.jpg` and on, HLS variants
 * `<base><nameModifier>.m3u8` with segments `<base><nameModifier>_00001.ts` and on, and a master `<base>.m3u8`.
 * Sidecar captions (`<base><nameModifier>.vtt` or `.srt`) are decoded in a pass of their own.
 */
export function transcodeCommand(plan: JobPlan, inputFile: string, media: InputMedia, work: string): TranscodeCommand {
  const args = ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-progress', 'pipe:1', '-nostats', '-i', inputFile];
  const outputs: PlannedOutput[] = [];
  const masters: TranscodeCommand['masters'][number][] = [];
  plan.groups.forEach((group, groupIndex) => {
    const folder = path.join(work, `group-${groupIndex + 1}`);
    const { folder: keyFolder, base } = outputBase(group.destination, plan.input);
    const destination = { bucket: group.destination.bucket, key: keyFolder };
    if (group.type === 'HLS_GROUP') masters.push({ group: groupIndex, folder, name: `${base}.m3u8` });
    group.outputs.forEach((output, outputIndex) => {
      const stem = `${base}${output.nameModifier}`;
      const planned = (kind: PlannedOutput['kind'], name: string): PlannedOutput => ({
        group: groupIndex,
        output: outputIndex,
        kind,
        folder,
        destination,
        name,
        plan: output,
      });
      if (output.captions) {
        outputs.push(planned('captions', `${stem}.${output.extension}`));
        return;
      }
      if (output.frameCapture) {
        if (!media.video) throw new JobFailure(1030, 'Frame capture outputs need an input with video');
        args.push('-map', '0:v:0', '-an', ...frameCaptureArgs(output.frameCapture, media));
        args.push('-start_number', '0', '-f', 'image2', path.join(folder, `${stem}.%07d.${output.extension}`));
        outputs.push(planned('frames', stem));
        return;
      }
      const video = output.video && media.video ? output.video : undefined;
      if (output.video && !media.video) throw new JobFailure(1030, 'The input has no video for a video output');
      const audio = output.audio && audioAvailable(output.audio, media) ? output.audio : undefined;
      if (output.audio && !audio && !video) {
        throw new JobFailure(1040, `The input has no audio track ${output.audio.track} for an audio-only output`);
      }
      if (video) args.push('-map', '0:v:0', ...videoArgs(video, media));
      else args.push('-vn');
      if (audio) {
        args.push('-map', `0:a:${audio.track - 1}`);
        args.push(...(canCopyAudio(audio, media, output) ? ['-c:a', 'copy'] : audioArgs(audio)));
      } else args.push('-an');
      args.push('-sn', '-dn', '-map_metadata', '-1');
      if (group.type === 'HLS_GROUP') {
        const name = `${stem}.${output.extension}`;
        const length = group.segmentLength;
        args.push('-force_key_frames', `expr:gte(t,n_forced*${length})`);
        args.push('-f', 'hls', '-hls_time', String(length), '-hls_playlist_type', 'vod', '-hls_list_size', '0');
        args.push('-start_number', '1', '-hls_segment_filename', path.join(folder, `${stem}_%05d.ts`));
        args.push(path.join(folder, name));
        outputs.push(planned('hls', name));
        return;
      }
      const name = `${stem}.${output.extension}`;
      args.push(...containerArgs(output, audio), path.join(folder, name));
      outputs.push(planned('file', name));
    });
  });
  return { args, outputs, masters };
}

/**
 * An input track already in the output's codec, sample rate and channel layout, at or under its bitrate, is copied
 * into an MP4 or MOV rather than decoded and encoded again: the result is what the encoder would make, only without
 * the encoder's time (an AAC encode is most of a long, small video's job).
 */
export function canCopyAudio(audio: AudioPlan, media: InputMedia, output: OutputPlan): boolean {
  const input = media.audio?.[audio.track - 1];
  if (!input || (output.container !== 'MP4' && output.container !== 'MOV')) return false;
  const codec = { AAC: 'aac', MP3: 'mp3', WAV: undefined }[audio.codec];
  return (
    input.codec === codec &&
    input.sampleRate === audio.sampleRate &&
    input.channels === audio.channels &&
    input.bitrate !== undefined &&
    audio.bitrate !== undefined &&
    input.bitrate <= audio.bitrate
  );
}

function audioAvailable(audio: AudioPlan, media: InputMedia): boolean {
  return audio.track <= media.audioTracks;
}

/**
 * MediaConvert's scaling behaviours as ffmpeg filters. `DEFAULT` and `FIT` keep the picture's proportions inside
 * the output frame and fill the rest black (letterbox or pillarbox), `FIT_NO_UPSCALE` does so without enlarging,
 * `FILL` covers the frame and crops, `STRETCH_TO_OUTPUT` distorts. One side alone keeps the proportions.
 */
export function scaleFilter(
  width: number | undefined,
  height: number | undefined,
  scaling: VideoPlan['scaling'],
): string {
  const even = 'scale=trunc(iw/2)*2:trunc(ih/2)*2';
  if (width === undefined && height === undefined) return `${even},setsar=1`;
  if (width === undefined) return `scale=-2:${height},setsar=1`;
  if (height === undefined) return `scale=${width}:-2,setsar=1`;
  switch (scaling) {
    case 'STRETCH_TO_OUTPUT':
      return `scale=${width}:${height},setsar=1`;
    case 'FILL':
      return `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1`;
    case 'FIT_NO_UPSCALE':
      return (
        `scale='min(${width},iw)':'min(${height},ih)':force_original_aspect_ratio=decrease,` +
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1`
      );
    default:
      return (
        `scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1`
      );
  }
}

/**
 * Frame captures: the first frame, then the first frame at or after each further period (`denominator /
 * numerator` seconds), at most `maxCaptures`; JPEG quality 1–100 onto ffmpeg's scale of 31 (worst) to 2 (best).
 */
function frameCaptureArgs(capture: FrameCapturePlan, media: InputMedia): string[] {
  const [numerator, denominator] = capture.framerate;
  const period = denominator / numerator;
  // Half a source frame of slack, so a capture lands on the frame at the period rather than the one after it.
  const slack = media.video ? 0.5 / media.video.fps : 0;
  const select = `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${(period - slack).toFixed(6)})'`;
  const quality = Math.round(31 - ((capture.quality - 1) / 99) * 29);
  return [
    ...['-vf', `${select},${scaleFilter(capture.width, capture.height, capture.scaling)}`],
    ...['-vsync', 'vfr', '-q:v', String(quality), '-pix_fmt', 'yuvj420p'],
    ...(capture.maxCaptures !== undefined ? ['-frames:v', String(capture.maxCaptures)] : []),
  ];
}

function videoArgs(video: VideoPlan, media: InputMedia): string[] {
  const args = ['-vf', scaleFilter(video.width, video.height, video.scaling), '-pix_fmt', 'yuv420p'];
  args.push(...(video.codec === 'H_264' ? ['-c:v', 'libx264'] : ['-c:v', 'libx265', '-tag:v', 'hvc1']));
  args.push('-preset', 'veryfast');
  if (video.profile && video.codec === 'H_264') args.push('-profile:v', video.profile.toLowerCase());
  const kbps = (bits: number) => `${Math.round(bits / 1000)}k`;
  if (video.rateControl === 'QVBR') {
    // QVBR's quality levels 1 (smallest) to 10 (best) onto CRF 37 to 19; 7 is MediaConvert's default.
    args.push('-crf', String(39 - 2 * (video.qvbrQualityLevel ?? 7)));
    if (video.maxBitrate) args.push('-maxrate', kbps(video.maxBitrate), '-bufsize', kbps(video.maxBitrate * 2));
  } else {
    const bitrate = video.bitrate!;
    const max = video.rateControl === 'CBR' ? bitrate : (video.maxBitrate ?? bitrate);
    args.push('-b:v', kbps(bitrate), '-maxrate', kbps(max), '-bufsize', kbps(max * 2));
  }
  const fps = video.framerate ? video.framerate[0] / video.framerate[1] : (media.video?.fps ?? 30);
  if (video.framerate) args.push('-r', `${video.framerate[0]}/${video.framerate[1]}`);
  if (video.gop) {
    const frames = video.gop.units === 'SECONDS' ? Math.round(video.gop.size * fps) : video.gop.size;
    args.push('-g', String(Math.max(1, frames)));
  }
  if (video.bFrames !== undefined) args.push('-bf', String(video.bFrames));
  if (video.referenceFrames !== undefined) args.push('-refs', String(video.referenceFrames));
  if (!video.sceneChangeDetect) args.push('-sc_threshold', '0');
  return args;
}

function audioArgs(audio: AudioPlan): string[] {
  const common = ['-ar', String(audio.sampleRate), '-ac', String(audio.channels)];
  switch (audio.codec) {
    case 'AAC':
      return ['-c:a', 'aac', '-b:a', `${Math.round(audio.bitrate! / 1000)}k`, ...common];
    case 'MP3':
      return ['-c:a', 'libmp3lame', '-b:a', `${Math.round(audio.bitrate! / 1000)}k`, ...common];
    case 'WAV':
      return ['-c:a', 'pcm_s16le', ...common];
  }
}

function containerArgs(output: OutputPlan, audio: AudioPlan | undefined): string[] {
  switch (output.container) {
    case 'MP4':
      return ['-f', 'mp4', ...(output.moovFirst ? ['-movflags', '+faststart'] : [])];
    case 'MOV':
      return ['-f', 'mov', ...(output.moovFirst ? ['-movflags', '+faststart'] : [])];
    default:
      return ['-f', audio?.codec === 'MP3' ? 'mp3' : 'adts'];
  }
}

/** The HLS master playlist: one variant per output, with its bandwidth and, for video, its resolution. */
export function masterPlaylist(
  variants: readonly {
    readonly uri: string;
    readonly bandwidth: number;
    readonly width?: number;
    readonly height?: number;
  }[],
): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const variant of variants) {
    const resolution = variant.width && variant.height ? `,RESOLUTION=${variant.width}x${variant.height}` : '';
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${Math.max(1, Math.round(variant.bandwidth))}${resolution}`, variant.uri);
  }
  return `${lines.join('\n')}\n`;
}
