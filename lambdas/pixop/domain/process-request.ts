import { badRequest, InvalidField } from './errors';

/**
 * The body of `POST /v1/process-video/{id}`, checked field by field against the seed's table. Everything here is
 * about the request alone; rules that need the source video (range within its duration, sizes a codec can take)
 * are in `encoding.ts`. Every failure names its field.
 */

export const CONTAINERS = ['mov', 'mxf', 'mp4', 'mts'] as const;
export const CODECS = ['h264', 'prores', 'dnxhd', 'xdcam', 'hevc', 'mpeg2', 'ffv1'] as const;
export const PRORES_PROFILES = ['proxy', 'lt', 'standard', 'hq', '4444', '4444xq'] as const;
export const DNX_PROFILES = [
  'dnxhd_lb',
  'dnxhd_sq',
  'dnxhd_hq',
  'dnxhd_hqx',
  'dnxhd_444',
  'dnxhr_lb',
  'dnxhr_sq',
  'dnxhr_hq',
  'dnxhr_hqx',
  'dnxhr_444',
] as const;
export const SCANNING_TAGS = ['auto', 'progressive', 'interlaced_tff', 'interlaced_bff'] as const;
export const SCANNING_TYPES = ['progressive', 'interlaced'] as const;
export const FIELD_ORDERS = ['top_field', 'bottom_field'] as const;
export const YUV_SUBSAMPLINGS = ['4:1:0', '4:1:1', '4:2:0', '4:2:2', '4:4:0', '4:4:4'] as const;
export const BIT_DEPTHS = [8, 10, 12, 14, 16] as const;
export const DEINTERLACERS = ['deint', 'yadif', 'bwdif', 'weston3f'] as const;
export const DENOISERS = ['denoise', 'hqdn3d'] as const;
export const STABILIZERS = ['dejit'] as const;
export const SCALERS = ['pabsr1', 'dvres', 'dvres2', 'scale'] as const;
export const RESOLUTION_TAGS = ['hd_1080p', 'uhd_4k', 'uhd_8k', '2x', '3x', '4x', 'no_scaling'] as const;
export const ASPECT_RATIO_TAGS = ['display', 'storage', '16:9', '4:3'] as const;
export const CLARITY_BOOSTS = ['none', 'marginal', 'very_low', 'low', 'medium', 'high', 'very_high'] as const;
export const FRAME_RATE_CONVERTERS = ['fps', 'fblend', 'mcinterpolate'] as const;
export const FRAME_RATE_TAGS = {
  film_ntsc: 24000 / 1001,
  film: 24,
  video_pal: 25,
  video_ntsc: 30000 / 1001,
  video_hd: 30,
  video_pal_fast: 50,
  video_ntsc_fast: 60000 / 1001,
  video_hd_fast: 60,
} as const;
export const POST_PROCESSORS = ['filmgrain'] as const;

export type Container = (typeof CONTAINERS)[number];
export type Codec = (typeof CODECS)[number];
export type ProresProfile = (typeof PRORES_PROFILES)[number];
export type DnxProfile = (typeof DNX_PROFILES)[number];
export type Yuv = (typeof YUV_SUBSAMPLINGS)[number];
export type BitDepth = (typeof BIT_DEPTHS)[number];
export type ResolutionTag = (typeof RESOLUTION_TAGS)[number];
export type AspectRatioTag = (typeof ASPECT_RATIO_TAGS)[number];
export type FrameRateTag = keyof typeof FRAME_RATE_TAGS;

export interface ProcessRequest {
  readonly container?: Container;
  readonly codec?: Codec;
  readonly proresProfile?: ProresProfile;
  readonly dnxProfile?: DnxProfile;
  /** `undefined`: auto. */
  readonly scanning?: { readonly type: 'progressive' } | { readonly type: 'interlaced'; readonly tff: boolean };
  /** The request's scanning in its own words, for `processingParameters`. */
  readonly scanningTag?: string;
  readonly yuv?: Yuv;
  readonly bits?: BitDepth;
  readonly bitrateMbps?: number;
  readonly deinterlacer?: (typeof DEINTERLACERS)[number];
  readonly denoiser?: (typeof DENOISERS)[number];
  readonly stabilizer?: (typeof STABILIZERS)[number];
  readonly scaler?: (typeof SCALERS)[number];
  readonly resolution?:
    | { readonly tag: ResolutionTag }
    | { readonly width?: number; readonly height?: number; readonly aspectRatioTag?: AspectRatioTag };
  /** 0 (none) to 6 (very_high). */
  readonly clarityBoost?: number;
  readonly frameRateConverter?: (typeof FRAME_RATE_CONVERTERS)[number];
  readonly frameRate?: { readonly tag?: FrameRateTag; readonly fps: number };
  readonly postProcessor?: (typeof POST_PROCESSORS)[number];
  readonly range?: { readonly startMs?: number; readonly endMs?: number };
}

const TOP_LEVEL_FIELDS = new Set([
  'mediaContainerCodec',
  'appleProresProfile',
  'dnxhdHrProfile',
  'scanning',
  'chromaSubsampling',
  'chroma_subsampling',
  'bitrate',
  'deinterlacer',
  'denoiser',
  'stabilizer',
  'scaler',
  'resolution',
  'clarityBoost',
  'frameRateConverter',
  'frameRate',
  'postProcessor',
  'range',
]);

export function parseProcessRequest(body: unknown): ProcessRequest {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw badRequest('Request body must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_FIELDS.has(key)) throw new InvalidField(key, 'is not a process-video parameter');
  }
  if (body.chromaSubsampling !== undefined && body.chroma_subsampling !== undefined) {
    throw new InvalidField('chromaSubsampling', 'give chromaSubsampling or chroma_subsampling, not both');
  }

  const mediaContainerCodec = optionalObject(body, 'mediaContainerCodec', ['container', 'codec']);
  const container =
    mediaContainerCodec && oneOf(mediaContainerCodec, 'container', CONTAINERS, 'mediaContainerCodec.container');
  const codec = mediaContainerCodec && oneOf(mediaContainerCodec, 'codec', CODECS, 'mediaContainerCodec.codec');

  const proresProfile = oneOf(body, 'appleProresProfile', PRORES_PROFILES);
  if (proresProfile !== undefined && codec !== 'prores') {
    throw new InvalidField('appleProresProfile', 'is only allowed when mediaContainerCodec.codec is prores');
  }
  const dnxProfile = oneOf(body, 'dnxhdHrProfile', DNX_PROFILES);
  if (dnxProfile !== undefined && codec !== 'dnxhd') {
    throw new InvalidField('dnxhdHrProfile', 'is only allowed when mediaContainerCodec.codec is dnxhd');
  }

  const chromaField = body.chroma_subsampling !== undefined ? 'chroma_subsampling' : 'chromaSubsampling';
  const chroma = optionalObject(body, chromaField, ['yuv', 'bits']);
  const yuv = chroma && oneOf(chroma, 'yuv', YUV_SUBSAMPLINGS, `${chromaField}.yuv`);
  const bits = chroma && (oneOf(chroma, 'bits', BIT_DEPTHS, `${chromaField}.bits`) as BitDepth | undefined);

  const bitrate = optionalObject(body, 'bitrate', ['mbps']);
  const bitrateMbps = bitrate && numberIn(bitrate, 'mbps', 0.01, 4000, 'bitrate.mbps');

  const resolution = parseResolution(body);
  const frameRate = parseFrameRate(body);
  const frameRateConverter = oneOf(body, 'frameRateConverter', FRAME_RATE_CONVERTERS);
  const scaler = oneOf(body, 'scaler', SCALERS);
  const clarityBoost = parseClarityBoost(body.clarityBoost);
  if (clarityBoost !== undefined && clarityBoost > 0 && scaler !== 'pabsr1') {
    throw new InvalidField('clarityBoost', 'applies only to the Pixop Super Resolution scaler (scaler pabsr1)');
  }

  return {
    container,
    codec,
    proresProfile,
    dnxProfile,
    ...parseScanning(body),
    yuv,
    bits,
    bitrateMbps,
    deinterlacer: oneOf(body, 'deinterlacer', DEINTERLACERS),
    denoiser: oneOf(body, 'denoiser', DENOISERS),
    stabilizer: oneOf(body, 'stabilizer', STABILIZERS),
    scaler,
    resolution,
    clarityBoost,
    frameRateConverter,
    frameRate,
    postProcessor: oneOf(body, 'postProcessor', POST_PROCESSORS),
    range: parseRange(body),
  };
}

function parseScanning(body: Record<string, unknown>): Pick<ProcessRequest, 'scanning' | 'scanningTag'> {
  const scanning = optionalObject(body, 'scanning', ['tag', 'scanningType', 'interlacedFieldOrder']);
  if (!scanning) return {};
  const tag = oneOf(scanning, 'tag', SCANNING_TAGS, 'scanning.tag');
  const type = oneOf(scanning, 'scanningType', SCANNING_TYPES, 'scanning.scanningType');
  const order = oneOf(scanning, 'interlacedFieldOrder', FIELD_ORDERS, 'scanning.interlacedFieldOrder');
  if (tag !== undefined && (type !== undefined || order !== undefined)) {
    throw new InvalidField('scanning.tag', 'give a scanning tag or scanningType/interlacedFieldOrder, not both');
  }
  if (order !== undefined && type !== 'interlaced') {
    throw new InvalidField('scanning.interlacedFieldOrder', 'is only allowed when scanning.scanningType is interlaced');
  }
  switch (tag ?? type) {
    case undefined:
    case 'auto':
      return { scanningTag: 'auto' };
    case 'progressive':
      return { scanning: { type: 'progressive' }, scanningTag: 'progressive' };
    case 'interlaced_tff':
      return { scanning: { type: 'interlaced', tff: true }, scanningTag: 'interlaced_tff' };
    case 'interlaced_bff':
      return { scanning: { type: 'interlaced', tff: false }, scanningTag: 'interlaced_bff' };
    case 'interlaced': {
      // Top field first is the broadcast default when the order is not given.
      const tff = order !== 'bottom_field';
      return { scanning: { type: 'interlaced', tff }, scanningTag: tff ? 'interlaced_tff' : 'interlaced_bff' };
    }
  }
}

function parseResolution(body: Record<string, unknown>): ProcessRequest['resolution'] {
  const resolution = optionalObject(body, 'resolution', ['tag', 'width', 'height', 'aspectRatioTag']);
  if (!resolution) return undefined;
  const tag = oneOf(resolution, 'tag', RESOLUTION_TAGS, 'resolution.tag');
  const width = integerIn(resolution, 'width', 16, 7680, 'resolution.width');
  const height = integerIn(resolution, 'height', 16, 4320, 'resolution.height');
  const aspectRatioTag = oneOf(resolution, 'aspectRatioTag', ASPECT_RATIO_TAGS, 'resolution.aspectRatioTag');
  if (tag !== undefined) {
    if (width !== undefined || height !== undefined || aspectRatioTag !== undefined) {
      throw new InvalidField('resolution.tag', 'give a resolution tag or width/height, not both');
    }
    return { tag };
  }
  if (width === undefined && height === undefined) {
    throw new InvalidField('resolution', 'needs a tag, or a width and/or a height');
  }
  if (width !== undefined && height !== undefined && aspectRatioTag !== undefined) {
    throw new InvalidField('resolution.aspectRatioTag', 'cannot be given together with both width and height');
  }
  return { width, height, aspectRatioTag };
}

function parseFrameRate(body: Record<string, unknown>): ProcessRequest['frameRate'] {
  const frameRate = optionalObject(body, 'frameRate', ['tag', 'fps']);
  if (!frameRate) return undefined;
  const tag = oneOf(frameRate, 'tag', Object.keys(FRAME_RATE_TAGS) as FrameRateTag[], 'frameRate.tag');
  const fps = numberIn(frameRate, 'fps', 0.001, 999, 'frameRate.fps');
  if (tag !== undefined && fps !== undefined) {
    throw new InvalidField('frameRate.tag', 'give a frame rate tag or fps, not both');
  }
  if (tag !== undefined) return { tag, fps: FRAME_RATE_TAGS[tag] };
  if (fps === undefined) throw new InvalidField('frameRate.fps', 'is required when there is no frameRate.tag');
  return { fps };
}

function parseRange(body: Record<string, unknown>): ProcessRequest['range'] {
  const range = optionalObject(body, 'range', ['startPositionMilliseconds', 'endPositionMilliseconds']);
  if (!range) return undefined;
  const startMs = integerIn(
    range,
    'startPositionMilliseconds',
    0,
    Number.MAX_SAFE_INTEGER,
    'range.startPositionMilliseconds',
  );
  const endMs = integerIn(
    range,
    'endPositionMilliseconds',
    0,
    Number.MAX_SAFE_INTEGER,
    'range.endPositionMilliseconds',
  );
  if (startMs !== undefined && endMs !== undefined && endMs <= startMs) {
    throw new InvalidField('range.endPositionMilliseconds', 'must be after range.startPositionMilliseconds');
  }
  return { startMs, endMs };
}

/** The Java SDK sends the level name; its `getMatching` also takes the level number ("0"–"6"). */
function parseClarityBoost(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const byName = CLARITY_BOOSTS.indexOf(value.toLowerCase() as (typeof CLARITY_BOOSTS)[number]);
    if (byName >= 0) return byName;
    if (/^[0-6]$/.test(value)) return Number(value);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 6) return value;
  throw new InvalidField('clarityBoost', `must be one of ${CLARITY_BOOSTS.join(', ')}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalObject(
  body: Record<string, unknown>,
  field: string,
  allowed: readonly string[],
): Record<string, unknown> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new InvalidField(field, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new InvalidField(`${field}.${key}`, 'is not a known field');
  }
  return value;
}

/** Enumerated values match case-insensitively, as the Java SDK's `getMatching` does. */
function oneOf<T extends string | number>(
  body: Record<string, unknown>,
  key: string,
  values: readonly T[],
  field: string = key,
): T | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  const found = values.find((candidate) =>
    typeof candidate === 'string' && typeof value === 'string'
      ? candidate.toLowerCase() === value.toLowerCase()
      : candidate === value,
  );
  if (found === undefined) throw new InvalidField(field, `must be one of ${values.join(', ')}`);
  return found;
}

function numberIn(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  field: string,
): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidField(field, 'must be a number');
  if (value < min || value > max) throw new InvalidField(field, `must be between ${min} and ${max}`);
  return value;
}

function integerIn(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  field: string,
): number | undefined {
  const value = numberIn(body, key, min, max, field);
  if (value !== undefined && !Number.isInteger(value)) throw new InvalidField(field, 'must be an integer');
  return value;
}
