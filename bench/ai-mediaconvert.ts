import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateJobCommand, type JobSettings } from '@aws-sdk/client-mediaconvert';
import { planJob } from '../lib/local/mediaconvert/settings';
import { transcodeCommand } from '../lib/local/mediaconvert/transcode';
import { FFMPEG, startMediaConvert, testClip, waitForJob } from '../test/local/mediaconvert/support';
import type { BenchRow } from './table';

const SECONDS = 30;

const row = (kase: string, metric: string, value: string, reference?: string): BenchRow => ({
  benchmark: 'ai mediaconvert',
  case: kase,
  metric,
  value,
  ...(reference ? { reference } : {}),
});

/** The Media Insights Thumbnail operator's outputs: two frame captures, the audio track, a 1.6 Mb/s H.264 proxy. */
function thumbnailSettings(input: string): JobSettings {
  const aac = (bitrate: number) => ({
    AudioSourceName: 'Audio Selector 1',
    CodecSettings: {
      Codec: 'AAC' as const,
      AacSettings: { Bitrate: bitrate, CodingMode: 'CODING_MODE_2_0' as const, SampleRate: 48000 },
    },
  });
  const group = (destination: string, outputs: NonNullable<JobSettings['OutputGroups']>[number]['Outputs']) => ({
    OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS' as const, FileGroupSettings: { Destination: destination } },
    Outputs: outputs,
  });
  return {
    Inputs: [{ FileInput: input, AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT' } } }],
    OutputGroups: [
      group('s3://media/bench/', [
        {
          NameModifier: '_thumbnail',
          ContainerSettings: { Container: 'RAW' },
          VideoDescription: {
            CodecSettings: {
              Codec: 'FRAME_CAPTURE',
              FrameCaptureSettings: { FramerateNumerator: 1, FramerateDenominator: 7, MaxCaptures: 2, Quality: 80 },
            },
          },
        },
      ]),
      group('s3://media/bench/', [{ NameModifier: '_audio', AudioDescriptions: [aac(96000)] }]),
      group('s3://media/bench/', [
        {
          NameModifier: '_proxy',
          VideoDescription: {
            CodecSettings: {
              Codec: 'H_264',
              H264Settings: {
                Bitrate: 1_600_000,
                RateControlMode: 'CBR',
                CodecProfile: 'MAIN',
                FramerateControl: 'SPECIFIED',
                FramerateNumerator: 30,
                FramerateDenominator: 1,
                GopSize: 90,
                NumberBFramesBetweenReferenceFrames: 2,
                NumberReferenceFrames: 3,
              },
            },
          },
          AudioDescriptions: [aac(64000)],
        },
      ]),
    ],
  };
}

/**
 * The settings as the SDK puts them on the wire (members in lower camel case, map keys as they are), so the same
 * planner the stand-in uses builds the plain ffmpeg command.
 */
function wireNames(value: unknown, isMap = false): unknown {
  if (Array.isArray(value)) return value.map((item) => wireNames(item));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [
      isMap ? key : key.charAt(0).toLowerCase() + key.slice(1),
      wireNames(member, !isMap && MAP_MEMBERS.has(key)),
    ]),
  );
}

const MAP_MEMBERS = new Set(['AudioSelectors', 'AudioSelectorGroups', 'CaptionSelectors']);

function runFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
  });
}

/**
 * MediaConvert's local stand-in against plain ffmpeg doing the same encode: a 30 s 720p clip through the Thumbnail
 * operator's job, end to end (S3 download, probe, one ffmpeg pass, uploads), in times real time.
 */
export async function mediaConvertBenchmark(): Promise<BenchRow[]> {
  const mc = await startMediaConvert();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mediaconvert-'));
  try {
    const clip = await testClip(SECONDS, 1280, 720);
    await mc.put('bench/clip.mp4', clip);
    const settings = thumbnailSettings('s3://media/bench/clip.mp4');

    const input = path.join(folder, 'clip.mp4');
    fs.writeFileSync(input, clip);
    const command = transcodeCommand(
      planJob(wireNames(settings)),
      input,
      { durationMs: SECONDS * 1000, audioTracks: 1, video: { width: 1280, height: 720, fps: 30 } },
      path.join(folder, 'out'),
    );
    for (const output of command.outputs) fs.mkdirSync(output.folder, { recursive: true });

    // Two rounds, alternating, best of each: the machine is shared, and a neighbour's burst should not decide.
    let standIn = Infinity;
    let plain = Infinity;
    for (let round = 0; round < 2; round += 1) {
      const started = performance.now();
      const { Job } = await mc.client.send(
        new CreateJobCommand({ Role: 'arn:aws:iam::000000000000:role/MediaConvert', Settings: settings }),
      );
      const job = await waitForJob(mc.client, Job!.Id!);
      if (job.Status !== 'COMPLETE') throw new Error(`bench job ended ${job.Status}: ${job.ErrorMessage}`);
      standIn = Math.min(standIn, (performance.now() - started) / 1000);
      const plainStarted = performance.now();
      await runFfmpeg(command.args);
      plain = Math.min(plain, (performance.now() - plainStarted) / 1000);
    }

    const kase = `Thumbnail operator job, ${SECONDS} s 720p H.264/AAC`;
    return [
      row(kase, 'seconds', standIn.toFixed(2), `plain ffmpeg, same outputs: ${plain.toFixed(2)} s`),
      row(kase, '× real time', (SECONDS / standIn).toFixed(2), `plain ffmpeg: ${(SECONDS / plain).toFixed(2)}×`),
    ];
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    await mc.stop();
  }
}
