import { InvalidField } from './errors';
import { sourceScanning } from './metadata';
import type { ProcessingSegment } from './ports';
import {
  FRAME_RATE_TAGS,
  type BitDepth,
  type Codec,
  type Container,
  type DnxProfile,
  type ProcessRequest,
  type ProresProfile,
  type Yuv,
} from './process-request';
import type { VideoMetadata } from './records';

/**
 * How a processed video is made: the request resolved against the source's metadata into one ffmpeg recipe.
 * Every combination the encoders or containers cannot produce is refused here, before any work starts, with the
 * field to change. The plan is JSON so the API can store it and every segment worker encode the same way.
 */
export interface EncodingPlan {
  readonly container: Container;
  readonly codec: Codec;
  readonly profile?: string;
  readonly extension: string;
  readonly muxer: string;
  readonly width: number;
  readonly height: number;
  /** Output frame rate as an ffmpeg rational (`24000/1001`), and as a number. */
  readonly frameRate: string;
  readonly fps: number;
  readonly yuv: Yuv;
  readonly bits: BitDepth;
  readonly pixelFormat: string;
  readonly interlaced?: { readonly tff: boolean };
  /** Bits per second; `undefined` where the codec's profile fixes the rate or the codec is lossless. */
  readonly bitrate?: number;
  /** ffmpeg `-vf` filters, in order. */
  readonly filters: readonly string[];
  /** Encoder options (`-c:v …`). */
  readonly encoderArgs: readonly string[];
  /** Muxer options for the final file. */
  readonly muxerArgs: readonly string[];
  /** Audio codec options for the final file, when the source has audio. */
  readonly audioArgs?: readonly string[];
  readonly startSeconds: number;
  readonly durationSeconds: number;
}

/** Which containers hold which codecs (the seed's table). */
export const CONTAINER_CODECS: Readonly<Record<Container, readonly Codec[]>> = {
  mov: ['h264', 'prores', 'dnxhd', 'hevc', 'mpeg2', 'ffv1'],
  mxf: ['h264', 'xdcam', 'mpeg2', 'dnxhd'],
  mp4: ['h264', 'hevc'],
  mts: ['h264', 'hevc', 'mpeg2'],
};

const MUXERS: Readonly<Record<Container, { muxer: string; extension: string; args: readonly string[] }>> = {
  mov: { muxer: 'mov', extension: 'mov', args: ['-movflags', '+faststart'] },
  mp4: { muxer: 'mp4', extension: 'mp4', args: ['-movflags', '+faststart'] },
  mxf: { muxer: 'mxf', extension: 'mxf', args: [] },
  mts: { muxer: 'mpegts', extension: 'mts', args: [] },
};

/** Chroma subsampling and bit depths each encoder produces (libx264, libx265, mpeg2video, ffv1 as built). */
const CHROMA: Readonly<
  Record<'h264' | 'hevc' | 'mpeg2' | 'xdcam' | 'ffv1', Partial<Record<Yuv, readonly BitDepth[]>>>
> = {
  h264: { '4:2:0': [8, 10], '4:2:2': [8, 10], '4:4:4': [8, 10] },
  hevc: { '4:2:0': [8, 10, 12], '4:2:2': [8, 10, 12], '4:4:4': [8, 10, 12] },
  mpeg2: { '4:2:0': [8], '4:2:2': [8] },
  xdcam: { '4:2:2': [8] },
  ffv1: {
    '4:1:0': [8],
    '4:1:1': [8],
    '4:2:0': [8, 10, 12, 14, 16],
    '4:2:2': [8, 10, 12, 14, 16],
    '4:4:0': [8, 10, 12],
    '4:4:4': [8, 10, 12, 14, 16],
  },
};

const PRORES: Readonly<Record<ProresProfile, { id: number; yuv: Yuv }>> = {
  proxy: { id: 0, yuv: '4:2:2' },
  lt: { id: 1, yuv: '4:2:2' },
  standard: { id: 2, yuv: '4:2:2' },
  hq: { id: 3, yuv: '4:2:2' },
  '4444': { id: 4, yuv: '4:4:4' },
  '4444xq': { id: 5, yuv: '4:4:4' },
};

/** DNxHR works at any frame size; ffmpeg's DNxHR HQX and 444 are 10-bit. */
const DNXHR: Readonly<Partial<Record<DnxProfile, { yuv: Yuv; bits: BitDepth }>>> = {
  dnxhr_lb: { yuv: '4:2:2', bits: 8 },
  dnxhr_sq: { yuv: '4:2:2', bits: 8 },
  dnxhr_hq: { yuv: '4:2:2', bits: 8 },
  dnxhr_hqx: { yuv: '4:2:2', bits: 10 },
  dnxhr_444: { yuv: '4:4:4', bits: 10 },
};

type RateBucket = '24' | '25' | '30' | '50' | '60';
/** Avid DNxHD: fixed frame sizes, and a bit rate (Mb/s) per frame rate, as ffmpeg's encoder accepts them. */
const DNXHD: Readonly<
  Record<string, Partial<Record<'lb' | 'sq' | 'hq' | 'hqx', Partial<Record<RateBucket, number>>>>>
> = {
  '1920x1080p': {
    lb: { '24': 36, '25': 36, '30': 45, '50': 75, '60': 90 },
    sq: { '24': 115, '25': 120, '30': 145, '50': 240, '60': 290 },
    hq: { '24': 175, '25': 185, '30': 220, '50': 365, '60': 440 },
    hqx: { '24': 175, '25': 185, '30': 220, '50': 365, '60': 440 },
  },
  '1920x1080i': {
    sq: { '25': 120, '30': 145 },
    hq: { '25': 185, '30': 220 },
    hqx: { '25': 185, '30': 220 },
  },
  '1280x720p': {
    sq: { '24': 60, '25': 60, '30': 75, '50': 120, '60': 145 },
    hq: { '24': 90, '25': 90, '30': 110, '50': 180, '60': 220 },
    hqx: { '24': 90, '25': 90, '50': 180, '60': 220 },
  },
};

const XDCAM_SIZES = ['1920x1080', '1280x720'];
const XDCAM_BITRATE = 50_000_000;

const SOURCE_CODECS: Readonly<Record<string, Codec>> = {
  h264: 'h264',
  hevc: 'hevc',
  prores: 'prores',
  dnxhd: 'dnxhd',
  mpeg2video: 'mpeg2',
  ffv1: 'ffv1',
};

export interface SourceVideo {
  readonly metadata: VideoMetadata;
  /** The uploaded file's name; its extension tells MOV from MP4 (ffprobe names both `mov,mp4,…`). */
  readonly fileName?: string;
}

export function planEncoding(request: ProcessRequest, source: SourceVideo): EncodingPlan {
  const meta = source.metadata;
  const { container, codec } = chooseContainerAndCodec(request, source);
  const { startSeconds, durationSeconds } = chooseRange(request, meta);
  const interlaced = chooseScanning(request, meta, codec, request.dnxProfile);
  const { width, height } = chooseSize(request, meta, codec);
  if (codec === 'xdcam' && !XDCAM_SIZES.includes(`${width}x${height}`)) {
    throw new InvalidField(
      request.resolution ? 'resolution' : 'mediaContainerCodec.codec',
      `XDCAM HD422 frames are ${XDCAM_SIZES.join(' or ')}; the output would be ${width}x${height}`,
    );
  }
  const { frameRate, fps } = chooseFrameRate(request, meta);
  const dnx = codec === 'dnxhd' ? (request.dnxProfile ?? 'dnxhr_hq') : undefined;
  const prores = codec === 'prores' ? (request.proresProfile ?? 'standard') : undefined;
  const { yuv, bits } = chooseChroma(request, meta, codec, prores, dnx);
  const pixelFormat = pixelFormatName(yuv, bits);
  const bitrate = chooseBitrate(request, meta, codec, width, height, fps);

  let encoderArgs: string[];
  let profile: string | undefined;
  switch (codec) {
    case 'h264':
      encoderArgs = ['-c:v', 'libx264', '-preset', 'fast', ...rateControl(bitrate as number)];
      if (interlaced) encoderArgs.push('-x264-params', `interlaced=1:${interlaced.tff ? 'tff' : 'bff'}=1`);
      break;
    case 'hevc':
      encoderArgs = ['-c:v', 'libx265', '-preset', 'fast', ...rateControl(bitrate as number)];
      encoderArgs.push('-x265-params', 'log-level=error');
      if (container === 'mov' || container === 'mp4') encoderArgs.push('-tag:v', 'hvc1');
      break;
    case 'mpeg2':
      encoderArgs = ['-c:v', 'mpeg2video', ...rateControl(bitrate as number), '-g', '15', '-bf', '2'];
      if (yuv === '4:2:2') encoderArgs.push('-profile:v', '0', '-level:v', '2');
      encoderArgs.push(...interlacedCoding(interlaced, true));
      break;
    case 'xdcam':
      // XDCAM HD422: MPEG-2 4:2:2 Profile @ High Level, 50 Mb/s CBR, long GOP of 12.
      encoderArgs = [
        ...['-c:v', 'mpeg2video', '-profile:v', '0', '-level:v', '2'],
        ...['-b:v', '50M', '-minrate', '50M', '-maxrate', '50M', '-bufsize', '17825792'],
        ...['-rc_init_occupancy', '17825792', '-g', '12', '-bf', '2', '-intra_vlc', '1', '-non_linear_quant', '1'],
        ...['-qmin', '1', '-qmax', '12', '-dc', '10'],
        ...interlacedCoding(interlaced, true),
      ];
      break;
    case 'prores':
      profile = prores;
      encoderArgs = ['-c:v', 'prores_ks', '-profile:v', String(PRORES[prores as ProresProfile].id), '-vendor', 'apl0'];
      encoderArgs.push(...interlacedCoding(interlaced, false));
      break;
    case 'dnxhd': {
      profile = dnx;
      encoderArgs = ['-c:v', 'dnxhd', ...dnxArgs(dnx as DnxProfile, width, height, fps, interlaced)];
      break;
    }
    case 'ffv1':
      encoderArgs = ['-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1'];
      break;
  }
  encoderArgs.push('-pix_fmt', pixelFormat);

  const muxer = MUXERS[container];
  return {
    container,
    codec,
    profile,
    extension: muxer.extension,
    muxer: muxer.muxer,
    width,
    height,
    frameRate,
    fps,
    yuv,
    bits,
    pixelFormat,
    interlaced,
    bitrate: codec === 'xdcam' ? XDCAM_BITRATE : bitrate,
    filters: buildFilters(request, meta, { width, height, frameRate, pixelFormat, interlaced }),
    encoderArgs,
    muxerArgs: muxer.args,
    audioArgs: meta.hasAudio ? audioArgs(container, codec) : undefined,
    startSeconds,
    durationSeconds,
  };
}

function chooseContainerAndCodec(request: ProcessRequest, source: SourceVideo): { container: Container; codec: Codec } {
  const sourceCodec = SOURCE_CODECS[source.metadata.codecName];
  const sourceContainer = containerOf(source);
  if (request.container && request.codec) {
    if (!CONTAINER_CODECS[request.container].includes(request.codec)) {
      throw new InvalidField(
        'mediaContainerCodec.codec',
        `${request.codec} cannot be stored in ${request.container}; ${request.container} takes ${CONTAINER_CODECS[request.container].join(', ')}`,
      );
    }
    return { container: request.container, codec: request.codec };
  }
  if (request.container) {
    const allowed = CONTAINER_CODECS[request.container];
    return {
      container: request.container,
      codec: sourceCodec && allowed.includes(sourceCodec) ? sourceCodec : (allowed[0] as Codec),
    };
  }
  if (request.codec) {
    const codec = request.codec;
    const container =
      sourceContainer && CONTAINER_CODECS[sourceContainer].includes(codec)
        ? sourceContainer
        : ((Object.keys(CONTAINER_CODECS) as Container[]).find((candidate) =>
            CONTAINER_CODECS[candidate].includes(codec),
          ) as Container);
    return { container, codec };
  }
  const container = sourceContainer ?? 'mov';
  const allowed = CONTAINER_CODECS[container];
  return { container, codec: sourceCodec && allowed.includes(sourceCodec) ? sourceCodec : (allowed[0] as Codec) };
}

function containerOf(source: SourceVideo): Container | undefined {
  const name = source.metadata.containerName;
  if (name.includes('mxf')) return 'mxf';
  if (name.includes('mpegts')) return 'mts';
  if (name.includes('mov')) return /\.mp4$|\.m4v$/i.test(source.fileName ?? '') ? 'mp4' : 'mov';
  return undefined;
}

function chooseRange(request: ProcessRequest, meta: VideoMetadata) {
  const duration = meta.durationInMillis;
  const startMs = request.range?.startMs ?? 0;
  const endMs = request.range?.endMs ?? duration;
  if (startMs >= duration) {
    throw new InvalidField('range.startPositionMilliseconds', `must be before the end of the video (${duration} ms)`);
  }
  if (endMs > duration) {
    throw new InvalidField('range.endPositionMilliseconds', `must be within the video's duration (${duration} ms)`);
  }
  if (endMs <= startMs) {
    throw new InvalidField('range.endPositionMilliseconds', 'must be after range.startPositionMilliseconds');
  }
  return { startSeconds: startMs / 1000, durationSeconds: (endMs - startMs) / 1000 };
}

/** Interlaced coding the encoders can write: H.264, MPEG-2/XDCAM, ProRes and DNxHD (not HEVC, FFV1, DNxHR). */
function supportsInterlaced(codec: Codec, dnx: DnxProfile | undefined): boolean {
  if (codec === 'dnxhd') return (dnx ?? 'dnxhr_hq').startsWith('dnxhd');
  return codec === 'h264' || codec === 'mpeg2' || codec === 'xdcam' || codec === 'prores';
}

function chooseScanning(
  request: ProcessRequest,
  meta: VideoMetadata,
  codec: Codec,
  dnx: DnxProfile | undefined,
): { tff: boolean } | undefined {
  if (request.scanning?.type === 'interlaced') {
    if (request.deinterlacer) {
      throw new InvalidField('scanning', 'interlaced output cannot be combined with a deinterlacer');
    }
    if (!supportsInterlaced(codec, dnx)) {
      const what = codec === 'dnxhd' ? `DNxHR (${dnx ?? 'dnxhr_hq'})` : codec;
      throw new InvalidField('scanning', `${what} cannot be encoded interlaced; choose progressive scanning`);
    }
    return { tff: request.scanning.tff };
  }
  if (request.scanning?.type === 'progressive' || request.deinterlacer) return undefined;
  // Auto: keep the source's interlacing where the target codec can carry it.
  const source = sourceScanning(meta);
  if (source.scanningType === 'interlaced' && supportsInterlaced(codec, dnx)) {
    return { tff: source.interlacedFieldOrder !== 'bottom_field' };
  }
  return undefined;
}

function chooseSize(request: ProcessRequest, meta: VideoMetadata, codec: Codec): { width: number; height: number } {
  const dar = meta.displayAspectRatio > 0 ? meta.displayAspectRatio : meta.frameWidth / meta.frameHeight;
  const storage = meta.frameWidth / meta.frameHeight;
  let width = meta.frameWidth;
  let height = meta.frameHeight;
  const resolution = request.resolution;
  if (resolution && 'tag' in resolution) {
    switch (resolution.tag) {
      case 'hd_1080p':
      case 'uhd_4k':
      case 'uhd_8k': {
        // The tag sets the height; the width follows the source's shape (a 560x320 source becomes 1890x1080).
        height = { hd_1080p: 1080, uhd_4k: 2160, uhd_8k: 4320 }[resolution.tag];
        width = height * dar;
        break;
      }
      case '2x':
      case '3x':
      case '4x': {
        const factor = Number(resolution.tag[0]);
        width = meta.frameWidth * factor;
        height = meta.frameHeight * factor;
        break;
      }
      case 'no_scaling':
        break;
    }
  } else if (resolution) {
    const ratio = resolution.aspectRatioTag === 'storage' ? storage : aspectOf(resolution.aspectRatioTag, dar);
    width = resolution.width ?? (resolution.height as number) * ratio;
    height = resolution.height ?? (resolution.width as number) / ratio;
  }
  const multiple = codec === 'ffv1' ? 4 : 2;
  width = Math.max(multiple, Math.round(width / multiple) * multiple);
  height = Math.max(2, Math.round(height / 2) * 2);
  if (width > 7680 || height > 4320) {
    throw new InvalidField('resolution', `the output would be ${width}x${height}, beyond 7680x4320`);
  }
  if (width < 16 || height < 16)
    throw new InvalidField('resolution', `the output would be ${width}x${height}, below 16x16`);
  return { width, height };
}

function aspectOf(tag: string | undefined, display: number): number {
  if (tag === '16:9') return 16 / 9;
  if (tag === '4:3') return 4 / 3;
  return display;
}

function chooseFrameRate(request: ProcessRequest, meta: VideoMetadata): { frameRate: string; fps: number } {
  if (request.frameRateConverter && !request.frameRate) {
    throw new InvalidField('frameRate', 'is required when frameRateConverter is given');
  }
  const fps = request.frameRate?.fps ?? meta.averageFramerate;
  return { frameRate: rational(fps), fps };
}

/** NTSC rates as their exact fractions; anything else to a thousandth. */
export function rational(fps: number): string {
  for (const value of Object.values(FRAME_RATE_TAGS)) {
    if (Math.abs(value - fps) < 0.0005 && !Number.isInteger(value)) return `${Math.round(value * 1001)}/1001`;
  }
  return `${Math.round(fps * 1000)}/1000`;
}

function chooseChroma(
  request: ProcessRequest,
  meta: VideoMetadata,
  codec: Codec,
  prores: ProresProfile | undefined,
  dnx: DnxProfile | undefined,
): { yuv: Yuv; bits: BitDepth } {
  const field = 'chromaSubsampling';
  let supported: Partial<Record<Yuv, readonly BitDepth[]>>;
  let what: string = codec;
  if (codec === 'prores') {
    supported = { [PRORES[prores as ProresProfile].yuv]: [10] };
    what = `ProRes ${prores}`;
  } else if (codec === 'dnxhd') {
    const fixed = dnxChroma(dnx as DnxProfile);
    supported = { [fixed.yuv]: [fixed.bits] };
    what = dnx as string;
  } else {
    supported = CHROMA[codec];
  }
  const sourceYuv = meta.pixelFormat.chromaSubsampling.yuv as Yuv;
  const sourceBits = meta.pixelFormat.chromaSubsampling.bits as BitDepth;
  const yuvOptions = Object.keys(supported) as Yuv[];
  if (request.yuv !== undefined && !supported[request.yuv]) {
    throw new InvalidField(`${field}.yuv`, `${what} takes ${yuvOptions.join(', ')}, not ${request.yuv}`);
  }
  // Unstated values are inherited from the source where the encoder can keep them, else the nearest it can do.
  const yuv = request.yuv ?? (supported[sourceYuv] ? sourceYuv : (yuvOptions[0] as Yuv));
  const depths = supported[yuv] as readonly BitDepth[];
  if (request.bits !== undefined && !depths.includes(request.bits)) {
    throw new InvalidField(`${field}.bits`, `${what} at ${yuv} takes ${depths.join(', ')} bits, not ${request.bits}`);
  }
  const bits =
    request.bits ??
    (depths.includes(sourceBits)
      ? sourceBits
      : (depths.find((d) => d >= sourceBits) ?? (depths[depths.length - 1] as BitDepth)));
  return { yuv, bits };
}

function dnxChroma(dnx: DnxProfile): { yuv: Yuv; bits: BitDepth } {
  if (dnx === 'dnxhd_444') {
    throw new InvalidField('dnxhdHrProfile', 'dnxhd_444 cannot be produced; use dnxhr_444 for 4:4:4');
  }
  if (dnx.startsWith('dnxhr')) return DNXHR[dnx] as { yuv: Yuv; bits: BitDepth };
  return { yuv: '4:2:2', bits: dnx === 'dnxhd_hqx' ? 10 : 8 };
}

function dnxArgs(
  dnx: DnxProfile,
  width: number,
  height: number,
  fps: number,
  interlaced: { tff: boolean } | undefined,
): string[] {
  if (dnx.startsWith('dnxhr')) {
    if (width < 256 || height < 120) {
      throw new InvalidField(
        'dnxhdHrProfile',
        `DNxHR frames are at least 256x120; the output would be ${width}x${height}`,
      );
    }
    return ['-profile:v', dnx];
  }
  const size = `${width}x${height}${interlaced ? 'i' : 'p'}`;
  const rates = DNXHD[size]?.[dnx.slice('dnxhd_'.length) as 'lb' | 'sq' | 'hq' | 'hqx'];
  const mbps = rates?.[rateBucket(fps) as RateBucket];
  if (!mbps) {
    const sizes = Object.keys(DNXHD).join(', ');
    throw new InvalidField(
      'dnxhdHrProfile',
      `${dnx} is defined for ${sizes} frames at 23.976–60 fps; the output would be ${size} at ${fps.toFixed(3)} fps (choose a DNxHR profile or another resolution)`,
    );
  }
  return [
    '-profile:v',
    'dnxhd',
    '-b:v',
    `${mbps}M`,
    ...(interlaced ? ['-flags', '+ildct', '-top', interlaced.tff ? '1' : '0'] : []),
  ];
}

function rateBucket(fps: number): RateBucket | undefined {
  const near = (value: number) => Math.abs(fps - value) < 0.01;
  if (near(24) || near(24000 / 1001)) return '24';
  if (near(25)) return '25';
  if (near(30) || near(30000 / 1001)) return '30';
  if (near(50)) return '50';
  if (near(60) || near(60000 / 1001)) return '60';
  return undefined;
}

function chooseBitrate(
  request: ProcessRequest,
  meta: VideoMetadata,
  codec: Codec,
  width: number,
  height: number,
  fps: number,
) {
  if (codec === 'prores' || codec === 'dnxhd' || codec === 'ffv1' || codec === 'xdcam') {
    if (request.bitrateMbps !== undefined && !(codec === 'xdcam' && request.bitrateMbps === 50)) {
      const why =
        codec === 'ffv1' ? 'FFV1 is lossless' : codec === 'xdcam' ? 'XDCAM HD422 is 50 Mb/s' : 'the profile sets it';
      throw new InvalidField('bitrate.mbps', `cannot be set for ${codec} (${why})`);
    }
    return undefined;
  }
  if (request.bitrateMbps !== undefined) return Math.round(request.bitrateMbps * 1_000_000);
  // Scale the source's rate by the change in pixels per second; 0.1 bit per pixel when the source rate is unknown.
  const sourcePixelRate = meta.frameWidth * meta.frameHeight * (meta.averageFramerate || fps);
  const targetPixelRate = width * height * fps;
  const estimate =
    meta.videoBitrate > 0 ? (meta.videoBitrate * targetPixelRate) / sourcePixelRate : targetPixelRate * 0.1;
  return Math.round(Math.min(4_000_000_000, Math.max(500_000, estimate)));
}

function rateControl(bitrate: number): string[] {
  return ['-b:v', String(bitrate), '-maxrate', String(Math.round(bitrate * 1.5)), '-bufsize', String(bitrate * 2)];
}

function interlacedCoding(interlaced: { tff: boolean } | undefined, motion: boolean): string[] {
  if (!interlaced) return [];
  return ['-flags', motion ? '+ildct+ilme' : '+ildct', '-top', interlaced.tff ? '1' : '0'];
}

export function pixelFormatName(yuv: Yuv, bits: BitDepth): string {
  const base = {
    '4:1:0': 'yuv410p',
    '4:1:1': 'yuv411p',
    '4:2:0': 'yuv420p',
    '4:2:2': 'yuv422p',
    '4:4:0': 'yuv440p',
    '4:4:4': 'yuv444p',
  }[yuv];
  return bits === 8 ? base : `${base}${bits}le`;
}

/** Audio as each container expects it: PCM in MXF and beside intra codecs in MOV, AAC elsewhere. */
function audioArgs(container: Container, codec: Codec): string[] {
  if (container === 'mxf') return ['-c:a', 'pcm_s16le', '-ar', '48000'];
  if (container === 'mov' && (codec === 'prores' || codec === 'dnxhd' || codec === 'ffv1'))
    return ['-c:a', 'pcm_s16le'];
  return ['-c:a', 'aac', '-b:a', '192k'];
}

const CLARITY_AMOUNTS = [0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5];

/**
 * ffmpeg filters for Pixop's: the ML filters (Pixop Deinterlacer, Denoiser, Super Resolution, Deep Restoration) are
 * stood in for by the classic filter of the same job, as documented in docs/compatibility.md.
 */
function buildFilters(
  request: ProcessRequest,
  meta: VideoMetadata,
  target: { width: number; height: number; frameRate: string; pixelFormat: string; interlaced?: { tff: boolean } },
): string[] {
  const filters: string[] = [];
  const sourceInterlaced = sourceScanning(meta).scanningType === 'interlaced';
  const which = sourceInterlaced ? 'all' : 'interlaced';
  switch (request.deinterlacer) {
    case 'deint':
    case 'bwdif':
      filters.push(`bwdif=mode=send_frame:parity=auto:deint=${which}`);
      break;
    case 'yadif':
      filters.push(`yadif=mode=send_frame:parity=auto:deint=${which}`);
      break;
    case 'weston3f':
      // W3FDIF makes one frame per field; the fps filter brings the rate back.
      filters.push(`w3fdif=filter=complex:deint=${which}`, `fps=${rational(meta.averageFramerate)}`);
      break;
  }
  if (request.denoiser === 'hqdn3d') filters.push('hqdn3d');
  if (request.denoiser === 'denoise')
    filters.push('hqdn3d=luma_spatial=6:chroma_spatial=4.5:luma_tmp=9:chroma_tmp=6.75');
  if (request.stabilizer === 'dejit') filters.push('deshake');
  const resized = target.width !== meta.frameWidth || target.height !== meta.frameHeight;
  if (resized || request.scaler) {
    const flags = request.scaler === 'scale' || !request.scaler ? 'bicubic' : 'lanczos';
    filters.push(`scale=${target.width}:${target.height}:flags=${flags}`);
  }
  filters.push('setsar=1');
  const amount = CLARITY_AMOUNTS[request.clarityBoost ?? 0] ?? 0;
  if (amount > 0) filters.push(`unsharp=5:5:${amount}:5:5:0`);
  if (request.frameRate) {
    switch (request.frameRateConverter ?? 'fps') {
      case 'fps':
        filters.push(`fps=${target.frameRate}`);
        break;
      case 'fblend':
        filters.push(`framerate=fps=${target.frameRate}`);
        break;
      case 'mcinterpolate':
        filters.push(`minterpolate=fps=${target.frameRate}:mi_mode=mci:mc_mode=aobmc:vsbmc=1`);
        break;
    }
  }
  if (request.postProcessor === 'filmgrain') filters.push('noise=alls=12:allf=t');
  filters.push(`format=${target.pixelFormat}`);
  if (target.interlaced) filters.push(`setfield=${target.interlaced.tff ? 'tff' : 'bff'}`);
  return filters;
}

/**
 * Cuts the range into segments of about `segmentSeconds`, each a whole number of output frames so the joined
 * video's timestamps run on without a gap; a range shorter than two segments is one segment.
 */
export function planSegments(
  plan: Pick<EncodingPlan, 'durationSeconds' | 'fps'>,
  segmentSeconds: number,
): ProcessingSegment[] {
  const totalFrames = Math.max(1, Math.round(plan.durationSeconds * plan.fps));
  const framesPerSegment = Math.max(1, Math.round(segmentSeconds * plan.fps));
  const count = totalFrames < 2 * framesPerSegment ? 1 : Math.ceil(totalFrames / framesPerSegment);
  const segments: ProcessingSegment[] = [];
  for (let index = 0; index < count; index++) {
    const firstFrame = index * framesPerSegment;
    const frames = index === count - 1 ? totalFrames - firstFrame : framesPerSegment;
    segments.push({ index, start: round6(firstFrame / plan.fps), duration: round6(frames / plan.fps) });
  }
  return segments;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** `processingParameters` of the video object: the request as resolved, in the API's shape. */
export function processingParameters(request: ProcessRequest, plan: EncodingPlan) {
  const filters: Array<{ name: string; properties: Record<string, unknown> }> = [];
  if (request.deinterlacer) filters.push({ name: request.deinterlacer, properties: {} });
  if (request.denoiser) filters.push({ name: request.denoiser, properties: {} });
  if (request.stabilizer) filters.push({ name: request.stabilizer, properties: {} });
  if (request.scaler) {
    filters.push({
      name: request.scaler,
      properties: request.clarityBoost
        ? { clarityBoost: ['none', 'marginal', 'very_low', 'low', 'medium', 'high', 'very_high'][request.clarityBoost] }
        : {},
    });
  }
  if (request.frameRate) filters.push({ name: request.frameRateConverter ?? 'fps', properties: { fps: plan.fps } });
  if (request.postProcessor) filters.push({ name: request.postProcessor, properties: {} });
  return {
    sourceVideo: {
      startPositionMilliseconds: Math.round(plan.startSeconds * 1000),
      endPositionMilliseconds: Math.round((plan.startSeconds + plan.durationSeconds) * 1000),
    },
    targetVideo: {
      preset: { name: 'custom' },
      container: { name: plan.container, properties: {} },
      codec: { name: plan.codec, properties: plan.profile ? { profile: plan.profile } : {} },
      pixelFormat: { name: plan.pixelFormat, chromaSubsampling: { yuv: plan.yuv, bits: plan.bits } },
      ...(plan.bitrate !== undefined ? { bitrate: plan.bitrate } : {}),
      frameWidth: plan.width,
      frameHeight: plan.height,
      scanning: plan.interlaced
        ? { scanningType: 'interlaced', interlacedFieldOrder: plan.interlaced.tff ? 'top_field' : 'bottom_field' }
        : { scanningType: 'progressive' },
      frameRate: plan.fps,
      videoFilters: filters,
    },
  };
}
