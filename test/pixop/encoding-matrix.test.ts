import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { concatList, joinArguments, probeArguments, segmentArguments } from '../../lambdas/pixop/domain/commands';
import { planEncoding, planSegments } from '../../lambdas/pixop/domain/encoding';
import { metadataFromProbe } from '../../lambdas/pixop/domain/metadata';
import { parseProcessRequest } from '../../lambdas/pixop/domain/process-request';
import type { VideoMetadata } from '../../lambdas/pixop/domain/records';
import { makeClip, probe, tools } from './support';

/**
 * Every container/codec pair of the seed's table, encoded the way the workers encode (segments, then a join
 * without re-encoding): ffprobe must find the codec, profile, pixel format, size and frame rate asked for, and every
 * frame of the range.
 */
describe('Pixop encodings', () => {
  let directory: string;
  let source: string;
  let metadata: VideoMetadata;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'pixop-matrix-'));
    source = makeClip(directory, 'source.mp4', { width: 176, height: 144, rate: 25, seconds: 0.8 });
    metadata = metadataFromProbe(JSON.parse(execFileSync(tools.ffprobe, probeArguments(source)).toString('utf8')), 0);
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it.each([
    ['mov', 'h264', {}, { codec_name: 'h264', profile: 'High', pix_fmt: 'yuv420p' }],
    ['mov', 'prores', { appleProresProfile: 'hq' }, { codec_name: 'prores', pix_fmt: 'yuv422p10le' }],
    ['mov', 'prores', { appleProresProfile: '4444' }, { codec_name: 'prores', pix_fmt: 'yuv444p10le' }],
    [
      'mov',
      'dnxhd',
      { dnxhdHrProfile: 'dnxhr_sq', resolution: { width: 256, height: 144 } },
      { codec_name: 'dnxhd', profile: 'DNXHR SQ', pix_fmt: 'yuv422p' },
    ],
    [
      'mov',
      'hevc',
      { chromaSubsampling: { yuv: '4:2:2', bits: 10 } },
      { codec_name: 'hevc', profile: 'Rext', pix_fmt: 'yuv422p10le' },
    ],
    ['mov', 'mpeg2', {}, { codec_name: 'mpeg2video', profile: 'Main', pix_fmt: 'yuv420p' }],
    ['mov', 'ffv1', { chromaSubsampling: { yuv: '4:1:1', bits: 8 } }, { codec_name: 'ffv1', pix_fmt: 'yuv411p' }],
    ['mxf', 'h264', {}, { codec_name: 'h264', pix_fmt: 'yuv420p' }],
    [
      'mxf',
      'xdcam',
      { resolution: { width: 1280, height: 720 } },
      { codec_name: 'mpeg2video', profile: '4:2:2', pix_fmt: 'yuv422p', width: 1280, height: 720 },
    ],
    [
      'mxf',
      'mpeg2',
      { chromaSubsampling: { yuv: '4:2:2' } },
      { codec_name: 'mpeg2video', profile: '4:2:2', pix_fmt: 'yuv422p' },
    ],
    [
      'mxf',
      'dnxhd',
      { dnxhdHrProfile: 'dnxhd_sq', resolution: { width: 1280, height: 720 } },
      { codec_name: 'dnxhd', profile: 'DNXHD', width: 1280, height: 720 },
    ],
    [
      'mp4',
      'h264',
      { chromaSubsampling: { yuv: '4:4:4', bits: 10 } },
      { codec_name: 'h264', profile: 'High 4:4:4 Predictive', pix_fmt: 'yuv444p10le' },
    ],
    ['mp4', 'hevc', {}, { codec_name: 'hevc', profile: 'Main', pix_fmt: 'yuv420p' }],
    ['mts', 'h264', { scanning: { tag: 'interlaced_tff' } }, { codec_name: 'h264', field_order: 'tt' }],
    ['mts', 'hevc', { frameRate: { tag: 'video_hd' } }, { codec_name: 'hevc', avg_frame_rate: '30/1' }],
    ['mts', 'mpeg2', { resolution: { tag: '2x' } }, { codec_name: 'mpeg2video', width: 352, height: 288 }],
  ])('%s with %s %j', (container, codec, extra, expected) => {
    const plan = planEncoding(parseProcessRequest({ mediaContainerCodec: { container, codec }, ...extra }), {
      metadata,
      fileName: 'source.mp4',
    });
    const segments = planSegments(plan, 0.4);
    const files = segments.map((segment) => {
      const file = path.join(directory, `${container}-${codec}-${segment.index}.mkv`);
      execFileSync(tools.ffmpeg, segmentArguments(plan, segment, source, file, 2), { stdio: 'ignore' });
      return file;
    });
    const list = path.join(directory, 'list.txt');
    writeFileSync(list, concatList(files));
    const output = path.join(directory, `out-${container}-${codec}.${plan.extension}`);
    execFileSync(tools.ffmpeg, joinArguments(plan, list, source, output), { stdio: 'ignore' });
    const facts = probe(output);
    const video = facts.streams.find((stream) => stream.codec_type === 'video');
    const frames = Math.round(plan.durationSeconds * plan.fps);

    expect(segments.length).toBeGreaterThan(1);
    expect(video).toMatchObject({
      width: plan.width,
      height: plan.height,
      avg_frame_rate: expect.any(String),
      ...expected,
    });
    expect(Number(video?.nb_read_frames)).toBe(frames);
    expect(facts.streams.some((stream) => stream.codec_type === 'audio')).toBe(true);
    expect(facts.format.format_name).toContain({ mov: 'mov', mp4: 'mp4', mxf: 'mxf', mts: 'mpegts' }[container]);
  });
});
