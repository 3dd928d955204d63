import { spawn } from 'node:child_process';
import { readSize, vintWidth } from '../../lambdas/shared/media/mkv';
import { mediaTools } from '../../lambdas/shared/media/tools';
import { MkvFrameReader } from '../../lambdas/kvs-consumer/media/mkv-frames';
import {
  PRODUCER_EBML_HEADER,
  PRODUCER_SEGMENT_START,
  ProducerFragmenter,
  producerInfo,
  producerTracks,
} from '../../lambdas/kvs-consumer/media/producer-mkv';

export interface ProducerSource {
  /** A media file, or `testsrc` for ffmpeg's test pattern with a tone. */
  readonly input: string;
  /** Seconds of media to send. @default the whole file; 60 for testsrc */
  readonly durationSeconds?: number;
  /** A key frame, and so a fragment, every this many seconds. @default 2 */
  readonly fragmentSeconds?: number;
  /** 1 sends at the media's own pace (a live camera); 0 as fast as possible; 4 four times faster. @default 1 */
  readonly speed?: number;
  /** Producer timestamp of the first frame, epoch ms. @default now */
  readonly startMs?: number;
  /** @default 320x240 at 25 fps for testsrc */
  readonly testsrc?: { readonly width: number; readonly height: number; readonly fps: number };
}

export interface ProducedFragment {
  readonly producerTimestampMs: number;
}

/** The npm build of ffmpeg the functions use; `FFMPEG_PATH` names another (a host whose CPU cannot run that one). */
function ffmpegPath(): string {
  return process.env.FFMPEG_PATH ?? mediaTools().ffmpeg;
}

/**
 * An MKV stream laid out as the Kinesis Video Producer SDK lays it out, made from a file or ffmpeg's test source:
 * ffmpeg encodes H.264 (and AAC) with a key frame every `fragmentSeconds`; the frames are re-laid as Producer SDK
 * fragments (one unknown-size Cluster per key frame, absolute millisecond timecodes, 8-byte block sizes) and released
 * at the pace `speed` asks for, as a camera would send them.
 */
export async function* producerStream(
  source: ProducerSource,
  onFragment?: (fragment: ProducedFragment) => void,
): AsyncGenerator<Buffer> {
  const fps = source.testsrc?.fps ?? 25;
  const fragmentSeconds = source.fragmentSeconds ?? 2;
  const speed = source.speed ?? 1;
  const startMs = source.startMs ?? Date.now();
  const isTestsrc = source.input === 'testsrc';
  const duration = source.durationSeconds ?? (isTestsrc ? 60 : undefined);
  const size = `${source.testsrc?.width ?? 320}x${source.testsrc?.height ?? 240}`;
  const inputArgs = isTestsrc
    ? [
        '-f',
        'lavfi',
        '-i',
        `testsrc=size=${size}:rate=${fps}`,
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:sample_rate=16000',
      ]
    : ['-i', source.input];
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    ...inputArgs,
    ...(duration !== undefined ? ['-t', String(duration)] : []),
    '-map',
    '0:v:0',
    '-map',
    isTestsrc ? '1:a:0' : '0:a:0?',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-force_key_frames',
    `expr:gte(t,n_forced*${fragmentSeconds})`,
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-f',
    'matroska',
    'pipe:1',
  ];
  const ffmpeg = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve) => ffmpeg.on('close', (code) => resolve(code)));

  const reader = new MkvFrameReader();
  let fragmenter: ProducerFragmenter | undefined;
  let scale = 1_000_000;
  let firstTimecode: number | undefined;
  const wallStart = Date.now();
  try {
    for await (const chunk of ffmpeg.stdout as AsyncIterable<Buffer>) {
      for (const event of reader.push(chunk)) {
        if (event.type === 'header') {
          scale = event.timecodeScale;
          const video = event.trackInfo.find((track) => track.type === 1) ?? event.trackInfo[0];
          if (!video) throw new Error('ffmpeg produced no tracks');
          fragmenter = new ProducerFragmenter(video.number);
          yield Buffer.concat([
            PRODUCER_EBML_HEADER,
            PRODUCER_SEGMENT_START,
            producerInfo(),
            producerTracks([elementPayload(event.tracks)]),
          ]);
        } else if (event.type === 'frame' && fragmenter) {
          firstTimecode ??= event.frame.timecode;
          const mediaMs = Math.round(((event.frame.timecode - firstTimecode) * scale) / 1e6);
          const { bytes, startsFragment } = fragmenter.frame(event.frame, startMs + mediaMs);
          if (startsFragment) {
            if (speed > 0) {
              const due = wallStart + mediaMs / speed;
              if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
            }
            onFragment?.({ producerTimestampMs: startMs + mediaMs });
          }
          yield Buffer.concat(bytes);
        }
      }
    }
  } finally {
    if (ffmpeg.exitCode === null) ffmpeg.kill('SIGKILL');
  }
  const code = await exited;
  if (code !== 0 && code !== null) throw new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`);
}

/** The children of an element (its bytes after the ID and size). */
function elementPayload(bytes: Buffer): Buffer {
  const idWidth = vintWidth(bytes[0] ?? 0);
  const sizeWidth = vintWidth(bytes[idWidth] ?? 0);
  const size = readSize(bytes, idWidth, sizeWidth);
  const start = idWidth + sizeWidth;
  return bytes.subarray(start, size < 0 ? bytes.length : start + size);
}
