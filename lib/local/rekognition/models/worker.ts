/**
 * The Rekognition stand-in's model process: real models that ship inside npm packages, run on the bytes it is sent.
 * It runs as a child process so that CPU-heavy inference never blocks local mode's event loop; the stand-in talks to
 * it over IPC (see `pool.ts`). Models load on first use and stay loaded.
 *
 * - faces: face-api (SSD MobileNet v1, 68-point landmarks, age/gender, expressions, 128-d descriptors)
 * - objects: Human's CenterNet (the 80 COCO classes)
 * - moderation: NSFWJS MobileNetV2 (Drawing, Hentai, Neutral, Porn, Sexy)
 * - text: Tesseract (LSTM, English), in its own worker thread so it runs beside the TensorFlow models
 *
 * TensorFlow.js runs on its WebAssembly backend: tfjs-node would need a native download at install time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  ModelFace,
  ModelImage,
  ModelLine,
  ModelObject,
  ModelRequest,
  ModelResponse,
  ModelResult,
} from './protocol';

// The libraries below fetch their weights by URL; they are files inside the packages, so file:// URLs are served
// from disk and nothing is ever downloaded.
const networkFetch = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url.startsWith('file://')) {
    const body = await fs.promises.readFile(new URL(url));
    const type = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(body, { status: 200, headers: { 'content-type': type } });
  }
  return networkFetch(input, init);
};

/* eslint-disable @typescript-eslint/no-require-imports -- the models' Node builds are CommonJS bundles */
type Tf = typeof import('@tensorflow/tfjs');
type FaceApi = typeof import('@vladmandic/face-api/dist/face-api.node-wasm.js');
type HumanModule = typeof import('@vladmandic/human/dist/human.node-wasm.js');
type Canvas = typeof import('@napi-rs/canvas');

function packageDir(name: string): string {
  // Human's exports map hides package.json; its main entry sits in dist/.
  const entry = require.resolve(name);
  let dir = path.dirname(entry);
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

/** The longest side models see: larger images are scaled down (positions are ratios, so nothing else changes). */
const MAX_MODEL_SIDE = 1920;
/**
 * Text is read at most this wide: Tesseract's page layout analysis slows sharply on large, busy photos, while text
 * that a picture shows legibly stays legible at this size.
 */
const MAX_TEXT_WIDTH = 960;

let tfReady: Promise<Tf> | undefined;
function tensorflow(): Promise<Tf> {
  tfReady ??= (async () => {
    const tf = require('@tensorflow/tfjs') as Tf;
    require('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    return tf;
  })();
  return tfReady;
}

let faceApiReady: Promise<FaceApi> | undefined;
function faceApi(): Promise<FaceApi> {
  faceApiReady ??= (async () => {
    await tensorflow();
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    const weights = path.join(packageDir('@vladmandic/face-api'), 'model');
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(weights);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(weights);
    await faceapi.nets.ageGenderNet.loadFromDisk(weights);
    await faceapi.nets.faceExpressionNet.loadFromDisk(weights);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(weights);
    return faceapi;
  })();
  return faceApiReady;
}

type HumanInstance = InstanceType<HumanModule['Human']>;
let humanReady: Promise<HumanInstance> | undefined;
function human(): Promise<HumanInstance> {
  humanReady ??= (async () => {
    await tensorflow();
    const { Human } = require(path.join(packageDir('@vladmandic/human'), 'dist', 'human.node-wasm.js')) as HumanModule;
    const instance = new Human({
      backend: 'wasm',
      modelBasePath: `file://${path.join(packageDir('@vladmandic/human'), 'models')}/`,
      wasmPath: `file://${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`,
      debug: false,
      // Every image is analysed on its own: no result is carried over from a previous frame.
      cacheSensitivity: 0,
      face: { enabled: false },
      body: { enabled: false },
      hand: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
      filter: { enabled: false },
      object: { enabled: true, minConfidence: 0.1, maxDetected: 50, skipFrames: 0, skipTime: 0 },
    });
    await instance.load();
    return instance;
  })();
  return humanReady;
}

interface NsfwModel {
  classify(image: unknown, topk?: number): Promise<{ className: string; probability: number }[]>;
}
let nsfwReady: Promise<NsfwModel> | undefined;
function nsfw(): Promise<NsfwModel> {
  nsfwReady ??= (async () => {
    await tensorflow();
    // The package's own loader imports each model file (a module whose export is one base64 string) through
    // TypeScript's __importStar, which defines a property per character of the string: ~10 s of CPU for a 3.5 MB
    // model. The same files, handed over as loaded, make the same model in a fraction of a second.
    const nsfwjs = require('nsfwjs/core') as {
      load(name: string, options: { modelDefinitions: object[] }): Promise<NsfwModel>;
    };
    // dist/cjs/index.js → dist/models/mobilenet_v2 (dist/cjs has a package.json of its own).
    const files = path.join(path.dirname(require.resolve('nsfwjs')), '..', 'models', 'mobilenet_v2');
    return nsfwjs.load('MobileNetV2', {
      modelDefinitions: [
        {
          name: 'MobileNetV2',
          numOfWeightBundles: 1,
          modelJson: async () => ({ default: require(path.join(files, 'model.min.js')) }),
          weightBundles: [async () => ({ default: require(path.join(files, 'group1-shard1of1.min.js')) })],
        },
      ],
    });
  })();
  return nsfwReady;
}

interface TesseractWorker {
  recognize(
    image: Buffer,
    options: object,
    output: { blocks: boolean; text: boolean },
  ): Promise<{ data: { blocks: TesseractBlock[] | null } }>;
}
interface TesseractBbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface TesseractBlock {
  paragraphs: {
    lines: {
      text: string;
      confidence: number;
      bbox: TesseractBbox;
      words: { text: string; confidence: number; bbox: TesseractBbox }[];
    }[];
  }[];
}
let tesseractReady: Promise<TesseractWorker> | undefined;
function tesseract(): Promise<TesseractWorker> {
  tesseractReady ??= (async () => {
    const { createWorker, OEM, PSM } = require('tesseract.js') as typeof import('tesseract.js');
    const langPath = path.join(packageDir('@tesseract.js-data/eng'), '4.0.0_best_int');
    const worker = await createWorker('eng', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
    // tesseract.js reads one uniform block by default; pictures and frames need Tesseract's own page layout, which
    // finds a caption among the rest (and, on photos, does it in half the time).
    await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO });
    return worker as unknown as TesseractWorker;
  })();
  return tesseractReady;
}
/* eslint-enable @typescript-eslint/no-require-imports */

class ImageDecodeError extends Error {}

interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

async function decode(image: ModelImage): Promise<Pixels> {
  if ('rgb' in image) return { width: image.width, height: image.height, rgb: image.rgb };
  const canvas = require('@napi-rs/canvas') as Canvas; // eslint-disable-line @typescript-eslint/no-require-imports
  let loaded: Awaited<ReturnType<Canvas['loadImage']>>;
  try {
    loaded = await canvas.loadImage(Buffer.from(image.encoded));
  } catch (error) {
    throw new ImageDecodeError(error instanceof Error ? error.message : String(error));
  }
  if (!loaded.width || !loaded.height) throw new ImageDecodeError('the image has no pixels');
  const scale = Math.min(1, MAX_MODEL_SIDE / Math.max(loaded.width, loaded.height));
  const width = Math.max(1, Math.round(loaded.width * scale));
  const height = Math.max(1, Math.round(loaded.height * scale));
  const surface = canvas.createCanvas(width, height);
  const context = surface.getContext('2d');
  context.drawImage(loaded, 0, 0, width, height);
  const rgba = context.getImageData(0, 0, width, height).data;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i] as number;
    rgb[j + 1] = rgba[i + 1] as number;
    rgb[j + 2] = rgba[i + 2] as number;
  }
  return { width, height, rgb };
}

async function detectFaces(pixels: Pixels, descriptors: boolean): Promise<ModelFace[]> {
  const [tf, faceapi] = await Promise.all([tensorflow(), faceApi()]);
  const input = tf.tensor3d(pixels.rgb, [pixels.height, pixels.width, 3], 'int32');
  try {
    const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
    const base = faceapi.detectAllFaces(input, options).withFaceLandmarks().withFaceExpressions().withAgeAndGender();
    const found = descriptors ? await base.withFaceDescriptors() : await base;
    return found.map((face) => {
      const box = face.detection.relativeBox;
      const landmarks = face.landmarks.positions.map((point) => ({
        x: point.x / pixels.width,
        y: point.y / pixels.height,
      }));
      const expressions: Record<string, number> = {};
      for (const [name, probability] of Object.entries(face.expressions)) {
        if (typeof probability === 'number') expressions[name] = probability;
      }
      const descriptor = 'descriptor' in face ? Array.from(face.descriptor as Float32Array) : undefined;
      return {
        box: { left: box.x, top: box.y, width: box.width, height: box.height },
        score: face.detection.score,
        landmarks,
        age: face.age,
        gender: face.gender === 'female' ? 'female' : 'male',
        genderProbability: face.genderProbability,
        expressions,
        pixels: measureRegion(pixels, box.x, box.y, box.width, box.height),
        ...(descriptor ? { descriptor } : {}),
      };
    });
  } finally {
    input.dispose();
  }
}

/** Brightness and focus of a region, from its pixels: mean luma, and the variance of the luma's Laplacian. */
function measureRegion(pixels: Pixels, left: number, top: number, width: number, height: number) {
  const x0 = Math.max(0, Math.floor(left * pixels.width));
  const y0 = Math.max(0, Math.floor(top * pixels.height));
  const x1 = Math.min(pixels.width, Math.ceil((left + width) * pixels.width));
  const y1 = Math.min(pixels.height, Math.ceil((top + height) * pixels.height));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w < 3 || h < 3) return { meanLuma: 0, laplacianVariance: 0 };
  const luma = new Float32Array(w * h);
  let sum = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = ((y0 + y) * pixels.width + x0 + x) * 3;
      const value =
        0.299 * (pixels.rgb[i] as number) +
        0.587 * (pixels.rgb[i + 1] as number) +
        0.114 * (pixels.rgb[i + 2] as number);
      luma[y * w + x] = value;
      sum += value;
    }
  }
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const c = y * w + x;
      const laplacian =
        (luma[c - 1] as number) +
        (luma[c + 1] as number) +
        (luma[c - w] as number) +
        (luma[c + w] as number) -
        4 * (luma[c] as number);
      count++;
      const delta = laplacian - mean;
      mean += delta / count;
      m2 += delta * (laplacian - mean);
    }
  }
  return { meanLuma: sum / (w * h), laplacianVariance: count > 0 ? m2 / count : 0 };
}

async function detectObjects(pixels: Pixels): Promise<ModelObject[]> {
  const [tf, detector] = await Promise.all([tensorflow(), human()]);
  const input = tf.tidy(() =>
    tf.expandDims(tf.cast(tf.tensor3d(pixels.rgb, [pixels.height, pixels.width, 3], 'int32'), 'float32'), 0),
  );
  try {
    const result = await detector.detect(input as never);
    if (typeof result.error === 'string' && result.error) throw new Error(result.error);
    return result.object.map((object) => ({
      label: object.label,
      score: object.score,
      box: {
        left: clamp(object.boxRaw[0]),
        top: clamp(object.boxRaw[1]),
        width: clamp(object.boxRaw[2]),
        height: clamp(object.boxRaw[3]),
      },
    }));
  } finally {
    input.dispose();
  }
}

async function classifyModeration(pixels: Pixels): Promise<Record<string, number>> {
  const [tf, model] = await Promise.all([tensorflow(), nsfw()]);
  const input = tf.tensor3d(pixels.rgb, [pixels.height, pixels.width, 3], 'int32');
  try {
    const classes = await model.classify(input, 5);
    return Object.fromEntries(classes.map(({ className, probability }) => [className, probability]));
  } finally {
    input.dispose();
  }
}

async function readText(original: Pixels): Promise<ModelLine[]> {
  const worker = await tesseract();
  const pixels = original.width > MAX_TEXT_WIDTH ? downscale(original, MAX_TEXT_WIDTH) : original;
  const { data } = await worker.recognize(bmp(pixels), {}, { blocks: true, text: false });
  const box = (bbox: TesseractBbox) => ({
    left: bbox.x0 / pixels.width,
    top: bbox.y0 / pixels.height,
    width: (bbox.x1 - bbox.x0) / pixels.width,
    height: (bbox.y1 - bbox.y0) / pixels.height,
  });
  const lines: ModelLine[] = [];
  for (const block of data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const words = line.words
          .filter((word) => word.text.trim() !== '')
          .map((word) => ({ text: word.text.trim(), confidence: word.confidence / 100, box: box(word.bbox) }));
        if (words.length === 0) continue;
        lines.push({
          text: words.map((word) => word.text).join(' '),
          confidence: line.confidence / 100,
          box: box(line.bbox),
          words,
        });
      }
    }
  }
  return lines;
}

/** Nearest-neighbour would alias text; this averages the source pixels each target pixel covers. */
function downscale(source: Pixels, width: number): Pixels {
  const height = Math.max(1, Math.round((source.height * width) / source.width));
  const rgb = new Uint8Array(width * height * 3);
  const sx = source.width / width;
  const sy = source.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * source.width + xx) * 3;
          r += source.rgb[i] as number;
          g += source.rgb[i + 1] as number;
          b += source.rgb[i + 2] as number;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 3;
      rgb[o] = r / n;
      rgb[o + 1] = g / n;
      rgb[o + 2] = b / n;
    }
  }
  return { width, height, rgb };
}

/** A 24-bit BMP: Tesseract reads it without a compression round trip. */
function bmp(pixels: Pixels): Buffer {
  const rowBytes = Math.ceil((pixels.width * 3) / 4) * 4;
  const size = 54 + rowBytes * pixels.height;
  const out = Buffer.alloc(size);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(size, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(pixels.width, 18);
  out.writeInt32LE(pixels.height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(rowBytes * pixels.height, 34);
  for (let y = 0; y < pixels.height; y++) {
    // Rows bottom-up, pixels as blue, green, red.
    const row = 54 + (pixels.height - 1 - y) * rowBytes;
    for (let x = 0; x < pixels.width; x++) {
      const i = (y * pixels.width + x) * 3;
      out[row + x * 3] = pixels.rgb[i + 2] as number;
      out[row + x * 3 + 1] = pixels.rgb[i + 1] as number;
      out[row + x * 3 + 2] = pixels.rgb[i] as number;
    }
  }
  return out;
}

function clamp(value: number | undefined): number {
  return Math.min(1, Math.max(0, value ?? 0));
}

async function analyze(request: ModelRequest): Promise<ModelResult> {
  const pixels = await decode(request.image);
  const { tasks } = request;
  // Text runs in Tesseract's own thread, beside the TensorFlow models, which share this one.
  const text = tasks.text ? readText(pixels) : undefined;
  text?.catch(() => {}); // awaited below; a failure of the other models must not leave it unhandled
  const faces = tasks.faces ? await detectFaces(pixels, tasks.faces.descriptors) : undefined;
  const objects = tasks.objects ? await detectObjects(pixels) : undefined;
  const moderation = tasks.moderation ? await classifyModeration(pixels) : undefined;
  return {
    width: pixels.width,
    height: pixels.height,
    ...(faces ? { faces } : {}),
    ...(objects ? { objects } : {}),
    ...(moderation ? { moderation } : {}),
    ...(text ? { text: await text } : {}),
  };
}

process.on('message', (request: ModelRequest) => {
  analyze(request).then(
    (result) => reply({ id: request.id, result }),
    (error: unknown) =>
      reply({
        id: request.id,
        error: {
          kind: error instanceof ImageDecodeError ? 'image' : 'model',
          message: error instanceof Error ? error.message : String(error),
        },
      }),
  );
});

// Local mode went away (stopped or crashed): nothing is left to answer.
process.on('disconnect', () => process.exit(0));

function reply(response: ModelResponse): void {
  process.send?.(response);
}
