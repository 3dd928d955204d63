import {
  frameCaptureRate,
  resolveAnalysisAiOptions,
  resolveIngestAiOptions,
  stackDefaultAiOptions,
} from '../../../lambdas/media2cloud/pipeline/domain/ai-options';
import { failureMessage } from '../../../lambdas/media2cloud/pipeline/domain/failure';
import { isoDateTime, makeSafeOutputPrefix } from '../../../lambdas/media2cloud/pipeline/domain/layout';
import { detectMime, mediaTypeOfMime, sniffMime } from '../../../lambdas/media2cloud/pipeline/domain/mime';
import { collectTags } from '../../../lambdas/media2cloud/pipeline/analysis/analyzers/tags';
import {
  AnalyzerRegistry,
  DEFAULT_REGISTRY,
  TEXT_ANALYZERS,
} from '../../../lambdas/media2cloud/pipeline/analysis/registry';
import { parseSubtitles, plainText, toWebVtt } from '../../../lambdas/media2cloud/pipeline/media/subtitles';
import { aimlSize } from '../../../lambdas/media2cloud/pipeline/media/transcode';

const NONE_AVAILABLE = { rekognition: false, transcribe: false, comprehend: false, textract: false };

describe('subtitles', () => {
  it('reads SubRip cues with hours, comma milliseconds and multi-line text', () => {
    const cues = parseSubtitles(
      '1\r\n01:02:03,045 --> 01:02:04,500\r\nTwo\r\nlines\r\n\r\n2\r\n00:00:05,000 --> 00:00:06,000\r\nNext\r\n',
    );

    expect(cues).toEqual([
      { begin: 3_723_045, end: 3_724_500, text: 'Two\nlines' },
      { begin: 5000, end: 6000, text: 'Next' },
    ]);
  });

  it('reads WebVTT with a BOM, identifiers, cue settings, short timestamps and NOTE blocks', () => {
    const vtt =
      '\uFEFFWEBVTT - title\n\nNOTE a comment\n\nintro\n00:01.250 --> 00:02.000 line:0 align:start\n<v Ann>Hi</v>\n';

    expect(parseSubtitles(vtt)).toEqual([{ begin: 1250, end: 2000, text: '<v Ann>Hi</v>' }]);
  });

  it('drops cues that end before they begin or say nothing', () => {
    expect(
      parseSubtitles('WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nBackwards\n\n00:00:03.000 --> 00:00:04.000\n'),
    ).toEqual([]);
  });

  it('writes WebVTT any player reads back to the same cues', () => {
    const cues = [{ begin: 500, end: 61_800, text: 'A minute' }];

    expect(toWebVtt(cues)).toBe('WEBVTT\n\n00:00:00.500 --> 00:01:01.800\nA minute\n');
    expect(parseSubtitles(toWebVtt(cues))).toEqual(cues);
  });

  it('reduces a cue to the words a viewer reads', () => {
    expect(plainText('{\\an8}<i>Fish &amp; chips</i>\n<c.yellow>tonight</c>')).toBe('Fish & chips tonight');
  });
});

describe('media type detection', () => {
  it('lets the first bytes overrule a misleading extension, and fills in for a missing one', () => {
    expect(detectMime('clip.mp4', Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(detectMime('upload.bin', Buffer.from('\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00', 'latin1'))).toBe(
      'audio/mp4',
    );
    expect(detectMime('photo', Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
  });

  it('keeps the extension when the bytes agree on the type or show nothing (a corrupt file stays what it claims)', () => {
    expect(detectMime('clip.mov', Buffer.from('\x00\x00\x00\x14ftypisom', 'latin1'))).toBe('video/quicktime');
    expect(detectMime('clip.mp4', Buffer.from('not a video'))).toBe('video/mp4');
    expect(sniffMime(Buffer.from('not a video'))).toBeUndefined();
  });

  it('maps MIME types to Media2Cloud media types as the original does (MXF is video, PDF is a document)', () => {
    expect(mediaTypeOfMime('application/mxf')).toBe('video');
    expect(mediaTypeOfMime('application/pdf')).toBe('document');
    expect(mediaTypeOfMime('audio/mpeg')).toBe('audio');
    expect(mediaTypeOfMime('text/vtt')).toBeUndefined();
  });
});

describe('aiOptions', () => {
  it('takes the stack default as JSON over the base set, or as the original presets and lists', () => {
    expect(stackDefaultAiOptions('{"celeb": true, "subtitle": false}')).toMatchObject({
      celeb: true,
      label: false,
      subtitle: false,
    });
    expect(stackDefaultAiOptions('')).toMatchObject({
      celeb: true,
      label: true,
      framebased: true,
      frameCaptureMode: 9999,
    });
    expect(stackDefaultAiOptions('v4.all')).toMatchObject({ moderation: true, toxicity: true });
    expect(stackDefaultAiOptions('label, text')).toMatchObject({ label: true, text: true, celeb: false, tags: true });
  });

  it('at ingest uses the request, else the global settings, else the stack default', () => {
    const fallback = stackDefaultAiOptions('{"label": true}');

    expect(resolveIngestAiOptions({ celeb: true }, { face: true }, fallback)).toEqual({ celeb: true });
    expect(resolveIngestAiOptions(undefined, { face: true }, fallback)).toEqual({ face: true });
    expect(resolveIngestAiOptions(undefined, undefined, fallback)).toMatchObject({ label: true });
  });

  it('at analysis fills unset options from the defaults and switches off what no available service can run', () => {
    const resolved = resolveAnalysisAiOptions(
      { celeb: true, subtitle: true },
      { transcribe: true, framebased: true, frameCaptureMode: 0 },
      stackDefaultAiOptions('{"textract": true, "pagetext": false}'),
      NONE_AVAILABLE,
    );

    expect(resolved).toMatchObject({
      celeb: false,
      transcribe: false,
      keyphrase: false,
      textract: false,
      subtitle: true,
      pagetext: false,
      tags: true,
      framebased: false,
    });
  });

  it('captures frames only for frame-based analysis, at the original rates', () => {
    expect(frameCaptureRate({ framebased: true, frameCaptureMode: 1002 }, 25)).toEqual([5, 10]);
    expect(frameCaptureRate({ framebased: true, frameCaptureMode: 1000 }, 29.97)).toEqual([30_000, 1001]);
    expect(frameCaptureRate({ framebased: false, frameCaptureMode: 1 }, 25)).toBeUndefined();
    expect(frameCaptureRate({ framebased: true, frameCaptureMode: 7 }, 25)).toBeUndefined();
  });
});

describe('analyzer registry', () => {
  const asset = (type: 'video' | 'image' | 'document') => ({
    uuid: 'u',
    type,
    bucket: 'b',
    key: 'k',
    destination: { bucket: 'p', prefix: 'u/' },
  });

  it('reports the AWS AI services as available, and unavailable in a registry without their analyzers', () => {
    expect(DEFAULT_REGISTRY.serviceAvailability()).toEqual({
      rekognition: true,
      transcribe: true,
      comprehend: true,
      textract: true,
    });
    expect(new AnalyzerRegistry(TEXT_ANALYZERS).serviceAvailability()).toEqual(NONE_AVAILABLE);
  });

  it('plans the analyzers of the media type that aiOptions turn on, Comprehend after Transcribe and only with it', () => {
    const all = { subtitle: true, pagetext: true, tags: true, celeb: true, textract: true, transcribe: true };

    expect(DEFAULT_REGISTRY.rounds(asset('video'), { ...all, keyphrase: true })).toEqual({
      first: ['subtitle', 'tags', 'rekognition', 'transcribe'],
      second: ['comprehend'],
    });
    expect(DEFAULT_REGISTRY.rounds(asset('video'), { keyphrase: true, transcribe: false }).second).toEqual([]);
    expect(DEFAULT_REGISTRY.plan(asset('document'), all).map((each) => each.id)).toEqual([
      'pagetext',
      'tags',
      'textract',
    ]);
    expect(DEFAULT_REGISTRY.plan(asset('image'), { ...all, tags: false }).map((each) => each.id)).toEqual([
      'rekognition-image',
    ]);
  });
});

describe('failure messages', () => {
  const lambdaCause = JSON.stringify({ errorType: 'ChecksumError', errorMessage: 'MD5 differs' });

  it('reads the message of a failed Lambda task', () => {
    expect(failureMessage({ Error: 'ChecksumError', Cause: lambdaCause })).toBe('MD5 differs');
  });

  it('unwraps a failed nested execution to the failure inside it', () => {
    const child = JSON.stringify({
      ExecutionArn: 'arn:child',
      Status: 'FAILED',
      Error: 'ChecksumError',
      Cause: lambdaCause,
    });

    expect(failureMessage({ Error: 'States.TaskFailed', Cause: child })).toBe('MD5 differs');
  });

  it('says when a nested execution was stopped, and falls back to a Fail state cause or the error name', () => {
    expect(
      failureMessage({
        Error: 'States.TaskFailed',
        Cause: JSON.stringify({ ExecutionArn: 'arn:x', Status: 'ABORTED' }),
      }),
    ).toBe('arn:x was stopped');
    expect(failureMessage({ Error: 'UnsupportedMediaTypeError', Cause: 'Media type not supported' })).toBe(
      'Media type not supported',
    );
    expect(failureMessage({ Error: 'States.Timeout' })).toBe('States.Timeout');
  });
});

describe('layout and sizes', () => {
  it('puts outputs under <uuid>/<folder of the upload>/ with unsafe characters replaced', () => {
    expect(makeSafeOutputPrefix('u1', 'shows/harbour.mp4')).toBe('u1/shows/');
    expect(makeSafeOutputPrefix('u1', '/My Shows/été/clip.mp4')).toBe('u1/My_Shows/_t_/');
    expect(makeSafeOutputPrefix('u1', 'clip.mp4')).toBe('u1/');
    expect(isoDateTime(Date.UTC(2024, 3, 7, 9, 5, 1))).toBe('20240407T090501');
  });

  it('fits the analysis proxy in 960x540 with even sides, scaling small sources up', () => {
    expect(aimlSize(1920, 1080)).toEqual([960, 540]);
    expect(aimlSize(320, 240)).toEqual([720, 540]);
    expect(aimlSize(1440, 1080)).toEqual([720, 540]);
    expect(aimlSize(undefined, undefined)).toEqual([960, 540]);
  });
});

describe('descriptive tags', () => {
  it('maps each source to the search fields, splitting lists and keeping each value once', () => {
    expect(
      collectTags('image', { Title: 'Dusk', XPTitle: 'dusk', Subject: 'pier, dusk', XPKeywords: 'Pier;boats' }),
    ).toEqual({
      title: ['Dusk'],
      keywords: ['pier', 'dusk', 'boats'],
    });
    expect(collectTags('audio', { Title: 'Tide', Track: 'Tide', Performer: 'Gulls', Genre: 'Ambient / Folk' })).toEqual(
      {
        title: ['Tide'],
        artist: ['Gulls'],
        genre: ['Ambient / Folk'],
      },
    );
    expect(collectTags('document', { title: 'Guide', author: 'Port', numPages: 2 })).toEqual({
      title: ['Guide'],
      creator: ['Port'],
    });
  });
});
