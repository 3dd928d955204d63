import type { AudioSelector, Input, JobSettings, Output, OutputGroup } from '@aws-sdk/client-mediaconvert';
import { transcodePrefix, type TranscodeOutput } from '../domain/layout';
import type { Destination, ObjectLocation } from '../domain/records';
import { withEmbeddedCaptions } from './captions';
import type { MediainfoSummary, TrackSummary } from './mediainfo';

/**
 * The settings of the ingest MediaConvert jobs (CreateJob `Settings`, as AWS documents them), following the original's
 * job templates (`ingest/video/states/start-transcode/tmpl/*.json`, `ingest/audio/...`). Pure: the caller submits it.
 *
 * | output group   | destination                                | files                                                     |
 * | -------------- | ------------------------------------------ | --------------------------------------------------------- |
 * | `aiml`         | `<prefix>transcode/aiml/`                  | `<basename>.mp4` (H.264/AAC), `<basename>.m4a` (AAC)      |
 * | `proxy`        | `<prefix>transcode/proxy/`                 | `<basename>.0000000.jpg`… (480×270, one a second, ten)    |
 * | `frameCapture` | `<prefix>transcode/frameCapture/frame`     | `frame.0000000.jpg`… at the rate `aiOptions` ask for      |
 * | `aiml`         | `<prefix>transcode/aiml/`                  | `<basename>.vtt`, when the video carries CEA-608/708      |
 */

/** The original's `aiml` video size limit (`downscaleOutput`). */
export const AIML_WIDTH = 960;
export const AIML_HEIGHT = 540;
/** The `proxy` group: 480×270 JPEGs, one a second, at most ten. */
export const THUMBNAIL_WIDTH = 480;
export const THUMBNAIL_HEIGHT = 270;
export const THUMBNAIL_COUNT = 10;
/** The original names its only audio selector so. */
export const AUDIO_SELECTOR = 'Audio Selector 1';
/** The original's frame capture file prefix: `frame.0000000.jpg`. */
export const FRAME_CAPTURE_PREFIX = 'frame';

export interface IngestJobRequest {
  /** The upload. */
  readonly source: ObjectLocation;
  readonly destination: Destination;
  readonly mediainfo: MediainfoSummary;
  /** Frames per second as `[numerator, denominator]`, when `aiOptions` ask for frame-based analysis. */
  readonly frameCaptureRate?: readonly [number, number];
}

/** The video ingest job: `aiml` (MP4 + M4A), `proxy` thumbnails, frame captures and embedded captions when asked. */
export function videoJobSettings(request: IngestJobRequest): JobSettings {
  const { mediainfo } = request;
  const audioTrack = selectAudioTrack(mediainfo.audio);
  const [width, height] = downscaleOutput(mediainfo.video[0]);
  const captions = hasEmbeddedCaptions(mediainfo);
  const groups: OutputGroup[] = [
    fileGroup('aiml', destinationOf(request, 'aiml'), [
      aimlVideoOutput(width, height, audioTrack !== undefined),
      ...(audioTrack !== undefined ? [aimlAudioOutput()] : []),
    ]),
    fileGroup('proxy', destinationOf(request, 'proxy'), [
      frameCaptureOutput(THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT, [1, 1], THUMBNAIL_COUNT),
    ]),
  ];
  if (request.frameCaptureRate) {
    groups.push(
      fileGroup('frameCapture', `${destinationOf(request, 'frameCapture')}${FRAME_CAPTURE_PREFIX}`, [
        frameCaptureOutput(width, height, request.frameCaptureRate, 10_000_000),
      ]),
    );
  }
  const settings: JobSettings = {
    TimecodeConfig: { Source: 'ZEROBASED' },
    Inputs: [
      {
        ...inputOf(request.source),
        ...(audioTrack !== undefined ? { AudioSelectors: { [AUDIO_SELECTOR]: trackSelector(audioTrack) } } : {}),
      },
    ],
    OutputGroups: groups,
  };
  // Embedded CEA-608/708 captions become a WebVTT sidecar of the aiml video, which the subtitle analyzer reads.
  return captions ? withEmbeddedCaptions(settings) : settings;
}

/** The audio ingest job: the `aiml` M4A (AAC) of the first audio track. */
export function audioJobSettings(request: IngestJobRequest): JobSettings {
  return {
    TimecodeConfig: { Source: 'ZEROBASED' },
    Inputs: [{ ...inputOf(request.source), AudioSelectors: { [AUDIO_SELECTOR]: trackSelector(1) } }],
    OutputGroups: [fileGroup('aiml', destinationOf(request, 'aiml'), [aimlAudioOutput()])],
  };
}

/**
 * Whether the video carries CEA-608/708 captions: ffprobe saw caption data in its pictures (`run-mediainfo.ts`), or
 * MediaInfo reports a `Text` track of format EIA-608 / EIA-708.
 */
export function hasEmbeddedCaptions(mediainfo: MediainfoSummary): boolean {
  return (
    mediainfo.closedCaptions === true ||
    mediainfo.text.some((track) => /^(EIA|CEA)-(608|708)$/i.test(track.format ?? ''))
  );
}

/**
 * The original's `downscaleOutput`: a video within 960×540 keeps its size (rounded down to even numbers); a larger
 * one is scaled to fit, keeping its proportions.
 */
export function downscaleOutput(video: TrackSummary | undefined): [number, number] {
  if (!video?.width || !video.height) return [AIML_WIDTH, AIML_HEIGHT];
  if (video.width <= AIML_WIDTH && video.height <= AIML_HEIGHT) {
    return [(video.width >> 1) << 1, (video.height >> 1) << 1];
  }
  const scale = Math.min(AIML_WIDTH / video.width, AIML_HEIGHT / video.height, 1);
  return [(Math.round(video.width * scale) >> 1) << 1, (Math.round(video.height * scale) >> 1) << 1];
}

/**
 * The original's track choice (`parseTracks`): tracks in stream order, numbered from 1; the only one, else the first
 * with two or more channels, else the first. `undefined` for a file without audio.
 */
export function selectAudioTrack(audio: readonly TrackSummary[]): number | undefined {
  if (audio.length === 0) return undefined;
  const ordered = audio
    .map((track, index) => ({ track, order: track.streamOrder ?? index }))
    .sort((a, b) => a.order - b.order);
  const stereo = ordered.findIndex(({ track }) => (track.channels ?? 0) >= 2);
  return (stereo >= 0 ? stereo : 0) + 1;
}

function destinationOf(request: IngestJobRequest, output: TranscodeOutput): string {
  return `s3://${request.destination.bucket}/${transcodePrefix(request.destination.prefix, output)}`;
}

function inputOf(source: ObjectLocation): Input {
  return {
    FileInput: `s3://${source.bucket}/${source.key}`,
    TimecodeSource: 'ZEROBASED',
    VideoSelector: { ColorSpace: 'FOLLOW', Rotate: 'AUTO' },
  };
}

function trackSelector(track: number): AudioSelector {
  return { DefaultSelection: 'DEFAULT', SelectorType: 'TRACK', Tracks: [track], Offset: 0 };
}

function fileGroup(name: TranscodeOutput, destination: string, outputs: Output[]): OutputGroup {
  return {
    CustomName: name,
    Name: 'File Group',
    OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: destination } },
    Outputs: outputs,
  };
}

const AAC_96K: NonNullable<Output['AudioDescriptions']>[number] = {
  AudioSourceName: AUDIO_SELECTOR,
  AudioTypeControl: 'FOLLOW_INPUT',
  LanguageCodeControl: 'FOLLOW_INPUT',
  CodecSettings: {
    Codec: 'AAC',
    AacSettings: {
      Bitrate: 96000,
      CodecProfile: 'LC',
      CodingMode: 'CODING_MODE_2_0',
      RateControlMode: 'CBR',
      SampleRate: 48000,
      Specification: 'MPEG4',
    },
  },
};

/** H.264 High, QVBR 7 up to 2 Mb/s, two-second GOPs, in a MOV container named `.mp4` (as the original's template). */
function aimlVideoOutput(width: number, height: number, withAudio: boolean): Output {
  return {
    ContainerSettings: { Container: 'MOV', MovSettings: { Reference: 'SELF_CONTAINED' } },
    VideoDescription: {
      Width: width,
      Height: height,
      ScalingBehavior: 'DEFAULT',
      CodecSettings: {
        Codec: 'H_264',
        H264Settings: {
          CodecProfile: 'HIGH',
          RateControlMode: 'QVBR',
          QvbrSettings: { QvbrQualityLevel: 7 },
          MaxBitrate: 2_000_000,
          GopSize: 2,
          GopSizeUnits: 'SECONDS',
          GopClosedCadence: 1,
          NumberBFramesBetweenReferenceFrames: 2,
          NumberReferenceFrames: 3,
          SceneChangeDetect: 'ENABLED',
          FramerateControl: 'INITIALIZE_FROM_SOURCE',
          InterlaceMode: 'PROGRESSIVE',
        },
      },
    },
    ...(withAudio ? { AudioDescriptions: [AAC_96K] } : {}),
    Extension: 'mp4',
  };
}

function aimlAudioOutput(): Output {
  return {
    ContainerSettings: { Container: 'MP4', Mp4Settings: { MoovPlacement: 'PROGRESSIVE_DOWNLOAD' } },
    AudioDescriptions: [AAC_96K],
    Extension: 'm4a',
  };
}

function frameCaptureOutput(
  width: number,
  height: number,
  [numerator, denominator]: readonly [number, number],
  maxCaptures: number,
): Output {
  return {
    ContainerSettings: { Container: 'RAW' },
    VideoDescription: {
      Width: width,
      Height: height,
      ScalingBehavior: 'DEFAULT',
      CodecSettings: {
        Codec: 'FRAME_CAPTURE',
        FrameCaptureSettings: {
          FramerateNumerator: numerator,
          FramerateDenominator: denominator,
          MaxCaptures: maxCaptures,
          Quality: 80,
        },
      },
    },
    Extension: 'jpg',
  };
}
