import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  CancelJobCommand,
  CreateJobCommand,
  DescribeEndpointsCommand,
  GetJobCommand,
  ListJobsCommand,
  MediaConvertClient,
  type JobSettings,
  type OutputGroup,
} from '@aws-sdk/client-mediaconvert';
import { parseSubtitles } from '../../../lambdas/media2cloud/pipeline/media/subtitles';
import { CAPTION_LINES, makeCea608Video } from '../../support/cea608';
import { TEST_CREDENTIALS } from '../../support/modules';
import { FFMPEG, probe, startMediaConvert, testClip, waitForJob, type MediaConvertHarness } from './support';

const ROLE = 'arn:aws:iam::000000000000:role/MediaConvertRole';
const BUCKET = 'media';

let mc: MediaConvertHarness;
let clip: Buffer;

beforeAll(async () => {
  mc = await startMediaConvert();
  clip = await testClip(10);
  await mc.put('uploads/clip.mp4', clip);
  await mc.put('uploads/short.mp4', await testClip(3));
  await mc.put('uploads/mute.mp4', await testClip(4, 320, 240, true));
  await mc.put('uploads/notes.txt', 'not a video at all');
  const media = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaconvert-cc-'));
  await mc.put('uploads/captioned.mp4', fs.readFileSync(await makeCea608Video(media)));
  fs.rmSync(media, { recursive: true, force: true });
});

afterAll(async () => {
  await mc.stop();
});

/** `video` played `times` over, stream-copied: a long input that costs next to no CPU to make (nothing is encoded). */
async function looped(video: Buffer, times: number): Promise<Buffer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaconvert-loop-'));
  try {
    fs.writeFileSync(path.join(folder, 'in.mp4'), video);
    const [input, output] = [path.join(folder, 'in.mp4'), path.join(folder, 'out.mp4')];
    await promisify(execFile)(FFMPEG, [
      '-v',
      'error',
      '-stream_loop',
      String(times - 1),
      '-i',
      input,
      '-c',
      'copy',
      output,
    ]);
    return fs.readFileSync(output);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

const input = (key: string): JobSettings['Inputs'] => [
  {
    FileInput: `s3://${BUCKET}/${key}`,
    AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT', Offset: 0, ProgramSelection: 1 } },
    VideoSelector: { ColorSpace: 'FOLLOW' },
  },
];

const aac = (bitrate: number) => ({
  AudioSourceName: 'Audio Selector 1',
  CodecSettings: {
    Codec: 'AAC' as const,
    AacSettings: {
      Bitrate: bitrate,
      CodingMode: 'CODING_MODE_2_0' as const,
      SampleRate: 48000,
      CodecProfile: 'LC' as const,
    },
  },
});

/** A small H.264 output: sidecar captions need a video output in their group. */
const smallVideo = {
  VideoDescription: {
    Width: 160,
    Height: 90,
    CodecSettings: {
      Codec: 'H_264' as const,
      H264Settings: { RateControlMode: 'QVBR' as const, MaxBitrate: 200000 },
    },
  },
  ContainerSettings: { Container: 'MP4' as const },
};

/** A sidecar captions output of the embedded captions, as the MediaConvert console sets one up. */
const sidecar = (type: 'WEBVTT' | 'SRT', nameModifier?: string) => ({
  ContainerSettings: { Container: 'RAW' as const },
  CaptionDescriptions: [
    {
      CaptionSelectorName: 'Captions Selector 1',
      LanguageCode: 'ENG' as const,
      DestinationSettings:
        type === 'WEBVTT'
          ? { DestinationType: type, WebvttDestinationSettings: { StylePassthrough: 'DISABLED' as const } }
          : { DestinationType: type, SrtDestinationSettings: { StylePassthrough: 'DISABLED' as const } },
    },
  ],
  ...(nameModifier ? { NameModifier: nameModifier } : {}),
});

const embeddedCaptions = {
  'Captions Selector 1': {
    SourceSettings: {
      SourceType: 'EMBEDDED' as const,
      EmbeddedSourceSettings: { Source608ChannelNumber: 1, Convert608To708: 'DISABLED' as const },
    },
  },
};

const fileGroup = (destination: string, outputs: OutputGroup['Outputs']): OutputGroup => ({
  Name: 'File Group',
  OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: destination } },
  Outputs: outputs,
});

/** The Media Insights Thumbnail operator's job: two frame captures, the audio track, and an H.264 proxy. */
function thumbnailJob(key: string, position = 7): JobSettings {
  const asset = `s3://${BUCKET}/private/assets/asset-1/`;
  return {
    Inputs: input(key),
    OutputGroups: [
      fileGroup(asset, [
        {
          ContainerSettings: { Container: 'RAW' },
          VideoDescription: {
            CodecSettings: {
              Codec: 'FRAME_CAPTURE',
              FrameCaptureSettings: {
                FramerateNumerator: 1,
                FramerateDenominator: position,
                MaxCaptures: 2,
                Quality: 80,
              },
            },
          },
          Extension: 'jpg',
          NameModifier: '_thumbnail',
        },
      ]),
      fileGroup(`${asset}workflows/wf-1/`, [
        {
          ContainerSettings: { Container: 'MP4', Mp4Settings: { MoovPlacement: 'PROGRESSIVE_DOWNLOAD' } },
          AudioDescriptions: [aac(96000)],
          Extension: 'mp4',
          NameModifier: '_audio',
        },
      ]),
      fileGroup(asset, [
        {
          VideoDescription: {
            CodecSettings: {
              Codec: 'H_264',
              H264Settings: {
                Bitrate: 1600000,
                RateControlMode: 'CBR',
                CodecProfile: 'MAIN',
                FramerateControl: 'SPECIFIED',
                FramerateNumerator: 30,
                FramerateDenominator: 1,
                GopSize: 90,
                GopSizeUnits: 'FRAMES',
                NumberBFramesBetweenReferenceFrames: 2,
                NumberReferenceFrames: 3,
                ParControl: 'SPECIFIED',
                ParNumerator: 1,
                ParDenominator: 1,
              },
            },
          },
          AudioDescriptions: [aac(64000)],
          ContainerSettings: { Container: 'MP4', Mp4Settings: { MoovPlacement: 'PROGRESSIVE_DOWNLOAD' } },
          Extension: 'mp4',
          NameModifier: '_proxy',
        },
      ]),
    ],
  };
}

describe('DescribeEndpoints', () => {
  it("answers this endpoint as the account's MediaConvert endpoint", async () => {
    const result = await mc.client.send(new DescribeEndpointsCommand({}));

    expect(result.Endpoints).toEqual([{ Url: mc.service.endpoint }]);
  });
});

describe('CreateJob and GetJob', () => {
  it("runs the Thumbnail operator's job: frame captures, audio extract and an H.264 proxy named as MediaConvert names them", async () => {
    // Act
    const created = await mc.client.send(
      new CreateJobCommand({
        Role: ROLE,
        Settings: thumbnailJob('uploads/clip.mp4'),
        UserMetadata: { asset: 'asset-1' },
      }),
    );
    const seen: { status?: string; phase?: string; percent?: number }[] = [];
    const job = await waitForJob(mc.client, created.Job!.Id!, seen);

    // Assess: the job
    expect(created.Job).toMatchObject({
      Status: 'SUBMITTED',
      Role: ROLE,
      Queue: 'arn:aws:mediaconvert:us-east-1:000000000000:queues/Default',
      UserMetadata: { asset: 'asset-1' },
    });
    expect(created.Job!.Id).toMatch(/^\d{13}-[a-z0-9]{6}$/);
    expect(created.Job!.Arn).toBe(`arn:aws:mediaconvert:us-east-1:000000000000:jobs/${created.Job!.Id}`);
    expect(job.Status).toBe('COMPLETE');
    expect(job.JobPercentComplete).toBe(100);
    expect(job.CurrentPhase).toBeUndefined();
    expect(job.Timing?.FinishTime?.getTime()).toBeGreaterThanOrEqual(job.Timing!.StartTime!.getTime());
    expect(job.Settings?.OutputGroups?.[2]?.Outputs?.[0]?.NameModifier).toBe('_proxy');
    expect(seen.some((poll) => poll.status === 'PROGRESSING' && poll.phase !== undefined)).toBe(true);
    expect(job.OutputGroupDetails?.[2]?.OutputDetails?.[0]).toMatchObject({
      VideoDetails: { WidthInPx: 640, HeightInPx: 360 },
    });
    expect(Math.abs(job.OutputGroupDetails![2]!.OutputDetails![0]!.DurationInMs! - 10_000)).toBeLessThan(200);

    // Assess: the files, read back with ffprobe
    const asset = 'private/assets/asset-1/';
    expect(await mc.exists(`${asset}clip_thumbnail.0000000.jpg`)).toBe(true);
    expect(await mc.exists(`${asset}clip_thumbnail.0000001.jpg`)).toBe(true);
    expect(await mc.exists(`${asset}clip_thumbnail.0000002.jpg`)).toBe(false);
    const proxy = await probe(await mc.download(`${asset}clip_proxy.mp4`));
    const video = proxy.streams.find((stream) => stream.codec_type === 'video')!;
    expect(video).toMatchObject({
      codec_name: 'h264',
      profile: 'Main',
      width: 640,
      height: 360,
      avg_frame_rate: '30/1',
    });
    expect(proxy.streams.find((stream) => stream.codec_type === 'audio')).toMatchObject({
      codec_name: 'aac',
      sample_rate: '48000',
      channels: 2,
    });
    expect(Number(proxy.format.duration)).toBeCloseTo(10, 0);
    const audio = await probe(await mc.download(`${asset}workflows/wf-1/clip_audio.mp4`));
    expect(audio.streams.map((stream) => stream.codec_type)).toEqual(['audio']);
    expect(audio.streams[0]).toMatchObject({ codec_name: 'aac', sample_rate: '48000', channels: 2 });
    const thumbnail = await probe(await mc.download(`${asset}clip_thumbnail.0000001.jpg`));
    expect(thumbnail.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 640, height: 360 });

    // Assess: the events on the bus
    const states = mc.events
      .filter((event) => (event.detail as { jobId: string }).jobId === created.Job!.Id)
      .map((event) => event.detail as Record<string, unknown>);
    expect(states.map((detail) => detail.status)).toEqual(['SUBMITTED', 'PROGRESSING', 'COMPLETE']);
    expect(states[2]).toMatchObject({
      accountId: '000000000000',
      queue: 'arn:aws:mediaconvert:us-east-1:000000000000:queues/Default',
      userMetadata: { asset: 'asset-1' },
      outputGroupDetails: [
        {
          type: 'FILE_GROUP',
          outputDetails: [{ outputFilePaths: [`s3://media/${asset}clip_thumbnail.0000001.jpg`] }],
        },
        {
          type: 'FILE_GROUP',
          outputDetails: [{ outputFilePaths: [`s3://media/${asset}workflows/wf-1/clip_audio.mp4`] }],
        },
        {
          type: 'FILE_GROUP',
          outputDetails: [
            {
              outputFilePaths: [`s3://media/${asset}clip_proxy.mp4`],
              videoDetails: { widthInPx: 640, heightInPx: 360 },
            },
          ],
        },
      ],
    });
  });

  it('captures only the first frame of a video shorter than the capture period', async () => {
    const created = await mc.client.send(
      new CreateJobCommand({ Role: ROLE, Settings: thumbnailJob('uploads/short.mp4') }),
    );

    const job = await waitForJob(mc.client, created.Job!.Id!);

    expect(job.Status).toBe('COMPLETE');
    expect(await mc.exists('private/assets/asset-1/short_thumbnail.0000000.jpg')).toBe(true);
    expect(await mc.exists('private/assets/asset-1/short_thumbnail.0000001.jpg')).toBe(false);
  });

  it('names outputs after a destination that ends in a name, scales frame captures and writes raw AAC and MP3', async () => {
    // Prepare: Media2Cloud's frame capture (one a second into frameCapture/frame…) and audio extracts
    const settings: JobSettings = {
      Inputs: input('uploads/clip.mp4'),
      OutputGroups: [
        fileGroup(`s3://${BUCKET}/out/frameCapture/frame`, [
          {
            ContainerSettings: { Container: 'RAW' },
            VideoDescription: {
              Width: 960,
              Height: 540,
              CodecSettings: {
                Codec: 'FRAME_CAPTURE',
                FrameCaptureSettings: { FramerateNumerator: 1, FramerateDenominator: 1, Quality: 90 },
              },
            },
          },
        ]),
        fileGroup(`s3://${BUCKET}/out/audio/`, [
          { ContainerSettings: { Container: 'RAW' }, AudioDescriptions: [aac(96000)] },
          {
            ContainerSettings: { Container: 'RAW' },
            AudioDescriptions: [
              {
                AudioSourceName: 'Audio Selector 1',
                CodecSettings: { Codec: 'MP3', Mp3Settings: { Bitrate: 128000, Channels: 1, SampleRate: 44100 } },
              },
            ],
          },
        ]),
      ],
    };

    // Act
    const created = await mc.client.send(new CreateJobCommand({ Role: ROLE, Settings: settings }));
    const job = await waitForJob(mc.client, created.Job!.Id!);

    // Assess
    expect(job.Status).toBe('COMPLETE');
    for (let index = 0; index < 10; index += 1) {
      expect(await mc.exists(`out/frameCapture/frame.${String(index).padStart(7, '0')}.jpg`)).toBe(true);
    }
    const frame = await probe(await mc.download('out/frameCapture/frame.0000009.jpg'));
    expect(frame.streams[0]).toMatchObject({ width: 960, height: 540 });
    const rawAac = await probe(await mc.download('out/audio/clip.aac'));
    expect(rawAac.streams[0]).toMatchObject({ codec_name: 'aac', sample_rate: '48000', channels: 2 });
    const mp3 = await probe(await mc.download('out/audio/clip.mp3'));
    expect(mp3.streams[0]).toMatchObject({ codec_name: 'mp3', sample_rate: '44100', channels: 1 });
  });

  it('writes the embedded CEA-608 captions as WebVTT and SRT sidecars next to the video, named as MediaConvert names them', async () => {
    // Prepare
    const settings: JobSettings = {
      Inputs: [{ ...input('uploads/captioned.mp4')![0], CaptionSelectors: embeddedCaptions }],
      OutputGroups: [
        fileGroup(`s3://${BUCKET}/cc/`, [smallVideo, sidecar('WEBVTT'), sidecar('SRT', '_cc1')]),
        fileGroup(`s3://${BUCKET}/cc-plain/`, [smallVideo, sidecar('WEBVTT')]),
      ],
    };
    const plain: JobSettings = {
      ...settings,
      Inputs: [{ ...input('uploads/short.mp4')![0], CaptionSelectors: embeddedCaptions }],
      OutputGroups: [fileGroup(`s3://${BUCKET}/cc-plain/`, [smallVideo, sidecar('WEBVTT')])],
    };

    // Act
    const [job, plainJob] = await Promise.all(
      [settings, plain].map(async (Settings) =>
        waitForJob(mc.client, (await mc.client.send(new CreateJobCommand({ Role: ROLE, Settings }))).Job!.Id!),
      ),
    );

    // Assess
    expect(job.Status).toBe('COMPLETE');
    const cues = CAPTION_LINES.map((line) => ({ begin: line.start * 1000, end: line.end * 1000, text: line.text }));
    const vtt = fs.readFileSync(await mc.download('cc/captioned.vtt'), 'utf8');
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(parseSubtitles(vtt)).toEqual(cues);
    const srt = fs.readFileSync(await mc.download('cc/captioned_cc1.srt'), 'utf8');
    expect(srt).toMatch(/^1\n00:00:01,000 --> 00:00:02,500\nWELCOME ABOARD THE FERRY\n/);
    expect(parseSubtitles(srt)).toEqual(cues);
    expect(job.OutputGroupDetails?.[0]?.OutputDetails).toHaveLength(3);
    expect(job.OutputGroupDetails?.[0]?.OutputDetails?.[1]).toEqual({ DurationInMs: 5000 });
    expect((await probe(await mc.download('cc/captioned.mp4'))).streams[0]).toMatchObject({ width: 160 });
    // A video without captions still gets its sidecar, without cues
    expect(plainJob.Status).toBe('COMPLETE');
    expect(fs.readFileSync(await mc.download('cc-plain/short.vtt'), 'utf8').trim()).toBe('WEBVTT');
  });

  it('writes an HLS group: a master playlist, one media playlist per output and numbered segments', async () => {
    // Prepare
    const rendition = (height: number, bitrate: number, modifier: string) => ({
      NameModifier: modifier,
      ContainerSettings: { Container: 'M3U8' as const },
      VideoDescription: {
        Height: height,
        CodecSettings: {
          Codec: 'H_264' as const,
          H264Settings: {
            RateControlMode: 'QVBR' as const,
            MaxBitrate: bitrate,
            QvbrSettings: { QvbrQualityLevel: 7 },
          },
        },
      },
      AudioDescriptions: [aac(64000)],
    });
    const settings: JobSettings = {
      Inputs: input('uploads/clip.mp4'),
      OutputGroups: [
        {
          Name: 'Apple HLS',
          OutputGroupSettings: {
            Type: 'HLS_GROUP_SETTINGS',
            HlsGroupSettings: { Destination: `s3://${BUCKET}/hls/`, SegmentLength: 4, MinSegmentLength: 0 },
          },
          Outputs: [rendition(360, 1_000_000, '_360p'), rendition(180, 400_000, '_180p')],
        },
      ],
    };

    // Act
    const created = await mc.client.send(new CreateJobCommand({ Role: ROLE, Settings: settings }));
    const job = await waitForJob(mc.client, created.Job!.Id!);

    // Assess
    expect(job.Status).toBe('COMPLETE');
    expect(await mc.exists('hls/clip_360p_00001.ts')).toBe(true);
    expect(await mc.exists('hls/clip_180p_00003.ts')).toBe(true);
    const master = fs.readFileSync(await mc.download('hls/clip.m3u8'), 'utf8');
    expect(master).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=1064000,RESOLUTION=640x360\nclip_360p\.m3u8/);
    expect(master).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=464000,RESOLUTION=320x180\nclip_180p\.m3u8/);
    const playlist = fs.readFileSync(await mc.download('hls/clip_180p.m3u8'), 'utf8');
    expect(playlist).toContain('clip_180p_00001.ts');
    expect(playlist).toContain('#EXT-X-ENDLIST');
    const segment = await probe(await mc.download('hls/clip_180p_00001.ts'));
    expect(segment.streams.find((stream) => stream.codec_type === 'video')).toMatchObject({
      codec_name: 'h264',
      width: 320,
      height: 180,
    });
    const event = mc.events.find(
      (e) =>
        (e.detail as { jobId: string; status: string }).jobId === job.Id &&
        (e.detail as { status: string }).status === 'COMPLETE',
    );
    expect(event?.detail).toMatchObject({
      outputGroupDetails: [{ type: 'HLS_GROUP', playlistFilePaths: [`s3://media/hls/clip.m3u8`] }],
    });
  });
});

describe('job errors', () => {
  it.each([
    [
      'an input that does not exist',
      'uploads/missing.mp4',
      /^Unable to open input file \[s3:\/\/media\/uploads\/missing\.mp4\]/,
    ],
    [
      'an input that is not media',
      'uploads/notes.txt',
      /^Unable to open input file \[s3:\/\/media\/uploads\/notes\.txt\]/,
    ],
  ])('ends a job with %s in ERROR 1010, on the bus too', async (_name, key, message) => {
    const created = await mc.client.send(new CreateJobCommand({ Role: ROLE, Settings: thumbnailJob(key) }));

    const job = await waitForJob(mc.client, created.Job!.Id!);

    expect(job).toMatchObject({ Status: 'ERROR', ErrorCode: 1010 });
    expect(job.ErrorMessage).toMatch(message);
    const last = mc.events.filter((event) => (event.detail as { jobId: string }).jobId === job.Id).pop();
    expect(last?.detail).toMatchObject({ status: 'ERROR', errorCode: 1010, errorMessage: job.ErrorMessage });
  });

  it('ends a job whose destination bucket does not exist in ERROR 1401', async () => {
    const settings: JobSettings = {
      Inputs: input('uploads/short.mp4'),
      OutputGroups: [fileGroup('s3://no-such-bucket/out/', [{ AudioDescriptions: [aac(96000)] }])],
    };

    const job = await waitForJob(
      mc.client,
      (await mc.client.send(new CreateJobCommand({ Role: ROLE, Settings: settings }))).Job!.Id!,
    );

    expect(job).toMatchObject({ Status: 'ERROR', ErrorCode: 1401 });
    expect(job.ErrorMessage).toMatch(/^Unable to write to output file \[s3:\/\/no-such-bucket\/out\/short\.mp4\]/);
  });

  it('fails an audio-only output of a video without audio, and drops the audio of a video output', async () => {
    const proxyOnly: JobSettings = {
      ...thumbnailJob('uploads/mute.mp4'),
      OutputGroups: [thumbnailJob('x').OutputGroups![2]!],
    };
    const audioOnly: JobSettings = {
      ...thumbnailJob('uploads/mute.mp4'),
      OutputGroups: [thumbnailJob('x').OutputGroups![1]!],
    };

    const proxy = await waitForJob(
      mc.client,
      (await mc.client.send(new CreateJobCommand({ Role: ROLE, Settings: proxyOnly }))).Job!.Id!,
    );
    const audio = await waitForJob(
      mc.client,
      (await mc.client.send(new CreateJobCommand({ Role: ROLE, Settings: audioOnly }))).Job!.Id!,
    );

    expect(proxy.Status).toBe('COMPLETE');
    const written = await probe(await mc.download('private/assets/asset-1/mute_proxy.mp4'));
    expect(written.streams.map((stream) => stream.codec_type)).toEqual(['video']);
    expect(audio).toMatchObject({ Status: 'ERROR', ErrorCode: 1040 });
  });

  it.each([
    ['no role', { Settings: {} }, /role/],
    ['no settings', { Role: ROLE }, /settings/],
    [
      'an input that is not an S3 URL',
      { Role: ROLE, Settings: { ...thumbnailJob('x'), Inputs: [{ FileInput: 'https://example.com/a.mp4' }] } },
      /fileInput/,
    ],
    [
      'an output group type the stand-in cannot run',
      {
        Role: ROLE,
        Settings: {
          Inputs: [{ FileInput: 's3://media/uploads/clip.mp4' }],
          OutputGroups: [{ OutputGroupSettings: { Type: 'DASH_ISO_GROUP_SETTINGS' }, Outputs: [{}] }],
        },
      },
      /DASH_ISO_GROUP_SETTINGS.*not supported/,
    ],
    [
      'two outputs of one group with the same name',
      {
        Role: ROLE,
        Settings: {
          Inputs: input('uploads/clip.mp4'),
          OutputGroups: [
            fileGroup('s3://media/out/', [{ AudioDescriptions: [aac(96000)] }, { AudioDescriptions: [aac(64000)] }]),
          ],
        },
      },
      /distinct name modifiers/,
    ],
    [
      'sidecar captions without a video output in their group',
      {
        Role: ROLE,
        Settings: {
          Inputs: [{ ...input('uploads/clip.mp4')![0], CaptionSelectors: embeddedCaptions }],
          OutputGroups: [fileGroup('s3://media/out/', [sidecar('WEBVTT'), { AudioDescriptions: [aac(96000)] }])],
        },
      },
      /sidecar captions outputs need a video output/,
    ],
    [
      'captions from a selector the input does not have',
      {
        Role: ROLE,
        Settings: {
          Inputs: input('uploads/clip.mp4'),
          OutputGroups: [fileGroup('s3://media/out/', [smallVideo, sidecar('WEBVTT')])],
        },
      },
      /names no captions selector/,
    ],
    [
      'embedded captions of CC3 (field 2)',
      {
        Role: ROLE,
        Settings: {
          Inputs: [
            {
              ...input('uploads/clip.mp4')![0],
              CaptionSelectors: {
                'Captions Selector 1': {
                  SourceSettings: { SourceType: 'EMBEDDED', EmbeddedSourceSettings: { Source608ChannelNumber: 3 } },
                },
              },
            },
          ],
          OutputGroups: [fileGroup('s3://media/out/', [smallVideo, sidecar('WEBVTT')])],
        },
      },
      /source608ChannelNumber 3 is not supported/,
    ],
  ])('refuses a job with %s (BadRequestException)', async (_name, request, message) => {
    await expect(mc.client.send(new CreateJobCommand(request as never))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringMatching(message),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('answers an unknown job with NotFoundException', async () => {
    await expect(mc.client.send(new GetJobCommand({ Id: '1700000000000-abcdef' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it.each([
    ['an unknown key', 'UnrecognizedClientException', { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }],
    ['a wrong secret', 'InvalidSignatureException', { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' }],
  ])('refuses a request signed with %s, as a REST service does: 403 %s', async (_case, name, credentials) => {
    const stranger = new MediaConvertClient({ endpoint: mc.service.endpoint, region: 'us-east-1', credentials });

    await expect(stranger.send(new DescribeEndpointsCommand({}))).rejects.toMatchObject({
      name,
      $metadata: { httpStatusCode: 403 },
    });
    await expect(stranger.send(new ListJobsCommand({}))).rejects.toMatchObject({ name });
    stranger.destroy();
  });
});

describe('job lifecycle', () => {
  it('cancels a running job and a submitted one behind it, and refuses to cancel a finished one', async () => {
    // Prepare: a long job (canceled early, so cheap) and a 10 s one take both places; a third waits behind them. The
    // 10 s job runs seconds, far longer than the few requests below need, and is the one that runs to the end.
    await mc.put('uploads/long.mp4', await looped(clip, 3));
    const long = await mc.client.send(new CreateJobCommand({ Role: ROLE, Settings: thumbnailJob('uploads/long.mp4') }));
    const other = await mc.client.send(
      new CreateJobCommand({ Role: ROLE, Settings: thumbnailJob('uploads/clip.mp4') }),
    );
    const queued = await mc.client.send(
      new CreateJobCommand({ Role: ROLE, Settings: thumbnailJob('uploads/short.mp4') }),
    );
    for (;;) {
      const { Job: job } = await mc.client.send(new GetJobCommand({ Id: long.Job!.Id }));
      if (job?.CurrentPhase === 'TRANSCODING') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await mc.client.send(new GetJobCommand({ Id: queued.Job!.Id }))).Job?.Status).toBe('SUBMITTED');

    // Act
    await mc.client.send(new CancelJobCommand({ Id: queued.Job!.Id }));
    await mc.client.send(new CancelJobCommand({ Id: long.Job!.Id }));

    // Assess
    expect((await waitForJob(mc.client, long.Job!.Id!)).Status).toBe('CANCELED');
    expect((await waitForJob(mc.client, queued.Job!.Id!)).Status).toBe('CANCELED');
    expect((await waitForJob(mc.client, other.Job!.Id!)).Status).toBe('COMPLETE');
    await expect(mc.client.send(new CancelJobCommand({ Id: long.Job!.Id }))).rejects.toMatchObject({
      name: 'ConflictException',
    });
    const statuses = mc.events
      .filter((event) => (event.detail as { jobId: string }).jobId === long.Job!.Id)
      .map((event) => (event.detail as { status: string }).status);
    expect(statuses).toEqual(['SUBMITTED', 'PROGRESSING', 'CANCELED']);
  });

  it('answers GetJob at once while a long job transcodes, with its percentage rising', async () => {
    const created = await mc.client.send(
      new CreateJobCommand({ Role: ROLE, Settings: thumbnailJob('uploads/long.mp4') }),
    );
    const percents: number[] = [];
    for (;;) {
      const started = Date.now();
      const { Job: job } = await mc.client.send(new GetJobCommand({ Id: created.Job!.Id }));
      expect(Date.now() - started).toBeLessThan(1000);
      if (job?.CurrentPhase === 'TRANSCODING' && job.JobPercentComplete !== undefined)
        percents.push(job.JobPercentComplete);
      if (percents.length >= 2 && percents[percents.length - 1]! > percents[0]!) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await mc.client.send(new CancelJobCommand({ Id: created.Job!.Id }));
    await waitForJob(mc.client, created.Job!.Id!);
  });

  it('starts one job for a repeated client request token', async () => {
    const request = { Role: ROLE, Settings: thumbnailJob('uploads/short.mp4'), ClientRequestToken: 'once-only' };

    const first = await mc.client.send(new CreateJobCommand(request));
    const second = await mc.client.send(new CreateJobCommand(request));

    expect(second.Job!.Id).toBe(first.Job!.Id);
    await waitForJob(mc.client, first.Job!.Id!);
  });

  it('lists jobs newest first, a page at a time, by status and in ascending order', async () => {
    // Prepare: seven jobs, the last three canceled while they wait behind the first two
    const ids: string[] = [];
    for (let index = 0; index < 7; index += 1) {
      const created = await mc.client.send(
        new CreateJobCommand({ Role: ROLE, Settings: thumbnailJob('uploads/short.mp4') }),
      );
      ids.push(created.Job!.Id!);
    }
    for (const id of ids.slice(4)) await mc.client.send(new CancelJobCommand({ Id: id }));
    await mc.service.idle();

    // Act
    const listed: string[] = [];
    let token: string | undefined;
    do {
      const page = await mc.client.send(new ListJobsCommand({ MaxResults: 3, NextToken: token }));
      expect(page.Jobs!.length).toBeLessThanOrEqual(3);
      listed.push(...page.Jobs!.map((job) => job.Id!));
      token = page.NextToken;
    } while (token);
    const ascending = await mc.client.send(new ListJobsCommand({ Order: 'ASCENDING', MaxResults: 20 }));
    const canceled = await mc.client.send(new ListJobsCommand({ Status: 'CANCELED', MaxResults: 20 }));

    // Assess
    expect(listed.slice(0, 7)).toEqual([...ids].reverse());
    expect(new Set(listed).size).toBe(listed.length);
    expect(ascending.Jobs!.map((job) => job.Id)).toEqual([...listed].reverse().slice(0, 20));
    expect(canceled.Jobs!.map((job) => job.Id)).toEqual(expect.arrayContaining(ids.slice(4)));
    expect(canceled.Jobs!.every((job) => job.Status === 'CANCELED')).toBe(true);
    await expect(mc.client.send(new ListJobsCommand({ MaxResults: 21 }))).rejects.toMatchObject({
      name: 'BadRequestException',
    });
  });

  it('keeps jobs across a restart and runs again the one a restart interrupted', async () => {
    // A 3 s clip still transcodes for far longer than the two requests before the restart take.
    const created = await mc.client.send(
      new CreateJobCommand({ Role: ROLE, Settings: thumbnailJob('uploads/short.mp4') }),
    );
    const before = await mc.client.send(new ListJobsCommand({ MaxResults: 20 }));

    await mc.restart();

    const after = await mc.client.send(new ListJobsCommand({ MaxResults: 20 }));
    expect(after.Jobs!.map((job) => job.Id)).toEqual(before.Jobs!.map((job) => job.Id));
    expect((await waitForJob(mc.client, created.Job!.Id!)).Status).toBe('COMPLETE');
  });
});
