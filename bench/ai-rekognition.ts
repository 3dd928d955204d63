import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CreateCollectionCommand,
  DetectFacesCommand,
  DetectTextCommand,
  IndexFacesCommand,
  SearchFacesByImageCommand,
} from '@aws-sdk/client-rekognition';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { RekognitionVision } from '../lambdas/shared/ai/rekognition';
import { faceSample, makeVideo, startRekognition, type RekognitionHarness } from '../test/local/rekognition/support';
import type { BenchRow } from './table';

/** People in each photo shipped with face-api (counted by eye). */
const FACES_IN_SAMPLE: Readonly<Record<1 | 2 | 3 | 4 | 5 | 6, number>> = { 1: 3, 2: 3, 3: 3, 4: 4, 5: 5, 6: 4 };
const SAMPLES = [1, 2, 3, 4, 5, 6] as const;

const SLIDES: readonly (readonly string[])[] = [
  ['Quarterly results', 'Revenue grew twelve percent', 'Operating costs fell'],
  ['BREAKING NEWS', 'Storm reaches the coast tonight'],
  ['Chapter 3: The Long Road Home', 'Directed by Maria Lopez'],
  ['Sale ends Sunday', 'All shoes half price', 'Open daily 9 to 5'],
];

const row = (kase: string, metric: string, value: string, reference?: string): BenchRow => ({
  benchmark: 'ai rekognition',
  case: kase,
  metric,
  value,
  ...(reference ? { reference } : {}),
});

function slide(lines: readonly string[], width: number, height: number, font: string): Buffer {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#20304a';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#f4f4f4';
  context.font = font;
  lines.forEach((line, i) => context.fillText(line, width * 0.06, height * 0.2 + i * height * 0.16));
  return canvas.toBuffer('image/png');
}

/** A frame of the speed video: a sample photo filling 1280×720 with a caption band. */
async function captionedFrame(sample: (typeof SAMPLES)[number], caption: string): Promise<Buffer> {
  const canvas = createCanvas(1280, 720);
  const context = canvas.getContext('2d');
  const photo = await loadImage(faceSample(sample));
  const scale = Math.max(1280 / photo.width, 720 / photo.height);
  context.drawImage(
    photo,
    (1280 - photo.width * scale) / 2,
    (720 - photo.height * scale) / 2,
    photo.width * scale,
    photo.height * scale,
  );
  context.fillStyle = 'rgba(0,0,0,0.75)';
  context.fillRect(0, 600, 1280, 90);
  context.fillStyle = '#ffffff';
  context.font = 'bold 48px sans-serif';
  context.fillText(caption, 40, 662);
  return canvas.toBuffer('image/png');
}

async function faceQuality(rekognition: RekognitionHarness): Promise<BenchRow[]> {
  let expected = 0;
  let found = 0;
  let searches = 0;
  let hits = 0;
  await rekognition.client.send(new CreateCollectionCommand({ CollectionId: 'bench-faces' }));
  for (const sample of SAMPLES) {
    const image = faceSample(sample);
    const { FaceDetails = [] } = await rekognition.client.send(new DetectFacesCommand({ Image: { Bytes: image } }));
    expected += FACES_IN_SAMPLE[sample];
    found += Math.min(FaceDetails.length, FACES_IN_SAMPLE[sample]);
    const indexed = await rekognition.client.send(
      new IndexFacesCommand({ CollectionId: 'bench-faces', Image: { Bytes: image }, QualityFilter: 'NONE' }),
    );
    // Each indexed face, cut out of its photo at half size, must find itself first among every face indexed.
    const photo = await loadImage(image);
    for (const record of indexed.FaceRecords ?? []) {
      const box = record.Face!.BoundingBox!;
      const margin = 0.3;
      const x = Math.max(0, (box.Left! - box.Width! * margin) * photo.width);
      const y = Math.max(0, (box.Top! - box.Height! * margin) * photo.height);
      const w = Math.min(photo.width - x, box.Width! * (1 + 2 * margin) * photo.width);
      const h = Math.min(photo.height - y, box.Height! * (1 + 2 * margin) * photo.height);
      const crop = createCanvas(Math.round(w / 2), Math.round(h / 2));
      crop.getContext('2d').drawImage(photo, x, y, w, h, 0, 0, crop.width, crop.height);
      searches++;
      try {
        const search = await rekognition.client.send(
          new SearchFacesByImageCommand({
            CollectionId: 'bench-faces',
            Image: { Bytes: crop.toBuffer('image/jpeg') },
            MaxFaces: 1,
          }),
        );
        if (search.FaceMatches?.[0]?.Face?.FaceId === record.Face!.FaceId) hits++;
      } catch {
        // no face found in the crop: a miss
      }
    }
  }
  return [
    row(
      'faces in the 6 face-api sample photos',
      'detected / present',
      `${found} / ${expected}`,
      `recall ${((found / expected) * 100).toFixed(0)} %`,
    ),
    row(
      'each indexed face, cropped at half size',
      'collection search hits',
      `${hits} / ${searches}`,
      `${((hits / searches) * 100).toFixed(0)} %`,
    ),
  ];
}

async function textQuality(rekognition: RekognitionHarness): Promise<BenchRow[]> {
  let words = 0;
  let read = 0;
  const fonts = ['bold 54px sans-serif', '40px serif', '34px monospace'];
  for (const lines of SLIDES) {
    for (const font of fonts) {
      const { TextDetections = [] } = await rekognition.client.send(
        new DetectTextCommand({ Image: { Bytes: slide(lines, 1280, 720, font) } }),
      );
      const found = TextDetections.filter((text) => text.Type === 'WORD').map((text) => text.DetectedText);
      for (const word of lines.join(' ').split(' ')) {
        words++;
        const index = found.indexOf(word);
        if (index >= 0) {
          read++;
          found.splice(index, 1);
        }
      }
    }
  }
  return [
    row(
      `${SLIDES.length * fonts.length} rendered 720p slides, 3 fonts`,
      'OCR word recall',
      `${read} / ${words}`,
      `${((read / words) * 100).toFixed(0)} %`,
    ),
  ];
}

/** Twelve shots of lavfi sources with cuts at known times (seconds). */
const SHOT_SOURCES = [
  'testsrc',
  'testsrc2',
  'mandelbrot',
  'rgbtestsrc',
  'smptehdbars',
  'life',
  'cellauto',
  'yuvtestsrc',
  'testsrc',
  'mandelbrot',
  'testsrc2',
  'smptebars',
];
const SHOT_LENGTHS = [2, 1.5, 3, 1, 2.5, 2, 1.2, 2, 3, 1.8, 2.2, 1.5];

async function shotQuality(rekognition: RekognitionHarness, vision: RekognitionVision): Promise<BenchRow[]> {
  const inputs = SHOT_SOURCES.flatMap((source, i) => [
    '-f',
    'lavfi',
    '-i',
    `${source}=s=640x360:r=25:d=${SHOT_LENGTHS[i]}`.replace(
      /^(life|cellauto|mandelbrot)=s=640x360:r=25:d=[\d.]+/,
      `$1=s=640x360:r=25`,
    ),
  ]);
  // Sources without a duration option are cut to length by trim.
  const filters = SHOT_SOURCES.map(
    (_, i) => `[${i}:v]trim=duration=${SHOT_LENGTHS[i]},setpts=PTS-STARTPTS,format=yuv420p[v${i}]`,
  ).join(';');
  const concat = `${filters};${SHOT_SOURCES.map((_, i) => `[v${i}]`).join('')}concat=n=${SHOT_SOURCES.length}:v=1:a=0[v]`;
  await rekognition.put(
    'bench/shots.mp4',
    makeVideo(path.join(rekognition.scratch, 'shots.mp4'), [...inputs, '-filter_complex', concat, '-map', '[v]']),
  );
  const cuts: number[] = [];
  SHOT_LENGTHS.slice(0, -1).reduce((time, length) => {
    cuts.push(time + length);
    return time + length;
  }, 0);
  const job = await vision.startVideoAnalysis(
    'segments',
    { bucket: rekognition.bucket, key: 'bench/shots.mp4' },
    { segmentTypes: ['SHOT'] },
  );
  const result = await vision.waitForVideoAnalysis('segments', job, { pollMs: 200 });
  const found = result.findings.filter((segment) => segment.startMs > 0).map((segment) => segment.startMs / 1000);
  const tolerance = 2 / 25;
  const matched = cuts.filter((cut) => found.some((time) => Math.abs(time - cut) <= tolerance)).length;
  const correct = found.filter((time) => cuts.some((cut) => Math.abs(time - cut) <= tolerance)).length;
  return [
    row(`${cuts.length} known cuts (lavfi, ±2 frames)`, 'shot recall', `${matched} / ${cuts.length}`),
    row(`${cuts.length} known cuts (lavfi, ±2 frames)`, 'shot precision', `${correct} / ${found.length}`),
  ];
}

/** A 720p video of `seconds`: 10 s shots, each a sample photo with a caption. */
async function captionedVideo(rekognition: RekognitionHarness, seconds: number, key: string): Promise<void> {
  const shots = Math.ceil(seconds / 10);
  const inputs: string[] = [];
  for (let i = 0; i < shots; i++) {
    const sample = SAMPLES[i % SAMPLES.length]!;
    const file = path.join(rekognition.scratch, `${path.basename(key, '.mp4')}-${i}.png`);
    fs.writeFileSync(file, await captionedFrame(sample, SLIDES[i % SLIDES.length]![0]!));
    inputs.push('-loop', '1', '-framerate', '25', '-t', String(Math.min(10, seconds - i * 10)), '-i', file);
  }
  const concat = `${Array.from({ length: shots }, (_, i) => `[${i}:v]`).join('')}concat=n=${shots}:v=1:a=0[v]`;
  await rekognition.put(
    key,
    makeVideo(path.join(rekognition.scratch, path.basename(key)), [
      ...inputs,
      '-filter_complex',
      concat,
      '-map',
      '[v]',
    ]),
  );
}

async function speed(rekognition: RekognitionHarness, vision: RekognitionVision): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const fps = Number(process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND) || 1;
  // Warm the model processes so the timings measure analysis, not model loading.
  await Promise.all([
    vision.detectLabels({ bytes: faceSample(1) }),
    vision.detectFaces({ bytes: faceSample(2) }),
    vision.detectText({ bytes: slide(['warm up'], 640, 360, '40px sans-serif') }),
  ]);

  await captionedVideo(rekognition, 10, 'bench/clip.mp4');
  const clip = { bucket: rekognition.bucket, key: 'bench/clip.mp4' };
  for (const kind of ['labels', 'faces', 'text'] as const) {
    const started = performance.now();
    const job = await vision.startVideoAnalysis(kind, clip);
    await vision.waitForVideoAnalysis(kind, job, { pollMs: 100, maxPollMs: 250 });
    const seconds = (performance.now() - started) / 1000;
    rows.push(
      row(`10 s 720p clip, ${kind} alone`, 'frames/s', ((10 * fps) / seconds).toFixed(2), `${seconds.toFixed(1)} s`),
    );
  }

  await captionedVideo(rekognition, 60, 'bench/minute.mp4');
  const minute = { bucket: rekognition.bucket, key: 'bench/minute.mp4' };
  const started = performance.now();
  const jobs = await Promise.all(
    (['labels', 'faces', 'text', 'segments'] as const).map(async (kind) => ({
      kind,
      id: await vision.startVideoAnalysis(kind, minute),
    })),
  );
  await Promise.all(jobs.map(({ kind, id }) => vision.waitForVideoAnalysis(kind, id, { pollMs: 250, maxPollMs: 500 })));
  const seconds = (performance.now() - started) / 1000;
  rows.push(
    row(
      `60 s 720p at ${fps} frame/s: labels, faces, text and shots at once`,
      'wall time',
      `${seconds.toFixed(1)} s`,
      `goal < 60 s on 2 cores (this machine: ${os.availableParallelism()}, load ${os.loadavg()[0]!.toFixed(1)}): ${seconds < 60 ? 'met' : 'NOT met'}`,
    ),
  );
  return rows;
}

/**
 * Local Rekognition: quality of the models on fixtures with known answers, and speed on 720p video. The models
 * run on whatever cores the machine has; the goal is stated for two.
 */
export async function rekognitionBenchmark(): Promise<BenchRow[]> {
  const rekognition = await startRekognition();
  const vision = new RekognitionVision(rekognition.client);
  try {
    const rows: BenchRow[] = [];
    for (const part of [
      () => faceQuality(rekognition),
      () => textQuality(rekognition),
      () => shotQuality(rekognition, vision),
      () => speed(rekognition, vision),
    ]) {
      const found = await part();
      // Shown as they come: the whole run takes minutes.
      for (const value of found)
        console.error(`${value.case}: ${value.metric} ${value.value} ${value.reference ?? ''}`);
      rows.push(...found);
    }
    return rows;
  } finally {
    await rekognition.stop();
  }
}
