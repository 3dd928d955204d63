import * as path from 'node:path';
import { AwsError } from '../protocol/wire';

/**
 * A MediaConvert job's `settings`, as the wire carries them (MediaConvert's JSON names every member in lower camel
 * case), read into what the local engine runs: one input, and per output group the files it writes. Settings the
 * engine cannot honour are refused when the job is created, naming the setting, rather than silently ignored.
 */

type Json = Record<string, unknown>;

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

export interface VideoPlan {
  readonly codec: 'H_264' | 'H_265';
  /** Output size; either may be absent (the source's size, or kept in proportion). */
  readonly width?: number;
  readonly height?: number;
  readonly scaling: 'DEFAULT' | 'STRETCH_TO_OUTPUT' | 'FIT' | 'FIT_NO_UPSCALE' | 'FILL';
  readonly rateControl: 'CBR' | 'VBR' | 'QVBR';
  readonly bitrate?: number;
  readonly maxBitrate?: number;
  readonly qvbrQualityLevel?: number;
  readonly profile?: 'BASELINE' | 'MAIN' | 'HIGH';
  /** Frames per second as a fraction; absent: the source's. */
  readonly framerate?: readonly [number, number];
  readonly gop?: { readonly size: number; readonly units: 'FRAMES' | 'SECONDS' };
  readonly bFrames?: number;
  readonly referenceFrames?: number;
  readonly sceneChangeDetect: boolean;
}

export interface FrameCapturePlan {
  readonly width?: number;
  readonly height?: number;
  readonly scaling: VideoPlan['scaling'];
  /** Captures per second as a fraction. */
  readonly framerate: readonly [number, number];
  readonly maxCaptures?: number;
  /** JPEG quality, 1 to 100. */
  readonly quality: number;
}

export interface AudioPlan {
  readonly codec: 'AAC' | 'MP3' | 'WAV';
  readonly bitrate?: number;
  readonly sampleRate: number;
  readonly channels: number;
  /** The input's audio track (1-based) the output's audio comes from. */
  readonly track: number;
}

export type ContainerKind = 'MP4' | 'MOV' | 'RAW' | 'M3U8';

/** An input captions selector of source type `EMBEDDED`: the CEA-608/708 captions in the video's pictures. */
export interface CaptionSelectorPlan {
  readonly name: string;
  /** `source608ChannelNumber`: the local engine decodes CC1. */
  readonly channel: 1;
}

/** A sidecar captions output: one captions description, written as its own file. */
export interface CaptionPlan {
  readonly selector: CaptionSelectorPlan;
  readonly destination: 'WEBVTT' | 'SRT';
}

export interface OutputPlan {
  readonly container: ContainerKind;
  readonly nameModifier: string;
  readonly extension: string;
  readonly moovFirst: boolean;
  readonly video?: VideoPlan;
  readonly frameCapture?: FrameCapturePlan;
  readonly audio?: AudioPlan;
  readonly captions?: CaptionPlan;
}

export interface FileGroupPlan {
  readonly type: 'FILE_GROUP';
  readonly destination: S3Location;
  readonly outputs: readonly OutputPlan[];
}

export interface HlsGroupPlan {
  readonly type: 'HLS_GROUP';
  readonly destination: S3Location;
  readonly segmentLength: number;
  readonly outputs: readonly OutputPlan[];
}

export type OutputGroupPlan = FileGroupPlan | HlsGroupPlan;

export interface JobPlan {
  readonly input: S3Location;
  readonly groups: readonly OutputGroupPlan[];
}

const bad = (message: string) => new AwsError('BadRequestException', message, 400);

/** `s3://bucket/key` (the key may be empty or end with `/`). */
export function parseS3Url(value: unknown, what: string): S3Location {
  const match = typeof value === 'string' ? /^s3:\/\/([^/]+)\/?(.*)$/.exec(value) : null;
  if (!match) throw bad(`${what} must be an Amazon S3 URL (s3://bucket/key), got ${JSON.stringify(value)}`);
  return { bucket: match[1]!, key: match[2]! };
}

export function toS3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/**
 * Where MediaConvert writes an output: a destination ending in `/` is a folder and the file is named after the
 * input (its name without the extension); otherwise the destination's last part is the base name.
 */
export function outputBase(destination: S3Location, input: S3Location): { folder: string; base: string } {
  if (destination.key === '' || destination.key.endsWith('/')) {
    return { folder: destination.key, base: path.posix.parse(input.key.split('/').pop() ?? '').name };
  }
  const slash = destination.key.lastIndexOf('/');
  return { folder: destination.key.slice(0, slash + 1), base: destination.key.slice(slash + 1) };
}

export function planJob(settings: unknown): JobPlan {
  const root = object(settings, 'settings');
  const inputs = array(root.inputs, 'settings.inputs');
  if (inputs.length !== 1) {
    throw bad(`settings.inputs: the local MediaConvert runs jobs of exactly one input, got ${inputs.length}`);
  }
  const input = object(inputs[0], 'settings.inputs[0]');
  for (const unsupported of ['inputClippings', 'imageInserter', 'videoOverlays']) {
    if (input[unsupported] !== undefined) throw unsupportedSetting(`settings.inputs[0].${unsupported}`);
  }
  const inputLocation = parseS3Url(input.fileInput, 'settings.inputs[0].fileInput');
  const selectors: Selectors = {
    audio: input.audioSelectors === undefined ? {} : object(input.audioSelectors, 'audioSelectors'),
    captions: planCaptionSelectors(input.captionSelectors),
  };
  const groups = array(root.outputGroups, 'settings.outputGroups');
  if (groups.length === 0) throw bad('settings.outputGroups must name at least one output group');
  return {
    input: inputLocation,
    groups: groups.map((group, index) => planGroup(group, `settings.outputGroups[${index}]`, selectors)),
  };
}

interface Selectors {
  readonly audio: Json;
  readonly captions: ReadonlyMap<string, CaptionSelectorPlan>;
}

function planCaptionSelectors(value: unknown): ReadonlyMap<string, CaptionSelectorPlan> {
  const plans = new Map<string, CaptionSelectorPlan>();
  if (value === undefined) return plans;
  const where = 'settings.inputs[0].captionSelectors';
  for (const [name, selector] of Object.entries(object(value, where))) {
    const at = `${where}.${name}`;
    const source = object(object(selector, at).sourceSettings, `${at}.sourceSettings`);
    if (source.sourceType !== 'EMBEDDED') {
      throw unsupportedSetting(`${at}.sourceSettings.sourceType ${JSON.stringify(source.sourceType)}`);
    }
    const embedded =
      source.embeddedSourceSettings === undefined
        ? {}
        : object(source.embeddedSourceSettings, `${at}.sourceSettings.embeddedSourceSettings`);
    const channelAt = `${at}.sourceSettings.embeddedSourceSettings.source608ChannelNumber`;
    const channel = optionalNumber(embedded.source608ChannelNumber, channelAt, 1, 4) ?? 1;
    // ffmpeg's 608 decoder reads field 1 without telling CC1 from CC2, and this build skips field 2 (CC3, CC4).
    if (channel !== 1) throw unsupportedSetting(`${channelAt} ${channel}`);
    if (embedded.convert608To708 !== undefined) {
      oneOf(embedded.convert608To708, ['UPCONVERT', 'DISABLED'] as const, `${at}...convert608To708`);
    }
    plans.set(name, { name, channel: 1 });
  }
  return plans;
}

function planGroup(value: unknown, where: string, selectors: Selectors): OutputGroupPlan {
  const group = object(value, where);
  const settings = object(group.outputGroupSettings, `${where}.outputGroupSettings`);
  if (settings.type !== 'FILE_GROUP_SETTINGS' && settings.type !== 'HLS_GROUP_SETTINGS') {
    throw unsupportedSetting(`${where}.outputGroupSettings.type ${JSON.stringify(settings.type)}`);
  }
  const outputs = array(group.outputs, `${where}.outputs`);
  if (outputs.length === 0) throw bad(`${where}.outputs must name at least one output`);
  const modifiers = new Set<string>();
  const planned = outputs.map((output, index) => {
    const plan = planOutput(output, `${where}.outputs[${index}]`, selectors, settings.type);
    const name = `${plan.nameModifier}.${plan.extension}`;
    if (modifiers.has(name)) throw bad(`${where}: outputs in one output group need distinct name modifiers`);
    modifiers.add(name);
    return plan;
  });
  // MediaConvert makes sidecar captions only next to a video output of the same group.
  if (planned.some((output) => output.captions) && !planned.some((output) => output.video)) {
    throw bad(`${where}: sidecar captions outputs need a video output in the same output group`);
  }
  switch (settings.type) {
    case 'FILE_GROUP_SETTINGS': {
      const file = object(settings.fileGroupSettings, `${where}.outputGroupSettings.fileGroupSettings`);
      return {
        type: 'FILE_GROUP',
        destination: parseS3Url(file.destination, `${where}...fileGroupSettings.destination`),
        outputs: planned,
      };
    }
    case 'HLS_GROUP_SETTINGS': {
      const hls = object(settings.hlsGroupSettings, `${where}.outputGroupSettings.hlsGroupSettings`);
      if (planned.some((output) => output.frameCapture)) throw bad(`${where}: HLS outputs cannot be frame captures`);
      if (planned.some((output) => output.captions)) throw unsupportedSetting(`${where}: captions in an HLS group`);
      if (planned.length > 1 && planned.some((output) => output.nameModifier === '')) {
        throw bad(`${where}: each output of an HLS group with several outputs needs a name modifier`);
      }
      return {
        type: 'HLS_GROUP',
        destination: parseS3Url(hls.destination, `${where}...hlsGroupSettings.destination`),
        segmentLength: optionalNumber(hls.segmentLength, `${where}...segmentLength`, 1, 2_147_483_647) ?? 10,
        outputs: planned,
      };
    }
    default:
      throw unsupportedSetting(`${where}.outputGroupSettings.type ${JSON.stringify(settings.type)}`);
  }
}

function planOutput(value: unknown, where: string, selectors: Selectors, groupType: unknown): OutputPlan {
  const output = object(value, where);
  const captions = planCaptions(output, where, selectors.captions);
  const containerSettings = output.containerSettings === undefined ? {} : object(output.containerSettings, where);
  const defaultContainer = groupType === 'HLS_GROUP_SETTINGS' ? 'M3U8' : 'MP4';
  const container = (containerSettings.container ?? defaultContainer) as string;
  if (!['MP4', 'MOV', 'RAW', 'M3U8'].includes(container)) {
    throw unsupportedSetting(`${where}.containerSettings.container ${JSON.stringify(container)}`);
  }
  if ((container === 'M3U8') !== (groupType === 'HLS_GROUP_SETTINGS')) {
    throw bad(`${where}: container ${container} does not belong in this output group`);
  }
  const mp4 = containerSettings.mp4Settings === undefined ? {} : object(containerSettings.mp4Settings, where);

  let video: VideoPlan | undefined;
  let frameCapture: FrameCapturePlan | undefined;
  if (output.videoDescription !== undefined) {
    const description = object(output.videoDescription, `${where}.videoDescription`);
    const codecSettings = object(description.codecSettings, `${where}.videoDescription.codecSettings`);
    const width = optionalNumber(description.width, `${where}.videoDescription.width`, 32, 8192);
    const height = optionalNumber(description.height, `${where}.videoDescription.height`, 32, 8192);
    const scaling = oneOf(
      description.scalingBehavior ?? 'DEFAULT',
      ['DEFAULT', 'STRETCH_TO_OUTPUT', 'FIT', 'FIT_NO_UPSCALE', 'FILL'] as const,
      `${where}.videoDescription.scalingBehavior`,
    );
    if (codecSettings.codec === 'FRAME_CAPTURE') {
      const capture = object(codecSettings.frameCaptureSettings ?? {}, `${where}...frameCaptureSettings`);
      frameCapture = {
        ...(width !== undefined ? { width } : {}),
        ...(height !== undefined ? { height } : {}),
        scaling,
        framerate: [
          optionalNumber(capture.framerateNumerator, `${where}...framerateNumerator`, 1, 2_147_483_647) ?? 30,
          optionalNumber(capture.framerateDenominator, `${where}...framerateDenominator`, 1, 2_147_483_647) ?? 1,
        ],
        ...optional('maxCaptures', optionalNumber(capture.maxCaptures, `${where}...maxCaptures`, 1, 10_000_000)),
        quality: optionalNumber(capture.quality, `${where}...quality`, 1, 100) ?? 80,
      };
    } else if (codecSettings.codec === 'H_264' || codecSettings.codec === 'H_265') {
      const member = codecSettings.codec === 'H_264' ? 'h264Settings' : 'h265Settings';
      const h26x = object(codecSettings[member] ?? {}, `${where}.videoDescription.codecSettings.${member}`);
      const at = `${where}.videoDescription.codecSettings.${member}`;
      const rateControl = oneOf(
        h26x.rateControlMode ?? 'CBR',
        ['CBR', 'VBR', 'QVBR'] as const,
        `${at}.rateControlMode`,
      );
      const bitrate = optionalNumber(h26x.bitrate, `${at}.bitrate`, 1000, 1_152_000_000);
      if (rateControl !== 'QVBR' && bitrate === undefined) throw bad(`${at}.bitrate is required for ${rateControl}`);
      const profile =
        h26x.codecProfile === undefined
          ? undefined
          : codecSettings.codec === 'H_264'
            ? h264Profile(h26x.codecProfile, `${at}.codecProfile`)
            : undefined;
      const specified = h26x.framerateControl === 'SPECIFIED';
      const gopSize = optionalNumber(h26x.gopSize, `${at}.gopSize`, 0, 100_000);
      const qvbr = h26x.qvbrSettings === undefined ? {} : object(h26x.qvbrSettings, `${at}.qvbrSettings`);
      video = {
        codec: codecSettings.codec,
        ...(width !== undefined ? { width } : {}),
        ...(height !== undefined ? { height } : {}),
        scaling,
        rateControl,
        ...optional('bitrate', bitrate),
        ...optional('maxBitrate', optionalNumber(h26x.maxBitrate, `${at}.maxBitrate`, 1000, 1_152_000_000)),
        ...optional('qvbrQualityLevel', optionalNumber(qvbr.qvbrQualityLevel, `${at}.qvbrQualityLevel`, 1, 10)),
        ...optional('profile', profile),
        ...(specified
          ? {
              framerate: [
                optionalNumber(h26x.framerateNumerator, `${at}.framerateNumerator`, 1, 2_147_483_647) ?? 30,
                optionalNumber(h26x.framerateDenominator, `${at}.framerateDenominator`, 1, 2_147_483_647) ?? 1,
              ] as const,
            }
          : {}),
        ...(gopSize
          ? {
              gop: {
                size: gopSize,
                units: h26x.gopSizeUnits === 'SECONDS' ? ('SECONDS' as const) : ('FRAMES' as const),
              },
            }
          : {}),
        ...optional(
          'bFrames',
          optionalNumber(h26x.numberBFramesBetweenReferenceFrames, `${at}.numberBFramesBetweenReferenceFrames`, 0, 7),
        ),
        ...optional('referenceFrames', optionalNumber(h26x.numberReferenceFrames, `${at}.numberReferenceFrames`, 1, 6)),
        sceneChangeDetect: h26x.sceneChangeDetect !== 'DISABLED',
      };
    } else {
      throw unsupportedSetting(`${where}.videoDescription.codecSettings.codec ${JSON.stringify(codecSettings.codec)}`);
    }
  }

  const descriptions = output.audioDescriptions === undefined ? [] : array(output.audioDescriptions, where);
  if (descriptions.length > 1) throw unsupportedSetting(`${where}.audioDescriptions with more than one track`);
  if (frameCapture && descriptions.length > 0) throw bad(`${where}: a frame capture output has no audio`);
  const audio =
    descriptions.length === 1
      ? planAudio(descriptions[0], `${where}.audioDescriptions[0]`, selectors.audio)
      : undefined;
  if (captions) {
    if (video || frameCapture || audio) {
      throw unsupportedSetting(`${where}: captions in an output with video or audio (only sidecar captions are)`);
    }
    if (container !== 'RAW') throw bad(`${where}: sidecar captions outputs need the RAW container (no container)`);
  } else if (!video && !frameCapture && !audio) throw bad(`${where} has neither video nor audio`);
  if (container === 'RAW' && !frameCapture && !captions && (video || !audio)) {
    throw bad(`${where}: a RAW container holds a frame capture or one audio stream`);
  }
  if (container === 'RAW' && audio?.codec === 'WAV') throw unsupportedSetting(`${where}: WAV in a RAW container`);

  const nameModifier = output.nameModifier === undefined ? '' : string(output.nameModifier, `${where}.nameModifier`);
  const extension =
    output.extension === undefined
      ? defaultExtension(container, frameCapture, audio, captions)
      : string(output.extension, `${where}.extension`).replace(/^\./, '');
  return {
    container: container as ContainerKind,
    nameModifier,
    extension,
    moovFirst: mp4.moovPlacement !== 'NORMAL',
    ...(video ? { video } : {}),
    ...(frameCapture ? { frameCapture } : {}),
    ...(audio ? { audio } : {}),
    ...(captions ? { captions } : {}),
  };
}

/** A sidecar output's one captions description, from a selector of the input. */
function planCaptions(
  output: Json,
  where: string,
  selectors: ReadonlyMap<string, CaptionSelectorPlan>,
): CaptionPlan | undefined {
  if (output.captionDescriptions === undefined) return undefined;
  const descriptions = array(output.captionDescriptions, `${where}.captionDescriptions`);
  if (descriptions.length === 0) return undefined;
  if (descriptions.length > 1) throw bad(`${where}: a sidecar captions output holds one captions description`);
  const at = `${where}.captionDescriptions[0]`;
  const description = object(descriptions[0], at);
  const name = string(description.captionSelectorName, `${at}.captionSelectorName`);
  const selector = selectors.get(name);
  if (!selector) throw bad(`${at}.captionSelectorName ${JSON.stringify(name)} names no captions selector`);
  const destination = object(description.destinationSettings, `${at}.destinationSettings`);
  const type = destination.destinationType;
  if (type !== 'WEBVTT' && type !== 'SRT') {
    throw unsupportedSetting(`${at}.destinationSettings.destinationType ${JSON.stringify(type)}`);
  }
  return { selector, destination: type };
}

function planAudio(value: unknown, where: string, selectors: Json): AudioPlan {
  const description = object(value, where);
  const codecSettings = object(description.codecSettings, `${where}.codecSettings`);
  let track = 1;
  if (description.audioSourceName !== undefined) {
    const name = string(description.audioSourceName, `${where}.audioSourceName`);
    const selector = selectors[name];
    if (selector === undefined) throw bad(`${where}.audioSourceName ${JSON.stringify(name)} names no audio selector`);
    const tracks = object(selector, `audioSelectors.${name}`).tracks;
    if (tracks !== undefined) {
      const list = array(tracks, `audioSelectors.${name}.tracks`);
      if (list.length !== 1) throw unsupportedSetting(`audioSelectors.${name}.tracks with ${list.length} tracks`);
      track = optionalNumber(list[0], `audioSelectors.${name}.tracks[0]`, 1, 2_147_483_647) ?? 1;
    }
  }
  switch (codecSettings.codec) {
    case 'AAC': {
      const aac = object(codecSettings.aacSettings ?? {}, `${where}.codecSettings.aacSettings`);
      const mode = aac.codingMode ?? 'CODING_MODE_2_0';
      const channels = { CODING_MODE_1_0: 1, CODING_MODE_1_1: 2, CODING_MODE_2_0: 2 }[mode as string];
      if (!channels) throw unsupportedSetting(`${where}.codecSettings.aacSettings.codingMode ${JSON.stringify(mode)}`);
      return {
        codec: 'AAC',
        bitrate: optionalNumber(aac.bitrate, `${where}...bitrate`, 6000, 1_024_000) ?? 96_000,
        sampleRate: optionalNumber(aac.sampleRate, `${where}...sampleRate`, 8000, 96000) ?? 48000,
        channels,
        track,
      };
    }
    case 'MP3': {
      const mp3 = object(codecSettings.mp3Settings ?? {}, `${where}.codecSettings.mp3Settings`);
      return {
        codec: 'MP3',
        bitrate: optionalNumber(mp3.bitrate, `${where}...bitrate`, 16000, 320000) ?? 192_000,
        sampleRate: optionalNumber(mp3.sampleRate, `${where}...sampleRate`, 22050, 48000) ?? 48000,
        channels: optionalNumber(mp3.channels, `${where}...channels`, 1, 2) ?? 2,
        track,
      };
    }
    case 'WAV': {
      const wav = object(codecSettings.wavSettings ?? {}, `${where}.codecSettings.wavSettings`);
      return {
        codec: 'WAV',
        sampleRate: optionalNumber(wav.sampleRate, `${where}...sampleRate`, 8000, 192000) ?? 48000,
        channels: optionalNumber(wav.channels, `${where}...channels`, 1, 64) ?? 2,
        track,
      };
    }
    default:
      throw unsupportedSetting(`${where}.codecSettings.codec ${JSON.stringify(codecSettings.codec)}`);
  }
}

function defaultExtension(
  container: string,
  frameCapture: unknown,
  audio: AudioPlan | undefined,
  captions: CaptionPlan | undefined,
): string {
  if (captions) return captions.destination === 'SRT' ? 'srt' : 'vtt';
  if (frameCapture) return 'jpg';
  if (container === 'RAW') return audio?.codec === 'MP3' ? 'mp3' : 'aac';
  if (container === 'MOV') return 'mov';
  if (container === 'M3U8') return 'm3u8';
  return 'mp4';
}

function h264Profile(value: unknown, where: string): VideoPlan['profile'] {
  const profile = oneOf(
    value,
    ['BASELINE', 'MAIN', 'HIGH', 'HIGH_10BIT', 'HIGH_422', 'HIGH_422_10BIT'] as const,
    where,
  );
  if (profile !== 'BASELINE' && profile !== 'MAIN' && profile !== 'HIGH')
    throw unsupportedSetting(`${where} ${profile}`);
  return profile;
}

function unsupportedSetting(what: string): AwsError {
  return bad(`${what} is not supported by mediaplane's local MediaConvert (see docs/compatibility.md)`);
}

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${where} must be an object`);
  return value as Json;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw bad(`${where} must be a list`);
  return value;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw bad(`${where} must be a string`);
  return value;
}

function optionalNumber(value: unknown, where: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(`${where} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (!allowed.includes(value as T)) throw bad(`${where} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
