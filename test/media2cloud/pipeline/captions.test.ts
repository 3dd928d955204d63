import { withEmbeddedCaptions } from '../../../lambdas/media2cloud/pipeline/media/captions';
import { videoJobSettings, type IngestJobRequest } from '../../../lambdas/media2cloud/pipeline/media/mediaconvert-job';
import type { MediainfoSummary } from '../../../lambdas/media2cloud/pipeline/media/mediainfo';

const mediainfo = (closedCaptions?: boolean): MediainfoSummary => ({
  container: { duration: 5 },
  video: [{ format: 'AVC', width: 320, height: 240, frameRate: 30 }],
  audio: [{ format: 'AAC', channels: 2 }],
  text: [],
  ...(closedCaptions === undefined ? {} : { closedCaptions }),
});

const request = (media: MediainfoSummary): IngestJobRequest => ({
  source: { bucket: 'ingest', key: 'news/evening.mp4' },
  destination: { bucket: 'proxy', prefix: 'uuid-1/news/' },
  mediainfo: media,
});

describe('embedded captions in the MediaConvert ingest job', () => {
  it('selects CC1 on the input and adds a WebVTT sidecar output to the aiml group when ffprobe found captions', () => {
    const settings = videoJobSettings(request(mediainfo(true)));

    expect(settings.Inputs?.[0]?.CaptionSelectors).toEqual({
      'Captions Selector 1': {
        SourceSettings: {
          SourceType: 'EMBEDDED',
          EmbeddedSourceSettings: { Source608ChannelNumber: 1, Convert608To708: 'DISABLED' },
        },
      },
    });
    const aiml = settings.OutputGroups?.find((group) => group.CustomName === 'aiml');
    expect(aiml?.OutputGroupSettings?.FileGroupSettings?.Destination).toBe('s3://proxy/uuid-1/news/transcode/aiml/');
    expect(aiml?.Outputs?.at(-1)).toEqual({
      ContainerSettings: { Container: 'RAW' },
      CaptionDescriptions: [
        {
          CaptionSelectorName: 'Captions Selector 1',
          DestinationSettings: {
            DestinationType: 'WEBVTT',
            WebvttDestinationSettings: { StylePassthrough: 'DISABLED' },
          },
        },
      ],
      Extension: 'vtt',
    });
    expect(settings.OutputGroups?.filter((group) => JSON.stringify(group).includes('CaptionDescriptions'))).toEqual([
      aiml,
    ]);
  });

  it('adds no captions to the job of a video without them, and also takes a MediaInfo EIA-608 track', () => {
    const plain = videoJobSettings(request(mediainfo()));
    const reported = videoJobSettings(request({ ...mediainfo(false), text: [{ format: 'EIA-608' }] }));

    expect(plain.Inputs?.[0]?.CaptionSelectors).toBeUndefined();
    expect(JSON.stringify(plain)).not.toContain('CaptionDescriptions');
    expect(reported.Inputs?.[0]?.CaptionSelectors).toBeDefined();
  });

  it('refuses a job without an aiml group to put the sidecar in', () => {
    expect(() => withEmbeddedCaptions({ Inputs: [{ FileInput: 's3://a/b.mp4' }], OutputGroups: [] })).toThrow(
      /no aiml group/,
    );
  });
});
