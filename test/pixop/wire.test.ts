import { etagMatches, parseRange, safeFileName, videoIdOfOriginalKey } from '../../lambdas/pixop/domain/media';
import { metadataFromProbe, pixelFormatInfo, scanningFromIdet } from '../../lambdas/pixop/domain/metadata';
import { halPage, parsePageRequest } from '../../lambdas/pixop/domain/pagination';
import {
  assessQuality,
  colorfulness,
  noiseSigma,
  subjectiveScore,
  type Frame,
} from '../../lambdas/pixop/domain/quality';
import type { ProcessingState } from '../../lambdas/pixop/domain/records';
import { processingPercent } from '../../lambdas/pixop/domain/views';

describe('Pixop pages', () => {
  const page = (number: number, total: number) =>
    halPage({
      request: { page: number, pageSize: 10 },
      total,
      embeddedName: 'projects',
      items: [],
      pageUrl: (n) => `u?page=${n}`,
    });

  it('links first, last, next and prev (also as previous) only where those pages exist', () => {
    expect(Object.keys(page(1, 25)._links)).toEqual(['self', 'next', 'first', 'last']);
    expect(Object.keys(page(2, 25)._links)).toEqual(['self', 'next', 'prev', 'previous', 'first', 'last']);
    expect(page(3, 25)._links).toMatchObject({ last: { href: 'u?page=3' }, prev: { href: 'u?page=2' } });
    expect(page(3, 25)._links).not.toHaveProperty('next');
    expect(page(1, 0)._embedded).toEqual({ projects: [], totalFound: 0 });
  });

  it('reads page and page-size, refusing what is not a positive integer', () => {
    expect(parsePageRequest({})).toEqual({ page: 1, pageSize: 20 });
    expect(parsePageRequest({ page: '3', 'page-size': '5' })).toEqual({ page: 3, pageSize: 5 });
    expect(() => parsePageRequest({ page: '-1' })).toThrow(/^page:/);
    expect(() => parsePageRequest({ 'page-size': '101' })).toThrow(/^page-size:/);
  });
});

describe('Pixop downloads', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=-5', { start: 95, end: 99 }],
    ['bytes=50-500', { start: 50, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=20-10', 'unsatisfiable'],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined],
  ])('reads Range %s of a 100-byte object', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(etagMatches('"a", "b"', '"b"')).toBe(true);
    expect(etagMatches('W/"b"', '"b"')).toBe(true);
    expect(etagMatches('*', '"b"')).toBe(true);
    expect(etagMatches('"c"', '"b"')).toBe(false);
  });

  it('keeps upload names to safe characters and finds the video of an upload key', () => {
    expect(safeFileName('../../etc/pass"wd.mov')).toBe('pass_wd.mov');
    expect(safeFileName('')).toBe('upload.bin');
    expect(videoIdOfOriginalKey('media/v-1/original/clip.mov')).toBe('v-1');
    expect(videoIdOfOriginalKey('media/v-1/processed/clip.mov')).toBeUndefined();
  });
});

describe('Pixop metadata', () => {
  it.each([
    ['yuv420p', '4:2:0', 8],
    ['yuvj422p', '4:2:2', 8],
    ['yuv444p12le', '4:4:4', 12],
    ['yuv410p', '4:1:0', 8],
    ['nv12', '4:2:0', 8],
    ['p010le', '4:2:0', 10],
    ['rgb24', '4:4:4', 8],
    ['gray10le', '4:0:0', 10],
  ])('reads %s as %s at %i bits', (name, yuv, bits) => {
    expect(pixelFormatInfo(name).chromaSubsampling).toEqual({ yuv, bits });
  });

  it('builds the metadata object from an ffprobe report', () => {
    const metadata = metadataFromProbe(
      {
        format: {
          format_name: 'mpegts',
          format_long_name: 'MPEG-TS (MPEG-2 Transport Stream)',
          duration: '4.000',
          size: '1000',
        },
        streams: [
          {
            codec_type: 'video',
            codec_name: 'mpeg2video',
            codec_long_name: 'MPEG-2 video',
            pix_fmt: 'yuv422p',
            width: 1920,
            height: 1080,
            avg_frame_rate: '25/1',
            field_order: 'bb',
            sample_aspect_ratio: '1:1',
          },
          { codec_type: 'audio', codec_name: 'aac' },
        ],
      },
      1000,
      800,
    );

    expect(metadata).toMatchObject({
      containerName: 'mpegts',
      codecName: 'mpeg2video',
      frameWidth: 1920,
      durationInMillis: 4000,
      totalFrames: 100,
      videoStreamSize: 800,
      displayAspectRatio: 1.777778,
      scanning: { metadata: { scanningType: 'interlaced', interlacedFieldOrder: 'bottom_field' } },
      hasAudio: true,
    });
  });

  it('reads the idet verdict', () => {
    expect(scanningFromIdet('Multi frame detection: TFF:  3 BFF: 40 Progressive:  2 Undetermined: 5')).toEqual({
      scanningType: 'interlaced',
      interlacedFieldOrder: 'bottom_field',
    });
    expect(scanningFromIdet('Multi frame detection: TFF: 1 BFF: 0 Progressive: 40 Undetermined: 0')).toEqual({
      scanningType: 'progressive',
    });
    expect(scanningFromIdet('Multi frame detection: TFF: 0 BFF: 0 Progressive: 0 Undetermined: 50')).toEqual({
      scanningType: 'unknown',
    });
  });
});

describe('Pixop quality measures', () => {
  const frame = (pixel: (x: number, y: number) => [number, number, number], size = 64): Frame => {
    const rgb = new Uint8Array(size * size * 3);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) rgb.set(pixel(x, y), (y * size + x) * 3);
    return { width: size, height: size, rgb };
  };
  // A fixed pseudo-random sequence, so the test cannot flicker.
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 40;

  it('finds more noise in a noisy picture and more colour in a colourful one', () => {
    const flatGray = frame(() => [128, 128, 128]);
    const noisy = frame(() => {
      const v = 128 + noise();
      return [v, v, v];
    });
    const colourful = frame((x) => (x % 2 ? [255, 0, 0] : [0, 0, 255]));

    expect(noiseSigma(flatGray)).toBe(0);
    expect(noiseSigma(noisy)).toBeGreaterThan(5);
    expect(colorfulness(colourful)).toBeGreaterThan(colorfulness(flatGray) + 50);
  });

  it('maps each measure onto 1–5 with BT.500 labels and averages them', () => {
    const result = assessQuality([frame(() => [128, 128, 128])]);

    expect(subjectiveScore('noise', 0.5)).toBe(5);
    expect(subjectiveScore('noise', 20)).toBe(1);
    expect(subjectiveScore('colorfulness', 24)).toBeCloseTo(2.5);
    expect(result.metrics.map((metric) => [metric.name, metric.subjectiveLabel])).toEqual([
      ['noise', 'excellent'],
      ['detail', 'bad'],
      ['colorfulness', 'bad'],
    ]);
    expect(result.overallSubjectiveScore).toBeCloseTo((5 + 1 + 1) / 3, 2);
  });
});

describe('Pixop processing progress', () => {
  it('weights segments by length for the first 90 % and the join for the last 10 %', () => {
    const state: ProcessingState = {
      status: 'PROCESSING',
      updatedAt: '',
      segmentDurations: [30, 10],
      segmentProgress: { '0': 1, '1': 0.5 },
      joinProgress: 0,
    };

    expect(processingPercent(state)).toBe(78.8);
    expect(processingPercent({ ...state, segmentProgress: { '0': 1, '1': 1 }, joinProgress: 0.5 })).toBe(95);
    expect(processingPercent({ ...state, status: 'DONE' })).toBe(100);
  });
});
