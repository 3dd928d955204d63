import type { JobSettings } from '@aws-sdk/client-mediaconvert';
import { MediaConvertTranscoder } from '../../../lambdas/shared/ai/mediaconvert';
import { probe, startMediaConvert, testClip, type MediaConvertHarness } from '../../local/mediaconvert/support';

const ROLE = 'arn:aws:iam::000000000000:role/MediaConvertRole';

/** An H.264 proxy scaled to 320 wide, an audio extract and one frame capture a second, as a backend asks for them. */
function proxyJob(key: string): JobSettings {
  const aac = {
    AudioSourceName: 'Audio Selector 1',
    CodecSettings: {
      Codec: 'AAC' as const,
      AacSettings: { Bitrate: 96000, CodingMode: 'CODING_MODE_2_0' as const, SampleRate: 48000 },
    },
  };
  return {
    Inputs: [
      { FileInput: `s3://media/${key}`, AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT' } } },
    ],
    OutputGroups: [
      {
        OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: 's3://media/proxies/' } },
        Outputs: [
          {
            NameModifier: '_proxy',
            ContainerSettings: { Container: 'MP4' },
            VideoDescription: {
              Width: 320,
              CodecSettings: { Codec: 'H_264', H264Settings: { RateControlMode: 'QVBR', MaxBitrate: 500000 } },
            },
            AudioDescriptions: [aac],
          },
          {
            NameModifier: '_audio',
            Extension: 'm4a',
            ContainerSettings: { Container: 'MP4' },
            AudioDescriptions: [aac],
          },
        ],
      },
      {
        OutputGroupSettings: {
          Type: 'FILE_GROUP_SETTINGS',
          FileGroupSettings: { Destination: 's3://media/frames/frame' },
        },
        Outputs: [
          {
            ContainerSettings: { Container: 'RAW' },
            VideoDescription: {
              CodecSettings: {
                Codec: 'FRAME_CAPTURE',
                FrameCaptureSettings: { FramerateNumerator: 1, FramerateDenominator: 1 },
              },
            },
          },
        ],
      },
    ],
  };
}

describe('MediaConvert adapter (through the local stand-in)', () => {
  let mc: MediaConvertHarness;
  let transcoder: MediaConvertTranscoder;

  beforeAll(async () => {
    mc = await startMediaConvert();
    await mc.put('in/talk.mp4', await testClip(4));
    transcoder = new MediaConvertTranscoder(mc.client);
  });

  afterAll(() => mc.stop());

  it('submits a job and follows it to COMPLETE, naming every output as MediaConvert wrote it', async () => {
    // Act
    const submitted = await transcoder.submit({
      role: ROLE,
      settings: proxyJob('in/talk.mp4'),
      userMetadata: { asset: 'a1' },
    });
    const done = await transcoder.waitForJob(submitted.id, { pollMs: 100, maxPollMs: 500 });

    // Assess
    expect(submitted).toMatchObject({
      status: 'SUBMITTED',
      input: { bucket: 'media', key: 'in/talk.mp4' },
      outputs: [],
    });
    expect(done.status).toBe('COMPLETE');
    expect(done.progressPercent).toBe(100);
    expect(done.finishedAt).toBeGreaterThanOrEqual(done.createdAt);
    expect(done.outputs.map((output) => [output.location.key, output.contentType])).toEqual([
      ['proxies/talk_proxy.mp4', 'video/mp4'],
      ['proxies/talk_audio.m4a', 'audio/mp4'],
      ['frames/frame.0000000.jpg', 'image/jpeg'],
    ]);
    expect(done.outputs[0]).toMatchObject({ width: 320, height: 180 });
    expect(Math.abs(done.outputs[0]!.durationMs! - 4000)).toBeLessThan(200);
    for (const output of done.outputs) expect(await mc.exists(output.location.key)).toBe(true);
    const proxy = await probe(await mc.download('proxies/talk_proxy.mp4'));
    expect(proxy.streams.find((stream) => stream.codec_type === 'video')).toMatchObject({
      codec_name: 'h264',
      width: 320,
    });
    expect((await transcoder.list('COMPLETE')).map((job) => job.id)).toContain(submitted.id);
  });

  it('names an HLS group by its master playlist, then each rendition playlist, as the stand-in wrote them', async () => {
    // Prepare: two renditions to a destination that ends in a name
    const rendition = (height: number, modifier: string) => ({
      NameModifier: modifier,
      ContainerSettings: { Container: 'M3U8' as const },
      VideoDescription: {
        Height: height,
        CodecSettings: {
          Codec: 'H_264' as const,
          H264Settings: { RateControlMode: 'QVBR' as const, MaxBitrate: 400_000 },
        },
      },
    });
    const settings: JobSettings = {
      Inputs: [{ FileInput: 's3://media/in/talk.mp4' }],
      OutputGroups: [
        {
          OutputGroupSettings: {
            Type: 'HLS_GROUP_SETTINGS',
            HlsGroupSettings: { Destination: 's3://media/streams/talk-hls', SegmentLength: 2, MinSegmentLength: 0 },
          },
          Outputs: [rendition(180, '_180p'), rendition(90, '_90p')],
        },
      ],
    };

    // Act
    const submitted = await transcoder.submit({ role: ROLE, settings });
    const done = await transcoder.waitForJob(submitted.id, { pollMs: 100, maxPollMs: 500 });

    // Assess
    expect(done.status).toBe('COMPLETE');
    expect(done.outputs.map((output) => [output.location.key, output.contentType])).toEqual([
      ['streams/talk-hls.m3u8', 'application/x-mpegURL'],
      ['streams/talk-hls_180p.m3u8', 'application/x-mpegURL'],
      ['streams/talk-hls_90p.m3u8', 'application/x-mpegURL'],
    ]);
    expect(done.outputs[1]).toMatchObject({ width: 320, height: 180 });
    for (const output of done.outputs) expect(await mc.exists(output.location.key)).toBe(true);
    expect(await mc.exists('streams/talk-hls_90p_00002.ts')).toBe(true);
  });

  it('reports an input that cannot be opened as ERROR with the code and message', async () => {
    const submitted = await transcoder.submit({ role: ROLE, settings: proxyJob('in/missing.mp4') });

    const done = await transcoder.waitForJob(submitted.id, { pollMs: 100 });

    expect(done.status).toBe('ERROR');
    expect(done.errorMessage).toMatch(/^1010: Unable to open input file \[s3:\/\/media\/in\/missing\.mp4\]/);
    expect(done.outputs).toEqual([]);
  });

  it('cancels a job', async () => {
    const first = await transcoder.submit({ role: ROLE, settings: proxyJob('in/talk.mp4') });
    const second = await transcoder.submit({ role: ROLE, settings: proxyJob('in/talk.mp4') });

    await transcoder.cancel(second.id);

    expect((await transcoder.waitForJob(second.id, { pollMs: 100 })).status).toBe('CANCELED');
    expect((await transcoder.waitForJob(first.id, { pollMs: 100 })).status).toBe('COMPLETE');
  });
});
