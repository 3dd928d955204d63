import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetJobCommand, MediaConvertClient, type Job } from '@aws-sdk/client-mediaconvert';
import { LocalEventBus, type EventBridgeEvent } from '../../../lib/local/events/bus';
import type { EventsService } from '../../../lib/local/events/module';
import { mediaConvertModule, type MediaConvertService } from '../../../lib/local/mediaconvert';
import { s3Module } from '../../../lib/local/s3/module';
import type { LocalService } from '../../../lib/local/service-module';
import { startModule, TEST_CREDENTIALS } from '../../support/modules';

export const FFMPEG = path.join(path.dirname(require.resolve('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
export const FFPROBE = path.join(
  path.dirname(require.resolve('ffprobe-static/package.json')),
  'bin',
  'linux',
  'x64',
  'ffprobe',
);

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

/** An ffmpeg test pattern with a tone: `seconds` long, `width`×`height` at 30 fps, AAC audio unless `silent`. */
export async function testClip(seconds: number, width = 640, height = 360, silent = false): Promise<Buffer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaconvert-clip-'));
  const file = path.join(folder, 'clip.mp4');
  try {
    await run(FFMPEG, [
      ...['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=30:duration=${seconds}`],
      ...(silent ? [] : ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`]),
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file],
    ]);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

export interface Probe {
  format: { duration?: string; format_name?: string };
  streams: {
    codec_type: string;
    codec_name: string;
    profile?: string;
    width?: number;
    height?: number;
    sample_rate?: string;
    channels?: number;
    avg_frame_rate?: string;
  }[];
}

/** ffprobe's report of a file or URL. */
export async function probe(input: string): Promise<Probe> {
  return JSON.parse(
    await run(FFPROBE, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input]),
  ) as Probe;
}

export interface MediaConvertHarness {
  readonly client: MediaConvertClient;
  readonly s3: S3Client;
  readonly service: MediaConvertService;
  readonly bucket: string;
  /** Every event MediaConvert put on the bus, in order. */
  readonly events: EventBridgeEvent[];
  put(key: string, body: Buffer | string): Promise<void>;
  /** An object's bytes written to a temporary file, for ffprobe. */
  download(key: string): Promise<string>;
  exists(key: string): Promise<boolean>;
  /** Stops MediaConvert and starts it again on the same directory, as a restart of local mode does. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * S3, an event bus with a rule for `aws.mediaconvert` events and MediaConvert, started on their own as local mode
 * starts them, with a bucket for media.
 */
export async function startMediaConvert(): Promise<MediaConvertHarness> {
  const s3Started = await startModule<LocalService>(s3Module);
  const events: EventBridgeEvent[] = [];
  const bus = new LocalEventBus({
    region: 'us-east-1',
    accountId: '000000000000',
    log: () => {},
    deliver: async (_target, payload) => {
      events.push(payload as EventBridgeEvent);
    },
  });
  bus.addRule({
    name: 'mediaconvert-jobs',
    arn: 'arn:aws:events:us-east-1:000000000000:rule/mediaconvert-jobs',
    eventPattern: { source: ['aws.mediaconvert'], 'detail-type': ['MediaConvert Job State Change'] },
    targets: [{ id: 'recorder', arn: 'arn:aws:lambda:us-east-1:000000000000:function:recorder' }],
  });
  bus.start();
  const eventsService: EventsService = { bus, close: () => bus.stop() };
  const started = await startModule<MediaConvertService>(mediaConvertModule, {
    services: { s3: s3Started.service, events: eventsService },
  });
  const s3 = new S3Client({
    endpoint: s3Started.service.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    forcePathStyle: true,
  });
  const bucket = 'media';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaconvert-out-'));
  let service = started.service;
  let client = mediaConvertClient(service.endpoint);
  const harness: MediaConvertHarness = {
    get client() {
      return client;
    },
    s3,
    get service() {
      return service;
    },
    bucket,
    events,
    put: async (key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    download: async (key) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const file = path.join(scratch, key.replace(/\//g, '_'));
      fs.writeFileSync(file, await object.Body!.transformToByteArray());
      return file;
    },
    exists: async (key) =>
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
        () => true,
        () => false,
      ),
    restart: async () => {
      await service.quiesce?.();
      await service.close();
      client.destroy();
      service = (await mediaConvertModule.start!({
        cloud: started.cloud,
        directory: started.directory,
        port: 0,
      })) as MediaConvertService;
      client = mediaConvertClient(service.endpoint);
    },
    stop: async () => {
      client.destroy();
      s3.destroy();
      if (service !== started.service) await service.close();
      await started.stop().catch(() => undefined);
      await s3Started.stop();
      bus.stop();
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Default configuration apart from the endpoint: what a function gets from AWS_ENDPOINT_URL_MEDIACONVERT. */
export function mediaConvertClient(endpoint: string): MediaConvertClient {
  return new MediaConvertClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
}

/** Polls GetJob until the job has finished, recording every status and phase seen on the way. */
export async function waitForJob(
  client: MediaConvertClient,
  id: string,
  seen: { status?: string; phase?: string; percent?: number }[] = [],
): Promise<Job> {
  for (;;) {
    const { Job: job } = await client.send(new GetJobCommand({ Id: id }));
    seen.push({ status: job?.Status, phase: job?.CurrentPhase, percent: job?.JobPercentComplete });
    if (job && ['COMPLETE', 'ERROR', 'CANCELED'].includes(job.Status ?? '')) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
