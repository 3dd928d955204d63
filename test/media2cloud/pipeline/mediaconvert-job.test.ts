import {
  downscaleOutput,
  selectAudioTrack,
  videoJobSettings,
  type IngestJobRequest,
} from '../../../lambdas/media2cloud/pipeline/media/mediaconvert-job';
import { transcodeJobEnded } from '../../../lambdas/media2cloud/pipeline/ingest/transcode-job-ended';
import type { TaskCallbacks } from '../../../lambdas/media2cloud/pipeline/ports';

const REQUEST: IngestJobRequest = {
  source: { bucket: 'ingest', key: 'shows/tide.mp4' },
  destination: { bucket: 'proxy', prefix: 'u-1/shows/' },
  mediainfo: {
    container: { format: 'MPEG-4' },
    video: [{ format: 'AVC', width: 1920, height: 1080, frameRate: 25 }],
    audio: [{ format: 'AAC', channels: 2, streamOrder: 1 }],
    text: [],
  },
};

describe('ingest MediaConvert job settings', () => {
  it("lays out the original's aiml, proxy and frameCapture groups under the asset's transcode/ prefix", () => {
    const settings = videoJobSettings({ ...REQUEST, frameCaptureRate: [1, 1] });

    expect(settings.Inputs).toEqual([
      expect.objectContaining({
        FileInput: 's3://ingest/shows/tide.mp4',
        AudioSelectors: { 'Audio Selector 1': expect.objectContaining({ SelectorType: 'TRACK', Tracks: [1] }) },
      }),
    ]);
    expect(
      settings.OutputGroups!.map((group) => [
        group.CustomName,
        group.OutputGroupSettings!.FileGroupSettings!.Destination,
        group.Outputs!.map((output) => output.Extension),
      ]),
    ).toEqual([
      ['aiml', 's3://proxy/u-1/shows/transcode/aiml/', ['mp4', 'm4a']],
      ['proxy', 's3://proxy/u-1/shows/transcode/proxy/', ['jpg']],
      ['frameCapture', 's3://proxy/u-1/shows/transcode/frameCapture/frame', ['jpg']],
    ]);
    expect(settings.OutputGroups![0]!.Outputs![0]!.VideoDescription).toMatchObject({ Width: 960, Height: 540 });
  });

  it('leaves audio out of a video without it, and adds a caption sidecar only when MediaInfo reports CEA-608/708', () => {
    const silent = videoJobSettings({ ...REQUEST, mediainfo: { ...REQUEST.mediainfo, audio: [] } });
    const captioned = videoJobSettings({
      ...REQUEST,
      mediainfo: { ...REQUEST.mediainfo, text: [{ format: 'EIA-608' }] },
    });

    expect(silent.Inputs![0]!.AudioSelectors).toBeUndefined();
    expect(silent.OutputGroups![0]!.Outputs!.map((output) => output.Extension)).toEqual(['mp4']);
    expect(silent.OutputGroups![0]!.Outputs![0]!.AudioDescriptions).toBeUndefined();
    expect(videoJobSettings(REQUEST).Inputs![0]!.CaptionSelectors).toBeUndefined();
    expect(captioned.Inputs![0]!.CaptionSelectors).toEqual({
      'Captions Selector 1': expect.objectContaining({
        SourceSettings: expect.objectContaining({ SourceType: 'EMBEDDED' }),
      }),
    });
    // The sidecar is an output of the aiml group, next to the video it belongs to (as MediaConvert wants it).
    expect(captioned.OutputGroups!.map((group) => group.CustomName)).toEqual(
      videoJobSettings(REQUEST).OutputGroups!.map((group) => group.CustomName),
    );
    expect(captioned.OutputGroups![0]!.Outputs!.map((output) => output.Extension)).toEqual(['mp4', 'm4a', 'vtt']);
    expect(videoJobSettings(REQUEST).OutputGroups![0]!.Outputs!.map((output) => output.Extension)).toEqual([
      'mp4',
      'm4a',
    ]);
  });

  it("sizes the aiml video as the original's downscaleOutput and picks its audio track as parseTracks", () => {
    expect(downscaleOutput({ width: 1920, height: 1080 })).toEqual([960, 540]);
    expect(downscaleOutput({ width: 1440, height: 1080 })).toEqual([720, 540]);
    expect(downscaleOutput({ width: 321, height: 241 })).toEqual([320, 240]);
    expect(downscaleOutput(undefined)).toEqual([960, 540]);
    expect(selectAudioTrack([])).toBeUndefined();
    expect(selectAudioTrack([{ channels: 1 }, { channels: 6 }])).toBe(2);
    expect(selectAudioTrack([{ channels: 1 }, { channels: 1 }])).toBe(1);
  });
});

describe('TranscodeJobEnded', () => {
  const event = (detail: Record<string, unknown>) => ({
    source: 'aws.mediaconvert',
    'detail-type': 'MediaConvert Job State Change',
    detail: { jobId: 'job-1', userMetadata: { taskToken: 'token-1', output: 'u-1/shows/transcode/' }, ...detail },
  });
  const callbacks = (answer = true) => {
    const calls: unknown[][] = [];
    const tasks: TaskCallbacks = {
      succeed: async (...args) => (calls.push(['succeed', ...args]), answer),
      fail: async (...args) => (calls.push(['fail', ...args]), answer),
    };
    return { calls, tasks };
  };

  it('ends the task with the job id and output prefix when the job completed, and with its error when it failed', async () => {
    const done = callbacks();
    const failed = callbacks();

    expect(await transcodeJobEnded(event({ status: 'COMPLETE' }), done)).toBe('succeeded');
    expect(
      await transcodeJobEnded(event({ status: 'ERROR', errorCode: 1010, errorMessage: 'Unable to open' }), failed),
    ).toBe('failed');
    expect(done.calls).toEqual([['succeed', 'token-1', { jobId: 'job-1', output: 'u-1/shows/transcode/' }]]);
    expect(failed.calls).toEqual([
      ['fail', 'token-1', 'TranscodeError', 'MediaConvert job job-1 failed: Unable to open (error 1010)'],
    ]);
  });

  it('ignores jobs without a token and progress events, and reports a task that stopped waiting', async () => {
    const none = callbacks();
    const gone = callbacks(false);

    expect(await transcodeJobEnded(event({ status: 'COMPLETE', userMetadata: {} }), none)).toBe('ignored');
    expect(await transcodeJobEnded(event({ status: 'PROGRESSING' }), none)).toBe('ignored');
    expect(await transcodeJobEnded(event({ status: 'CANCELED' }), gone)).toBe('task-gone');
    expect(none.calls).toEqual([]);
  });
});
