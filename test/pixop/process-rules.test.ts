import { planEncoding, planSegments, rational } from '../../lambdas/pixop/domain/encoding';
import { InvalidField } from '../../lambdas/pixop/domain/errors';
import { parseProcessRequest } from '../../lambdas/pixop/domain/process-request';
import type { VideoMetadata } from '../../lambdas/pixop/domain/records';

const SOURCE: VideoMetadata = {
  containerName: 'mov,mp4,m4a,3gp,3g2,mj2',
  longContainerName: 'QuickTime / MOV',
  codecName: 'h264',
  longCodecName: 'H.264',
  pixelFormat: { name: 'yuv420p', chromaSubsampling: { yuv: '4:2:0', bits: 8 } },
  frameWidth: 560,
  frameHeight: 320,
  displayAspectRatio: 1.75,
  scanning: { metadata: { scanningType: 'progressive' } },
  averageFramerate: 25,
  durationInMillis: 10_000,
  totalFrames: 250,
  size: 2_000_000,
  videoStreamSize: 1_900_000,
  videoBitrate: 1_520_000,
  hasAudio: true,
};

const plan = (body: unknown, source: Partial<VideoMetadata> = {}) =>
  planEncoding(parseProcessRequest(body), { metadata: { ...SOURCE, ...source }, fileName: 'small.mov' });

/** The field an invalid request is refused for (the message starts with it). */
function refusedField(body: unknown, source: Partial<VideoMetadata> = {}): string | undefined {
  try {
    plan(body, source);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidField) return error.field;
    if (error instanceof Error && error.name === 'BadRequestException') return '(body)';
    throw error;
  }
}

describe('process-video rules', () => {
  it.each([
    ['an unknown container', { mediaContainerCodec: { container: 'avi' } }, 'mediaContainerCodec.container'],
    ['an unknown codec', { mediaContainerCodec: { codec: 'vp9' } }, 'mediaContainerCodec.codec'],
    ['ProRes in MXF', { mediaContainerCodec: { container: 'mxf', codec: 'prores' } }, 'mediaContainerCodec.codec'],
    ['FFV1 in MP4', { mediaContainerCodec: { container: 'mp4', codec: 'ffv1' } }, 'mediaContainerCodec.codec'],
    ['XDCAM in MOV', { mediaContainerCodec: { container: 'mov', codec: 'xdcam' } }, 'mediaContainerCodec.codec'],
    ['DNxHD in MTS', { mediaContainerCodec: { container: 'mts', codec: 'dnxhd' } }, 'mediaContainerCodec.codec'],
    [
      'a ProRes profile for H.264',
      { mediaContainerCodec: { codec: 'h264' }, appleProresProfile: 'hq' },
      'appleProresProfile',
    ],
    [
      'a DNx profile for ProRes',
      { mediaContainerCodec: { codec: 'prores' }, dnxhdHrProfile: 'dnxhr_sq' },
      'dnxhdHrProfile',
    ],
    [
      'an unknown ProRes profile',
      { mediaContainerCodec: { codec: 'prores' }, appleProresProfile: 'ultra' },
      'appleProresProfile',
    ],
    ['DNxHD at SD size', { mediaContainerCodec: { codec: 'dnxhd' }, dnxhdHrProfile: 'dnxhd_sq' }, 'dnxhdHrProfile'],
    [
      'DNxHD at an odd frame rate',
      {
        mediaContainerCodec: { codec: 'dnxhd' },
        dnxhdHrProfile: 'dnxhd_hq',
        resolution: { tag: 'hd_1080p' },
        frameRate: { fps: 12 },
      },
      'dnxhdHrProfile',
    ],
    [
      'DNxHR below 256x120',
      { mediaContainerCodec: { codec: 'dnxhd' }, dnxhdHrProfile: 'dnxhr_lb', resolution: { width: 200 } },
      'dnxhdHrProfile',
    ],
    [
      'dnxhd_444',
      {
        mediaContainerCodec: { codec: 'dnxhd' },
        dnxhdHrProfile: 'dnxhd_444',
        resolution: { width: 1920, height: 1080 },
      },
      'dnxhdHrProfile',
    ],
    [
      'interlaced DNxHR',
      { mediaContainerCodec: { codec: 'dnxhd' }, dnxhdHrProfile: 'dnxhr_hq', scanning: { tag: 'interlaced_tff' } },
      'scanning',
    ],
    [
      'interlaced HEVC',
      { mediaContainerCodec: { codec: 'hevc' }, scanning: { scanningType: 'interlaced' } },
      'scanning',
    ],
    [
      'interlaced output with a deinterlacer',
      { scanning: { tag: 'interlaced_bff' }, deinterlacer: 'yadif' },
      'scanning',
    ],
    [
      'a scanning tag with a scanning type',
      { scanning: { tag: 'progressive', scanningType: 'progressive' } },
      'scanning.tag',
    ],
    [
      'a field order without interlaced scanning',
      { scanning: { scanningType: 'progressive', interlacedFieldOrder: 'top_field' } },
      'scanning.interlacedFieldOrder',
    ],
    ['an unknown scanning tag', { scanning: { tag: 'psf' } }, 'scanning.tag'],
    ['4:1:0 for H.264', { chromaSubsampling: { yuv: '4:1:0', bits: 8 } }, 'chromaSubsampling.yuv'],
    ['12 bits for H.264', { chromaSubsampling: { yuv: '4:2:0', bits: 12 } }, 'chromaSubsampling.bits'],
    [
      '14 bits for HEVC',
      { mediaContainerCodec: { codec: 'hevc' }, chromaSubsampling: { yuv: '4:2:2', bits: 14 } },
      'chromaSubsampling.bits',
    ],
    [
      '4:4:4 for MPEG-2',
      { mediaContainerCodec: { codec: 'mpeg2' }, chromaSubsampling: { yuv: '4:4:4' } },
      'chromaSubsampling.yuv',
    ],
    [
      '4:2:0 for ProRes',
      { mediaContainerCodec: { codec: 'prores' }, chromaSubsampling: { yuv: '4:2:0' } },
      'chromaSubsampling.yuv',
    ],
    [
      '4:4:4 for ProRes HQ',
      { mediaContainerCodec: { codec: 'prores' }, appleProresProfile: 'hq', chromaSubsampling: { yuv: '4:4:4' } },
      'chromaSubsampling.yuv',
    ],
    [
      '8 bits for ProRes',
      { mediaContainerCodec: { codec: 'prores' }, chromaSubsampling: { yuv: '4:2:2', bits: 8 } },
      'chromaSubsampling.bits',
    ],
    ['an unknown bit depth', { chromaSubsampling: { yuv: '4:2:0', bits: 9 } }, 'chromaSubsampling.bits'],
    ['the snake_case alias with a bad value', { chroma_subsampling: { yuv: '4:3:1' } }, 'chroma_subsampling.yuv'],
    [
      'both chroma spellings',
      { chromaSubsampling: { yuv: '4:2:0' }, chroma_subsampling: { yuv: '4:2:0' } },
      'chromaSubsampling',
    ],
    ['a bit rate below 0.01 Mb/s', { bitrate: { mbps: 0.001 } }, 'bitrate.mbps'],
    ['a bit rate above 4000 Mb/s', { bitrate: { mbps: 4001 } }, 'bitrate.mbps'],
    ['a bit rate for ProRes', { mediaContainerCodec: { codec: 'prores' }, bitrate: { mbps: 100 } }, 'bitrate.mbps'],
    [
      'a bit rate for lossless FFV1',
      { mediaContainerCodec: { codec: 'ffv1' }, bitrate: { mbps: 100 } },
      'bitrate.mbps',
    ],
    [
      'XDCAM at another size',
      { mediaContainerCodec: { container: 'mxf', codec: 'xdcam' } },
      'mediaContainerCodec.codec',
    ],
    ['an unknown deinterlacer', { deinterlacer: 'nnedi' }, 'deinterlacer'],
    ['an unknown denoiser', { denoiser: 'nlmeans' }, 'denoiser'],
    ['an unknown stabilizer', { stabilizer: 'vidstab' }, 'stabilizer'],
    ['an unknown scaler', { scaler: 'lanczos' }, 'scaler'],
    ['a resolution tag with a width', { resolution: { tag: 'hd_1080p', width: 1920 } }, 'resolution.tag'],
    [
      'width, height and aspect ratio together',
      { resolution: { width: 640, height: 480, aspectRatioTag: '4:3' } },
      'resolution.aspectRatioTag',
    ],
    ['a resolution with nothing in it', { resolution: {} }, 'resolution'],
    ['a width below 16', { resolution: { width: 8 } }, 'resolution.width'],
    ['a height above 4320', { resolution: { height: 5000 } }, 'resolution.height'],
    ['a fractional width', { resolution: { width: 640.5 } }, 'resolution.width'],
    ['8K from an ultra-wide source', { resolution: { tag: 'uhd_8k' } }, 'resolution'],
    ['4x beyond 4320 lines', { resolution: { tag: '4x' } }, undefined],
    ['clarity boost without Super Resolution', { scaler: 'scale', clarityBoost: 'high' }, 'clarityBoost'],
    ['an unknown clarity boost', { scaler: 'pabsr1', clarityBoost: 'extreme' }, 'clarityBoost'],
    ['a frame rate converter without a frame rate', { frameRateConverter: 'fblend' }, 'frameRate'],
    ['a frame rate tag with fps', { frameRate: { tag: 'film', fps: 24 } }, 'frameRate.tag'],
    ['a frame rate without tag or fps', { frameRate: {} }, 'frameRate.fps'],
    ['fps above 999', { frameRate: { fps: 1000 } }, 'frameRate.fps'],
    ['an unknown post processor', { postProcessor: 'sharpen' }, 'postProcessor'],
    [
      'a range ending before it starts',
      { range: { startPositionMilliseconds: 5000, endPositionMilliseconds: 4000 } },
      'range.endPositionMilliseconds',
    ],
    [
      'a range beyond the duration',
      { range: { startPositionMilliseconds: 0, endPositionMilliseconds: 10_001 } },
      'range.endPositionMilliseconds',
    ],
    [
      'a range starting at the end',
      { range: { startPositionMilliseconds: 10_000 } },
      'range.startPositionMilliseconds',
    ],
    ['a negative range start', { range: { startPositionMilliseconds: -1 } }, 'range.startPositionMilliseconds'],
    ['an unknown field', { sharpen: true }, 'sharpen'],
    ['an unknown nested field', { bitrate: { kbps: 5 } }, 'bitrate.kbps'],
    ['a body that is not an object', [1, 2], '(body)'],
  ])('refuses %s, naming the field', (_name, body, field) => {
    const source =
      _name === '8K from an ultra-wide source' ? { frameWidth: 2400, frameHeight: 1000, displayAspectRatio: 2.4 } : {};

    expect(refusedField(body, source)).toBe(field);
  });

  it.each([
    ['mov', 'h264'],
    ['mov', 'prores'],
    ['mov', 'hevc'],
    ['mov', 'mpeg2'],
    ['mov', 'ffv1'],
    ['mxf', 'h264'],
    ['mxf', 'mpeg2'],
    ['mxf', 'dnxhd'],
    ['mp4', 'h264'],
    ['mp4', 'hevc'],
    ['mts', 'h264'],
    ['mts', 'hevc'],
    ['mts', 'mpeg2'],
  ])('accepts %s with %s at the source size', (container, codec) => {
    expect(refusedField({ mediaContainerCodec: { container, codec } })).toBeUndefined();
  });

  it('keeps the source shape for a resolution tag: 560x320 to HD is 1890x1080, as Pixop does', () => {
    const result = plan({ scaler: 'pabsr1', resolution: { tag: 'hd_1080p' }, clarityBoost: 'medium' });

    expect([result.width, result.height]).toEqual([1890, 1080]);
    expect(result.filters).toEqual(expect.arrayContaining(['scale=1890:1080:flags=lanczos', 'unsharp=5:5:1:5:5:0']));
  });

  it('computes the missing side from an aspect ratio tag', () => {
    expect(plan({ resolution: { width: 640, aspectRatioTag: '4:3' } })).toMatchObject({ width: 640, height: 480 });
    expect(plan({ resolution: { height: 640, aspectRatioTag: 'storage' } })).toMatchObject({
      width: 1120,
      height: 640,
    });
  });

  it('inherits chroma and bit depth from the source where the codec allows, else the nearest it can do', () => {
    expect(plan({ mediaContainerCodec: { codec: 'h264' } })).toMatchObject({
      yuv: '4:2:0',
      bits: 8,
      pixelFormat: 'yuv420p',
    });
    expect(plan({ mediaContainerCodec: { codec: 'prores' } })).toMatchObject({
      yuv: '4:2:2',
      bits: 10,
      pixelFormat: 'yuv422p10le',
      profile: 'standard',
    });
    expect(plan({ mediaContainerCodec: { codec: 'prores' }, appleProresProfile: '4444xq' })).toMatchObject({
      pixelFormat: 'yuv444p10le',
    });
    expect(
      plan({ mediaContainerCodec: { codec: 'ffv1' }, chroma_subsampling: { yuv: '4:4:0', bits: 12 } }),
    ).toMatchObject({ pixelFormat: 'yuv440p12le' });
  });

  it('picks the DNxHD bit rate of the frame size and rate', () => {
    const result = plan({
      mediaContainerCodec: { container: 'mxf', codec: 'dnxhd' },
      dnxhdHrProfile: 'dnxhd_hq',
      resolution: { width: 1920, height: 1080 },
      frameRate: { tag: 'video_ntsc' },
    });

    expect(result.encoderArgs).toEqual(expect.arrayContaining(['-b:v', '220M']));
    expect(result.frameRate).toBe('30000/1001');
  });

  it('defaults the container and codec from the source and scales the bit rate with the pixels', () => {
    const result = plan({ resolution: { tag: '2x' } });

    expect(result).toMatchObject({ container: 'mov', codec: 'h264', width: 1120, height: 640 });
    expect(result.bitrate).toBe(1_520_000 * 4);
  });

  it('maps each filter to its ffmpeg stand-in, in processing order', () => {
    const result = plan({
      deinterlacer: 'weston3f',
      denoiser: 'hqdn3d',
      stabilizer: 'dejit',
      scaler: 'scale',
      resolution: { width: 320 },
      frameRateConverter: 'mcinterpolate',
      frameRate: { tag: 'film' },
      postProcessor: 'filmgrain',
    });

    expect(result.filters.map((filter) => filter.split('=')[0])).toEqual([
      'w3fdif',
      'fps',
      'hqdn3d',
      'deshake',
      'scale',
      'setsar',
      'minterpolate',
      'noise',
      'format',
    ]);
  });

  it('cuts the range into whole-frame segments and keeps short ranges in one', () => {
    expect(planSegments({ durationSeconds: 10, fps: 25 }, 30)).toEqual([{ index: 0, start: 0, duration: 10 }]);
    const segments = planSegments({ durationSeconds: 60, fps: 30000 / 1001 }, 10);

    expect(segments).toHaveLength(6);
    expect(segments.reduce((sum, segment) => sum + Math.round(segment.duration * (30000 / 1001)), 0)).toBe(
      Math.round(60 * (30000 / 1001)),
    );
  });

  it('writes NTSC rates as exact fractions', () => {
    expect([rational(24000 / 1001), rational(25), rational(59.94)]).toEqual(['24000/1001', '25000/1000', '60000/1001']);
  });
});
