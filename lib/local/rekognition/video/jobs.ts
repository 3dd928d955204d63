import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CollectionStore } from '../collections';
import { RekognitionErrors } from '../errors';
import type { ObjectReader, S3ObjectRef } from '../images';
import type { KnownFaces } from '../known-faces';
import type { ModelPool } from '../models/pool';
import type { ModelResult } from '../models/protocol';
import { ANALYSES, Tracker, type AnalysisParams, type Entry, type VideoOperation } from './analyses';
import { probe, sampleFrames, UnsupportedMediaError, type AudioMetadata, type VideoMetadata } from './media';
import { detectSegments, type WireSegment } from './segments';

export type JobStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

export interface NotificationChannel {
  readonly SNSTopicArn: string;
  readonly RoleArn: string;
}

/** A stored-video job as it is kept on disk: the request, its state, and once done its results. */
export interface VideoJob {
  readonly JobId: string;
  readonly operation: VideoOperation;
  readonly status: JobStatus;
  readonly statusMessage?: string;
  readonly video: S3ObjectRef;
  readonly jobTag?: string;
  readonly clientRequestToken?: string;
  /** What the request asked, to tell a retried request from a different one with the same token. */
  readonly fingerprint: string;
  readonly notificationChannel?: NotificationChannel;
  readonly params: AnalysisParams;
  readonly createdAt: number;
  readonly completedAt?: number;
  readonly videoMetadata?: VideoMetadata;
  readonly audioMetadata?: readonly AudioMetadata[];
  readonly results?: readonly (Entry | WireSegment)[];
}

export interface StartRequest {
  readonly operation: VideoOperation;
  readonly video: S3ObjectRef;
  readonly params: AnalysisParams;
  readonly jobTag?: string;
  readonly clientRequestToken?: string;
  readonly notificationChannel?: NotificationChannel;
}

export interface VideoJobsOptions {
  readonly directory: string;
  readonly models: Pick<ModelPool, 'analyze'>;
  readonly reader: ObjectReader;
  readonly collections: CollectionStore;
  readonly knownFaces: KnownFaces;
  readonly log: (message: string) => void;
  /**
   * Frames analysed per second of video.
   * @default MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND, or 1
   */
  readonly framesPerSecond?: number;
  /** Jobs analysed side by side. @default 2 */
  readonly concurrency?: number;
}

/** Rekognition's default quota of stored-video jobs in progress at once per account. */
export const MAX_JOBS_IN_PROGRESS = 20;
/** Frames of one job analysed at once: one per model process. */
const FRAMES_IN_FLIGHT = 2;
/** Rekognition Video takes files up to 10 GB. */
const MAX_VIDEO_BYTES = 10 * 1024 ** 3;

/**
 * Stored-video jobs: each a JSON file under `<module>/jobs/`, run off the request path (frames go to the model
 * processes as batch work behind callers' image requests). A job is IN_PROGRESS until its results are written;
 * a job that was running when local mode stopped runs again when it starts.
 */
export class VideoJobs {
  private readonly directory: string;
  private readonly queue: string[] = [];
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private waiters: (() => void)[] = [];
  private stopped = false;
  private readonly framesPerSecond: number;
  private readonly concurrency: number;

  constructor(private readonly options: VideoJobsOptions) {
    this.directory = path.join(options.directory, 'jobs');
    fs.mkdirSync(this.directory, { recursive: true });
    this.framesPerSecond =
      options.framesPerSecond ?? (Number(process.env.MEDIAPLANE_REKOGNITION_FRAMES_PER_SECOND) || 1);
    this.concurrency = options.concurrency ?? 2;
  }

  async start(request: StartRequest): Promise<string> {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([request.operation, request.video, request.params, request.jobTag ?? null]))
      .digest('hex');
    if (request.clientRequestToken) {
      const earlier = this.all().find(
        (job) => job.clientRequestToken === request.clientRequestToken && job.operation === request.operation,
      );
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) throw RekognitionErrors.idempotentParameterMismatch();
        return earlier.JobId;
      }
    }
    if (this.all().filter((job) => job.status === 'IN_PROGRESS').length >= MAX_JOBS_IN_PROGRESS) {
      throw RekognitionErrors.limitExceeded(
        `Too many jobs in progress: at most ${MAX_JOBS_IN_PROGRESS} stored-video jobs run at once`,
      );
    }
    if (request.params.collectionId) this.options.collections.get(request.params.collectionId);
    if ((await this.options.reader.size(request.video)) > MAX_VIDEO_BYTES) throw RekognitionErrors.videoTooLarge();
    const job: VideoJob = {
      // Rekognition's job ids are 64 hex characters.
      JobId: randomBytes(32).toString('hex'),
      operation: request.operation,
      status: 'IN_PROGRESS',
      video: request.video,
      fingerprint,
      params: request.params,
      createdAt: Date.now(),
      ...(request.jobTag ? { jobTag: request.jobTag } : {}),
      ...(request.clientRequestToken ? { clientRequestToken: request.clientRequestToken } : {}),
      ...(request.notificationChannel ? { notificationChannel: request.notificationChannel } : {}),
    };
    this.write(job);
    this.enqueue(job.JobId);
    return job.JobId;
  }

  get(jobId: string, operation: VideoOperation): VideoJob {
    const job = this.find(jobId);
    if (!job || job.operation !== operation) throw RekognitionErrors.jobNotFound(jobId);
    return job;
  }

  /** Queues the jobs a previous run left in progress. */
  resume(): void {
    for (const job of this.all().sort((a, b) => a.createdAt - b.createdAt)) {
      if (job.status === 'IN_PROGRESS') this.enqueue(job.JobId);
    }
  }

  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops running jobs; they stay IN_PROGRESS on disk and run again on the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    for (const { abort } of this.running.values()) abort.abort();
    await Promise.all([...this.running.values()].map(({ done }) => done));
  }

  private enqueue(jobId: string): void {
    if (this.stopped || this.queue.includes(jobId) || this.running.has(jobId)) return;
    this.queue.push(jobId);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.queue.length > 0) {
      const jobId = this.queue.shift() as string;
      const abort = new AbortController();
      const done = this.run(jobId, abort.signal).finally(() => {
        this.running.delete(jobId);
        this.pump();
        if (this.queue.length === 0 && this.running.size === 0) {
          const waiters = this.waiters;
          this.waiters = [];
          for (const resolve of waiters) resolve();
        }
      });
      this.running.set(jobId, { abort, done });
    }
  }

  private async run(jobId: string, signal: AbortSignal): Promise<void> {
    const job = this.find(jobId);
    if (!job || job.status !== 'IN_PROGRESS') return;
    const file = path.join(this.directory, `${jobId}.video`);
    try {
      await this.options.reader.download(job.video, file).catch(() => {
        throw new UnsupportedMediaError(
          'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
        );
      });
      const probed = await probe(file);
      let results: (Entry | WireSegment)[];
      if (job.operation === 'SegmentDetection') {
        const segment = job.params.segment;
        if (!segment) throw new Error('segment options missing');
        results = await detectSegments(file, probed, segment, signal);
      } else {
        results = await this.analyzeFrames(job, file, probed.video, signal);
      }
      if (signal.aborted) return;
      this.finish({
        ...job,
        status: 'SUCCEEDED',
        completedAt: Date.now(),
        videoMetadata: probed.video,
        audioMetadata: probed.audio,
        results,
      });
    } catch (error) {
      if (signal.aborted) return;
      const message =
        error instanceof UnsupportedMediaError ? error.message : `The video could not be analysed: ${String(error)}`;
      this.finish({ ...job, status: 'FAILED', statusMessage: message, completedAt: Date.now() });
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  private async analyzeFrames(job: VideoJob, file: string, metadata: VideoMetadata, signal: AbortSignal) {
    const analysis = ANALYSES[job.operation as Exclude<VideoOperation, 'SegmentDetection'>];
    const context = {
      params: job.params,
      collectionFaces: job.params.collectionId ? this.options.collections.get(job.params.collectionId).faces : [],
      knownPeople: job.operation === 'CelebrityRecognition' ? await this.options.knownFaces.people() : [],
      tracker: new Tracker(),
    };
    const tasks = analysis.tasks(job.params);
    const entries: Entry[] = [];
    // Frames are independent: two are analysed at once (one per model process), and their results are taken in
    // order, since tracking people from frame to frame needs them so.
    const inFlight: { timestamp: number; result: Promise<ModelResult> }[] = [];
    const settle = async () => {
      const oldest = inFlight.shift();
      if (oldest) entries.push(...analysis.frame(oldest.timestamp, await oldest.result, context));
    };
    const frames = sampleFrames(file, metadata, this.framesPerSecond, signal);
    try {
      for await (const frame of frames) {
        if (signal.aborted) break;
        const result = this.options.models.analyze(
          { rgb: frame.rgb, width: frame.width, height: frame.height },
          tasks,
          'batch',
        );
        result.catch(() => {}); // awaited in settle(); an early failure must not go unhandled meanwhile
        inFlight.push({ timestamp: frame.timestamp, result });
        if (inFlight.length >= FRAMES_IN_FLIGHT) await settle();
      }
      while (inFlight.length > 0) await settle();
    } finally {
      await Promise.allSettled(inFlight.map(({ result }) => result));
    }
    return entries;
  }

  private finish(job: VideoJob): void {
    this.write(job);
    if (job.notificationChannel) {
      // There is no SNS in local mode: the completion is logged where the service would publish it.
      this.options.log(
        `Rekognition ${job.operation} job ${job.JobId} ${job.status}; ` +
          `local mode has no SNS, so nothing is published to ${job.notificationChannel.SNSTopicArn}`,
      );
    }
  }

  private find(jobId: string): VideoJob | undefined {
    if (!/^[a-zA-Z0-9-_]+$/.test(jobId)) return undefined;
    try {
      return JSON.parse(fs.readFileSync(path.join(this.directory, `${jobId}.json`), 'utf8')) as VideoJob;
    } catch {
      return undefined;
    }
  }

  private all(): VideoJob[] {
    return fs
      .readdirSync(this.directory)
      .filter((name) => name.endsWith('.json'))
      .map((name) => this.find(name.slice(0, -'.json'.length)))
      .filter((job): job is VideoJob => job !== undefined);
  }

  private write(job: VideoJob): void {
    const target = path.join(this.directory, `${job.JobId}.json`);
    const temporary = `${target}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(job));
    fs.renameSync(temporary, target);
  }
}
