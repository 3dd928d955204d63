import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { rekognitionModule, type RekognitionService } from '../../../lib/local/rekognition/module';
import { ffmpegPath } from '../../../lib/local/rekognition/video/media';
import { s3Module } from '../../../lib/local/s3/module';
import type { LocalService } from '../../../lib/local/service-module';
import { startModule, TEST_CREDENTIALS } from '../../support/modules';

/** The portrait photos shipped with face-api (1920 px wide, two to five people each). */
export function faceSample(n: 1 | 2 | 3 | 4 | 5 | 6): Buffer {
  const dir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  return fs.readFileSync(path.join(dir, `sample${n}.jpg`));
}

/** A portrait photo scaled down to `width` pixels, as JPEG: the same faces for a fraction of the model's work. */
export async function smallFaceSample(n: 1 | 2 | 3 | 4 | 5 | 6, width = 640): Promise<Buffer> {
  const photo = await loadImage(faceSample(n));
  const canvas = createCanvas(width, Math.round((photo.height * width) / photo.width));
  canvas.getContext('2d').drawImage(photo, 0, 0, canvas.width, canvas.height);
  return canvas.toBuffer('image/jpeg');
}

/** Text drawn on a plain background, as a PNG; the words are what OCR should read back. */
export function renderText(lines: readonly string[], width = 1280, height = 720): Buffer {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#1d3557';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#ffffff';
  context.font = 'bold 56px sans-serif';
  lines.forEach((line, i) => context.fillText(line, 60, 140 + i * 120));
  return canvas.toBuffer('image/png');
}

/** An H.264 MP4 made by ffmpeg from lavfi sources (`-f lavfi` inputs), or from a still image. */
export function makeVideo(file: string, args: readonly string[]): Buffer {
  execFileSync(ffmpegPath(), [
    '-y',
    '-v',
    'error',
    ...args,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    file,
  ]);
  return fs.readFileSync(file);
}

/** A still image held for `seconds` as a 640-pixel-wide video. */
export function stillVideo(image: Buffer, seconds: number, directory: string, name: string): Buffer {
  const source = path.join(directory, `${name}.img`);
  fs.writeFileSync(source, image);
  return makeVideo(path.join(directory, `${name}.mp4`), [
    '-loop',
    '1',
    '-framerate',
    '25',
    '-t',
    String(seconds),
    '-i',
    source,
    '-vf',
    'scale=640:-2',
  ]);
}

export interface RekognitionHarness {
  readonly client: RekognitionClient;
  readonly s3: S3Client;
  readonly service: RekognitionService;
  readonly endpoint: string;
  /** Stops the service and starts it again on the same directory, as a restart of local mode does. */
  restart(): Promise<{ client: RekognitionClient; service: RekognitionService }>;
  readonly bucket: string;
  readonly scratch: string;
  put(key: string, body: Buffer): Promise<void>;
  stop(): Promise<void>;
}

/** S3 and Rekognition started on their own, as local mode starts them, with a bucket for inputs. */
export async function startRekognition(): Promise<RekognitionHarness> {
  const s3Started = await startModule<LocalService>(s3Module);
  const started = await startModule<RekognitionService>(rekognitionModule, {
    services: { s3: s3Started.service },
  });
  const endpoint = started.service.endpoint;
  // Default configuration apart from the endpoint: what a function gets from AWS_ENDPOINT_URL_REKOGNITION.
  const client = new RekognitionClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  const s3 = new S3Client({
    endpoint: s3Started.service.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    forcePathStyle: true,
  });
  const bucket = 'media';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-rekognition-test-'));
  const restarted: { client: RekognitionClient; service: RekognitionService }[] = [];
  return {
    client,
    s3,
    service: started.service,
    endpoint,
    bucket,
    scratch,
    restart: async () => {
      await started.service.quiesce?.();
      await started.service.close();
      const service = (await rekognitionModule.start!({
        cloud: started.cloud,
        directory: started.directory,
        port: 0,
      })) as RekognitionService;
      const again = {
        service,
        client: new RekognitionClient({
          endpoint: service.endpoint,
          region: 'us-east-1',
          credentials: TEST_CREDENTIALS,
        }),
      };
      restarted.push(again);
      return again;
    },
    put: async (key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    stop: async () => {
      for (const again of restarted) {
        again.client.destroy();
        await again.service.close();
      }
      client.destroy();
      s3.destroy();
      await started.stop();
      await s3Started.stop();
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}
