import type { PixelFormatInfo, ScanningInfo, VideoMetadata } from './records';

/** The parts of `ffprobe -show_format -show_streams -of json` that the metadata comes from. */
export interface ProbeReport {
  readonly format?: {
    readonly format_name?: string;
    readonly format_long_name?: string;
    readonly duration?: string;
    readonly size?: string;
    readonly bit_rate?: string;
  };
  readonly streams?: ReadonlyArray<{
    readonly codec_type?: string;
    readonly codec_name?: string;
    readonly codec_long_name?: string;
    readonly pix_fmt?: string;
    readonly width?: number;
    readonly height?: number;
    readonly sample_aspect_ratio?: string;
    readonly display_aspect_ratio?: string;
    readonly field_order?: string;
    readonly avg_frame_rate?: string;
    readonly r_frame_rate?: string;
    readonly nb_frames?: string;
    readonly duration?: string;
    readonly bit_rate?: string;
  }>;
}

export class NotAVideo extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAVideo';
  }
}

/**
 * Pixop's `metadata` from an ffprobe report. `videoPacketBytes` (the sum of the video packets' sizes) is used for
 * `videoStreamSize` when the container states no bit rate for the stream (Matroska, MPEG-TS).
 */
export function metadataFromProbe(report: ProbeReport, fileSize: number, videoPacketBytes?: number): VideoMetadata {
  const video = report.streams?.find((stream) => stream.codec_type === 'video');
  if (!video || !video.width || !video.height) throw new NotAVideo('The file has no video stream');
  const fps = ratio(video.avg_frame_rate) || ratio(video.r_frame_rate);
  const durationSeconds = number(video.duration) || number(report.format?.duration);
  const durationInMillis = Math.round(durationSeconds * 1000);
  const frames = Number.parseInt(video.nb_frames ?? '', 10);
  const streamBitrate = number(video.bit_rate);
  const videoStreamSize = streamBitrate
    ? Math.round((streamBitrate * durationSeconds) / 8)
    : (videoPacketBytes ?? Math.round((number(report.format?.bit_rate) * durationSeconds) / 8));
  const sar = ratio(video.sample_aspect_ratio?.replace(':', '/')) || 1;
  const dar = ratio(video.display_aspect_ratio?.replace(':', '/')) || (video.width * sar) / video.height;
  return {
    containerName: report.format?.format_name ?? 'unknown',
    longContainerName: report.format?.format_long_name ?? 'unknown',
    codecName: video.codec_name ?? 'unknown',
    longCodecName: video.codec_long_name ?? 'unknown',
    pixelFormat: pixelFormatInfo(video.pix_fmt ?? 'unknown'),
    frameWidth: video.width,
    frameHeight: video.height,
    displayAspectRatio: round(dar, 6),
    scanning: { metadata: scanningFromFieldOrder(video.field_order) },
    averageFramerate: round(fps, 5),
    durationInMillis,
    totalFrames: Number.isFinite(frames) && frames > 0 ? frames : Math.round(durationSeconds * fps),
    size: number(report.format?.size) || fileSize,
    videoStreamSize,
    videoBitrate: streamBitrate || (durationSeconds > 0 ? Math.round((videoStreamSize * 8) / durationSeconds) : 0),
    hasAudio: report.streams?.some((stream) => stream.codec_type === 'audio') ?? false,
  };
}

/** `yuv422p10le` → 4:2:2, 10 bits. RGB formats count as 4:4:4, grey as 4:0:0. */
export function pixelFormatInfo(name: string): PixelFormatInfo {
  const yuv = /^yuva?j?(410|411|420|422|440|444)p(\d+)?/.exec(name);
  if (yuv?.[1]) {
    const [a, b, c] = yuv[1];
    return { name, chromaSubsampling: { yuv: `${a}:${b}:${c}`, bits: yuv[2] ? Number(yuv[2]) : 8 } };
  }
  const semiplanar: Record<string, [string, number]> = {
    nv12: ['4:2:0', 8],
    nv21: ['4:2:0', 8],
    nv16: ['4:2:2', 8],
    p010le: ['4:2:0', 10],
    p016le: ['4:2:0', 16],
    uyvy422: ['4:2:2', 8],
    yuyv422: ['4:2:2', 8],
  };
  const known = semiplanar[name];
  if (known) return { name, chromaSubsampling: { yuv: known[0], bits: known[1] } };
  const rgb = /^(?:gbrap?|rgba?|bgra?|argb|abgr|rgb|bgr)(\d+)?/.exec(name);
  if (rgb) {
    const depth = rgb[1] ? Number(rgb[1]) : 8;
    // rgb24/rgb48 name the bits of the whole pixel.
    return { name, chromaSubsampling: { yuv: '4:4:4', bits: depth === 24 ? 8 : depth === 48 ? 16 : depth } };
  }
  const gray = /^gray(\d+)?/.exec(name);
  if (gray) return { name, chromaSubsampling: { yuv: '4:0:0', bits: gray[1] ? Number(gray[1]) : 8 } };
  return { name, chromaSubsampling: { yuv: 'unknown', bits: 8 } };
}

/** ffprobe's `field_order`: tt/tb top field first, bb/bt bottom field first; many files state none. */
export function scanningFromFieldOrder(fieldOrder: string | undefined): ScanningInfo {
  switch (fieldOrder) {
    case 'tt':
    case 'tb':
      return { scanningType: 'interlaced', interlacedFieldOrder: 'top_field' };
    case 'bb':
    case 'bt':
      return { scanningType: 'interlaced', interlacedFieldOrder: 'bottom_field' };
    case 'progressive':
      return { scanningType: 'progressive' };
    default:
      return { scanningType: 'unknown' };
  }
}

/** What the source's scanning is: the deep analysis where it could tell, else what the file states. */
export function sourceScanning(metadata: VideoMetadata): ScanningInfo {
  const heuristics = metadata.scanning.heuristics;
  return heuristics && heuristics.scanningType !== 'unknown' ? heuristics : metadata.scanning.metadata;
}

/**
 * The `idet` filter's verdict ("Multi frame detection: TFF: n BFF: n Progressive: n Undetermined: n"): the larger
 * of interlaced and progressive frames decides.
 */
export function scanningFromIdet(stderr: string): ScanningInfo | undefined {
  const match = /Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)/.exec(stderr);
  if (!match) return undefined;
  const [tff, bff, progressive] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Flat or synthetic pictures leave every frame undetermined: the analysis cannot tell.
  if (tff + bff + progressive === 0) return { scanningType: 'unknown' };
  if (progressive >= tff + bff) return { scanningType: 'progressive' };
  return { scanningType: 'interlaced', interlacedFieldOrder: tff >= bff ? 'top_field' : 'bottom_field' };
}

function ratio(value: string | undefined): number {
  if (!value) return 0;
  const [numerator, denominator = '1'] = value.split('/');
  const result = Number(numerator) / Number(denominator);
  return Number.isFinite(result) && result > 0 ? result : 0;
}

function number(value: string | undefined): number {
  const result = Number.parseFloat(value ?? '');
  return Number.isFinite(result) ? result : 0;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
