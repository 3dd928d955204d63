import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from '../events/bus';
import { eventTime } from '../events/bus';
import { extractEmbeddedCaptions, webVttToSrt } from '../../../lambdas/shared/media/captions';
import { AwsError } from '../protocol/wire';
import { planJob, toS3Url, type JobPlan } from './settings';
import { JobFailure, masterPlaylist, transcodeCommand, type InputMedia, type PlannedOutput } from './transcode';

export type JobStatus = 'SUBMITTED' | 'PROGRESSING' | 'COMPLETE' | 'CANCELED' | 'ERROR';
export type JobPhase = 'PROBING' | 'TRANSCODING' | 'UPLOADING';

interface OutputDetail {
  durationInMs?: number;
  videoDetails?: { widthInPx: number; heightInPx: number };
}

/** A job as MediaConvert's API returns it (lower camel case, times in epoch seconds). */
export interface WireJob {
  arn: string;
  id: string;
  createdAt: number;
  status: JobStatus;
  role: string;
  settings: unknown;
  queue: string;
  userMetadata: Record<string, string>;
  priority: number;
  statusUpdateInterval: string;
  billingTagsSource: string;
  accelerationStatus: 'NOT_APPLICABLE';
  accelerationSettings?: unknown;
  jobTemplate?: string;
  retryCount: number;
  messages: { info: string[]; warning: string[] };
  timing: { submitTime: number; startTime?: number; finishTime?: number };
  jobPercentComplete?: number;
  currentPhase?: JobPhase;
  errorCode?: number;
  errorMessage?: string;
  outputGroupDetails?: { outputDetails: OutputDetail[] }[];
}

/** What is kept per job in `<directory>/jobs/<id>.json`. */
interface JobRecord {
  readonly accountId: string;
  readonly clientRequestToken?: string;
  readonly job: WireJob;
}

export interface CreateJobRequest {
  readonly role: string;
  readonly settings: unknown;
  readonly queue?: string;
  readonly userMetadata?: Record<string, string>;
  readonly clientRequestToken?: string;
  readonly priority?: number;
  readonly statusUpdateInterval?: string;
  readonly billingTagsSource?: string;
  readonly accelerationSettings?: unknown;
}

export interface MediaTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

export interface JobRunnerDependencies {
  readonly directory: string;
  readonly region: string;
  readonly s3: () => S3Client;
  readonly tools: MediaTools;
  /** Puts an event on the local default bus. */
  readonly putEvent: (event: EventBridgeEvent) => void;
  readonly log: (message: string) => void;
  /** Jobs transcoded at once. @default 2 */
  readonly concurrency?: number;
}

/** A job being transcoded: its ffmpeg, and whether CancelJob asked it to stop. */
interface Run {
  canceled: boolean;
  child?: ChildProcess;
  done: Promise<void>;
}

/** How often a running job's progress is written to disk (and so seen by GetJob from another process). */
const PROGRESS_SAVE_MS = 500;

/**
 * MediaConvert jobs: kept on disk (a restart keeps them; one a restart interrupted runs again from the start), run
 * two at a time (so a long job does not hold up every other) in ffmpeg processes, so a long job never blocks a request. Each job moves SUBMITTED → PROGRESSING
 * (PROBING, TRANSCODING with its real percentage, UPLOADING) → COMPLETE, ERROR or CANCELED, and every change of
 * status goes on the local event bus as `MediaConvert Job State Change`, as the service sends it to EventBridge.
 */
export class MediaConvertJobs {
  private readonly jobsDirectory: string;
  private readonly workDirectory: string;
  private readonly records = new Map<string, JobRecord>();
  private readonly waiting: string[] = [];
  /** The jobs being transcoded, by id. */
  private readonly running = new Map<string, Run>();
  private stopped = false;

  /** Jobs transcoded at once; the rest wait `SUBMITTED`, as in a busy queue. */
  private readonly concurrency: number;

  constructor(private readonly deps: JobRunnerDependencies) {
    this.concurrency = deps.concurrency ?? 2;
    this.jobsDirectory = path.join(deps.directory, 'jobs');
    this.workDirectory = path.join(deps.directory, 'work');
    fs.mkdirSync(this.jobsDirectory, { recursive: true });
    fs.rmSync(this.workDirectory, { recursive: true, force: true });
    for (const file of fs.readdirSync(this.jobsDirectory)) {
      if (!file.endsWith('.json')) continue;
      try {
        const record = JSON.parse(fs.readFileSync(path.join(this.jobsDirectory, file), 'utf8')) as JobRecord;
        this.records.set(record.job.id, record);
      } catch {
        deps.log(`mediaconvert: skipping unreadable job file ${file}`);
      }
    }
  }

  /** Queues again, oldest first, every job a stop left submitted or interrupted. */
  resume(): void {
    const unfinished = [...this.records.values()]
      .filter(({ job }) => job.status === 'SUBMITTED' || job.status === 'PROGRESSING')
      .sort((a, b) => a.job.createdAt - b.job.createdAt);
    for (const record of unfinished) {
      const { job } = record;
      if (job.status === 'PROGRESSING') {
        job.status = 'SUBMITTED';
        delete job.jobPercentComplete;
        delete job.currentPhase;
        delete job.timing.startTime;
        this.save(record);
      }
      this.waiting.push(job.id);
    }
    this.pump();
  }

  create(accountId: string, request: CreateJobRequest): WireJob {
    if (request.clientRequestToken !== undefined) {
      const earlier = [...this.records.values()].find(
        (record) => record.accountId === accountId && record.clientRequestToken === request.clientRequestToken,
      );
      if (earlier) return earlier.job;
    }
    planJob(request.settings);
    const now = Date.now();
    // MediaConvert's job ids: the creation time in milliseconds and six lower-case letters and digits.
    const id = `${now}-${[...randomBytes(6)].map((byte) => (byte % 36).toString(36)).join('')}`;
    const queue = queueArn(request.queue, this.deps.region, accountId);
    const job: WireJob = {
      arn: `arn:aws:mediaconvert:${this.deps.region}:${accountId}:jobs/${id}`,
      id,
      createdAt: now / 1000,
      status: 'SUBMITTED',
      role: request.role,
      settings: request.settings,
      queue,
      userMetadata: request.userMetadata ?? {},
      priority: request.priority ?? 0,
      statusUpdateInterval: request.statusUpdateInterval ?? 'SECONDS_60',
      billingTagsSource: request.billingTagsSource ?? 'JOB',
      accelerationStatus: 'NOT_APPLICABLE',
      ...(request.accelerationSettings !== undefined ? { accelerationSettings: request.accelerationSettings } : {}),
      retryCount: 0,
      messages: { info: [], warning: [] },
      timing: { submitTime: now / 1000 },
    };
    const record: JobRecord = {
      accountId,
      ...(request.clientRequestToken !== undefined ? { clientRequestToken: request.clientRequestToken } : {}),
      job,
    };
    this.save(record);
    this.emit(record);
    // The answer is the job as created: the runner may take it up before the response is written.
    const answer = structuredClone(job);
    this.waiting.push(id);
    this.pump();
    return answer;
  }

  get(accountId: string, id: string): WireJob | undefined {
    const record = this.records.get(id);
    return record?.accountId === accountId ? record.job : undefined;
  }

  /** The account's jobs, newest first unless `ascending`, in a queue or with a status when asked. */
  list(accountId: string, filter: { queue?: string; status?: JobStatus; ascending: boolean }): WireJob[] {
    const queue = filter.queue === undefined ? undefined : queueArn(filter.queue, this.deps.region, accountId);
    return [...this.records.values()]
      .filter((record) => record.accountId === accountId)
      .map((record) => record.job)
      .filter((job) => (queue === undefined || job.queue === queue) && (!filter.status || job.status === filter.status))
      .sort((a, b) => (filter.ascending ? 1 : -1) * (a.createdAt - b.createdAt || a.id.localeCompare(b.id)));
  }

  /** Cancels a job that has not finished: a submitted one at once, a running one by stopping its ffmpeg. */
  cancel(accountId: string, id: string): void {
    const record = this.records.get(id);
    if (!record || record.accountId !== accountId) throw jobNotFound(id);
    const { job } = record;
    if (job.status !== 'SUBMITTED' && job.status !== 'PROGRESSING') {
      throw new AwsError('ConflictException', `The job ${id} has status ${job.status} and can't be canceled.`, 409);
    }
    const running = this.running.get(id);
    if (running) {
      running.canceled = true;
      running.child?.kill('SIGKILL');
      return;
    }
    const index = this.waiting.indexOf(id);
    if (index >= 0) this.waiting.splice(index, 1);
    this.finish(record, 'CANCELED');
  }

  /** Resolves when no job is running or waiting (tests and benchmarks wait for it). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((run) => run.done));
  }

  /** Takes up no more jobs and stops the running one, which stays unfinished and runs again after a restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const run of this.running.values()) run.child?.kill('SIGKILL');
    await Promise.all([...this.running.values()].map((run) => run.done));
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency) {
      const id = this.waiting.shift();
      if (!id) return;
      const record = this.records.get(id);
      if (!record || record.job.status !== 'SUBMITTED') continue;
      const run: Run = { canceled: false, done: Promise.resolve() };
      this.running.set(id, run);
      run.done = this.execute(record, run).finally(() => {
        this.running.delete(id);
        this.pump();
      });
    }
  }

  private async execute(record: JobRecord, run: Run): Promise<void> {
    const { job } = record;
    const work = path.join(this.workDirectory, job.id);
    job.status = 'PROGRESSING';
    job.timing.startTime = Date.now() / 1000;
    job.currentPhase = 'PROBING';
    job.jobPercentComplete = 0;
    this.save(record);
    this.emit(record);
    try {
      const plan = planJob(job.settings);
      fs.mkdirSync(work, { recursive: true });
      const inputFile = path.join(work, 'input');
      await this.download(plan, inputFile);
      this.checkInterrupted(run);
      const media = await this.probeInput(plan, inputFile);
      this.checkInterrupted(run);
      this.setPhase(record, 'TRANSCODING');
      const command = transcodeCommand(plan, inputFile, media, path.join(work, 'out'));
      for (const folder of new Set(command.outputs.map((output) => output.folder))) {
        fs.mkdirSync(folder, { recursive: true });
      }
      await this.transcode(record, run, command.args, media.durationMs);
      this.checkInterrupted(run);
      await this.writeCaptions(command.outputs, inputFile, work);
      this.checkInterrupted(run);
      this.setPhase(record, 'UPLOADING');
      const details = await this.upload(plan, command, media);
      job.outputGroupDetails = details.api;
      this.finish(record, 'COMPLETE', { outputGroupDetails: details.event });
    } catch (error) {
      if (this.stopped && !run.canceled) return;
      if (run.canceled) this.finish(record, 'CANCELED');
      else if (error instanceof JobFailure) this.finish(record, 'ERROR', {}, error);
      else {
        const message = error instanceof Error ? error.message : String(error);
        this.deps.log(`mediaconvert: job ${job.id} failed: ${message}`);
        this.finish(record, 'ERROR', {}, new JobFailure(1999, message));
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  /**
   * The sidecar captions outputs: the input's embedded captions decoded once, written to each output as WebVTT or
   * SubRip. An input without captions gets files without cues, as MediaConvert writes them.
   */
  private async writeCaptions(outputs: readonly PlannedOutput[], inputFile: string, work: string): Promise<void> {
    const sidecars = outputs.filter((output) => output.kind === 'captions');
    if (sidecars.length === 0) return;
    const vtt = path.join(work, 'captions.vtt');
    try {
      await extractEmbeddedCaptions(this.deps.tools.ffmpeg, inputFile, work, vtt);
    } catch (error) {
      throw new JobFailure(1999, `Captions extraction failed: ${lastLine((error as Error).message)}`);
    }
    const text = fs.readFileSync(vtt, 'utf8');
    for (const output of sidecars) {
      const content = output.plan.captions?.destination === 'SRT' ? webVttToSrt(text) : text;
      fs.writeFileSync(path.join(output.folder, output.name), content);
    }
  }

  /** A cancel or a stop between two steps ends the job before the next one starts. */
  private checkInterrupted(run: Run): void {
    if (this.stopped || run.canceled) throw new Interrupted();
  }

  private async download(plan: JobPlan, file: string): Promise<void> {
    const url = toS3Url(plan.input);
    try {
      const object = await this.deps
        .s3()
        .send(new GetObjectCommand({ Bucket: plan.input.bucket, Key: plan.input.key }));
      await pipeline(object.Body as NodeJS.ReadableStream, fs.createWriteStream(file));
    } catch (error) {
      const reason = (error as { name?: string }).name ?? 'an error';
      throw new JobFailure(
        1010,
        `Unable to open input file [${url}]: [Failed probe/open: [Can't read input: ${reason}]]`,
      );
    }
  }

  private async probeInput(plan: JobPlan, file: string): Promise<InputMedia> {
    let report: ProbeReport;
    try {
      report = JSON.parse(
        await run(this.deps.tools.ffprobe, [
          '-v',
          'error',
          '-print_format',
          'json',
          '-show_format',
          '-show_streams',
          file,
        ]),
      ) as ProbeReport;
    } catch {
      report = {};
    }
    const streams = report.streams ?? [];
    const video = streams.find((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1);
    const audio = streams
      .filter((stream) => stream.codec_type === 'audio')
      .map((stream) => ({
        codec: stream.codec_name ?? '',
        sampleRate: Number(stream.sample_rate ?? 0),
        channels: stream.channels ?? 0,
        ...(Number(stream.bit_rate) > 0 ? { bitrate: Number(stream.bit_rate) } : {}),
      }));
    const audioTracks = audio.length;
    const durationMs = Math.round(Number.parseFloat(report.format?.duration ?? '') * 1000);
    if ((!video && audioTracks === 0) || !Number.isFinite(durationMs)) {
      throw new JobFailure(
        1010,
        `Unable to open input file [${toS3Url(plan.input)}]: [Failed probe/open: [No parser found for container]]`,
      );
    }
    const [numerator, denominator] = (video?.avg_frame_rate ?? '0/0').split('/').map(Number);
    const fps = numerator && denominator ? numerator / denominator : 30;
    return {
      durationMs,
      audioTracks,
      audio,
      ...(video?.width && video.height ? { video: { width: video.width, height: video.height, fps } } : {}),
    };
  }

  /** Runs ffmpeg, turning its `-progress` reports into the job's percentage. */
  private transcode(record: JobRecord, run: Run, args: string[], durationMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.deps.tools.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      run.child = child;
      let stderr = '';
      let lastSave = 0;
      let pending = '';
      child.stdout.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const match = /^out_time_(?:us|ms)=(\d+)$/.exec(line.trim());
          if (!match || durationMs <= 0) continue;
          const percent = Math.min(99, Math.floor((Number(match[1]) / 1000 / durationMs) * 100));
          if (percent > (record.job.jobPercentComplete ?? 0) && Date.now() - lastSave >= PROGRESS_SAVE_MS) {
            record.job.jobPercentComplete = percent;
            lastSave = Date.now();
            this.save(record);
          }
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-2000);
      });
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else if (signal) reject(new Interrupted());
        else reject(new JobFailure(1999, `Transcoding failed: ${lastLine(stderr) || `ffmpeg exited with ${code}`}`));
      });
    });
  }

  private async upload(
    plan: JobPlan,
    command: ReturnType<typeof transcodeCommand>,
    media: InputMedia,
  ): Promise<{ api: { outputDetails: OutputDetail[] }[]; event: unknown[] }> {
    const api = plan.groups.map(() => ({ outputDetails: [] as OutputDetail[] }));
    const event = plan.groups.map((group) => ({
      outputDetails: [] as unknown[],
      type: group.type,
      ...(group.type === 'HLS_GROUP' ? { playlistFilePaths: [] as string[] } : {}),
    }));
    const variants = new Map<number, { uri: string; bandwidth: number; width?: number; height?: number }[]>();
    for (const output of command.outputs) {
      const files = filesOf(output);
      if (files.length === 0) throw new JobFailure(1999, `No output was written for ${output.name}`);
      const uploaded: string[] = [];
      for (const file of files) uploaded.push(await this.put(output.destination, output.folder, file));
      const detail = await this.outputDetail(output, files, media);
      api[output.group]!.outputDetails.push(detail);
      // The event names a frame capture output by its last capture, a file by itself, an HLS output by its playlist
      // (uploaded after its segments).
      event[output.group]!.outputDetails.push({
        outputFilePaths: [uploaded[uploaded.length - 1]!],
        ...detail,
      });
      if (output.kind === 'hls') {
        const bits =
          (output.plan.video?.bitrate ?? output.plan.video?.maxBitrate ?? 0) + (output.plan.audio?.bitrate ?? 0);
        const list = variants.get(output.group) ?? [];
        list.push({
          uri: output.name,
          bandwidth: bits,
          ...(detail.videoDetails
            ? { width: detail.videoDetails.widthInPx, height: detail.videoDetails.heightInPx }
            : {}),
        });
        variants.set(output.group, list);
      }
    }
    for (const master of command.masters) {
      fs.writeFileSync(path.join(master.folder, master.name), masterPlaylist(variants.get(master.group) ?? []));
      const destination = command.outputs.find((output) => output.group === master.group)!.destination;
      const url = await this.put(destination, master.folder, master.name);
      (event[master.group] as { playlistFilePaths?: string[] }).playlistFilePaths?.push(url);
    }
    return { api, event };
  }

  private async put(destination: { bucket: string; key: string }, folder: string, file: string): Promise<string> {
    const key = `${destination.key}${file}`;
    const full = path.join(folder, file);
    const url = `s3://${destination.bucket}/${key}`;
    try {
      await this.deps.s3().send(
        new PutObjectCommand({
          Bucket: destination.bucket,
          Key: key,
          Body: fs.createReadStream(full),
          ContentLength: fs.statSync(full).size,
          ContentType: contentType(file),
        }),
      );
    } catch (error) {
      const reason = (error as { name?: string }).name ?? 'an error';
      throw new JobFailure(1401, `Unable to write to output file [${url}]: [Failed to write data: ${reason}]`);
    }
    return url;
  }

  private async outputDetail(output: PlannedOutput, files: string[], media: InputMedia): Promise<OutputDetail> {
    // A sidecar lasts as long as the input, whatever its last cue.
    if (output.kind === 'captions') return { durationInMs: media.durationMs };
    const probed = path.join(
      output.folder,
      output.kind === 'file' ? files[0]! : (files.find((f) => /\.(ts|jpg|jpeg)$/.test(f)) ?? files[0]!),
    );
    let report: ProbeReport = {};
    try {
      report = JSON.parse(
        await run(this.deps.tools.ffprobe, [
          '-v',
          'error',
          '-print_format',
          'json',
          '-show_format',
          '-show_streams',
          probed,
        ]),
      ) as ProbeReport;
    } catch {
      // A file ffprobe cannot read still has the input's duration.
    }
    const video = (report.streams ?? []).find((stream) => stream.codec_type === 'video');
    const duration = Number.parseFloat(report.format?.duration ?? '');
    return {
      durationInMs:
        output.kind === 'file' && Number.isFinite(duration) ? Math.round(duration * 1000) : media.durationMs,
      ...(video?.width && video.height ? { videoDetails: { widthInPx: video.width, heightInPx: video.height } } : {}),
    };
  }

  private setPhase(record: JobRecord, phase: JobPhase): void {
    record.job.currentPhase = phase;
    if (phase === 'UPLOADING') record.job.jobPercentComplete = 100;
    this.save(record);
  }

  private finish(
    record: JobRecord,
    status: 'COMPLETE' | 'CANCELED' | 'ERROR',
    extra: object = {},
    failure?: JobFailure,
  ): void {
    const { job } = record;
    job.status = status;
    job.timing.finishTime = Date.now() / 1000;
    delete job.currentPhase;
    if (status === 'COMPLETE') job.jobPercentComplete = 100;
    else delete job.jobPercentComplete;
    if (failure) {
      job.errorCode = failure.code;
      job.errorMessage = failure.message;
    }
    this.save(record);
    this.emit(record, extra);
  }

  /** `MediaConvert Job State Change`, with the detail members the service sends for each status. */
  private emit(record: JobRecord, extra: object = {}): void {
    const { job } = record;
    const now = Date.now();
    this.deps.putEvent({
      version: '0',
      id: randomUUID(),
      'detail-type': 'MediaConvert Job State Change',
      source: 'aws.mediaconvert',
      account: record.accountId,
      time: eventTime(now),
      region: this.deps.region,
      resources: [job.arn],
      detail: {
        timestamp: now,
        accountId: record.accountId,
        queue: job.queue,
        jobId: job.id,
        status: job.status,
        userMetadata: job.userMetadata,
        ...(job.errorCode !== undefined ? { errorCode: job.errorCode, errorMessage: job.errorMessage } : {}),
        ...extra,
      },
    });
  }

  private save(record: JobRecord): void {
    this.records.set(record.job.id, record);
    const file = path.join(this.jobsDirectory, `${record.job.id}.json`);
    // Written whole, then renamed: a crash never leaves half a record.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(record));
    fs.renameSync(`${file}.tmp`, file);
  }
}

class Interrupted extends Error {}

export function jobNotFound(id: string): AwsError {
  return new AwsError('NotFoundException', `The specified job ${id} was not found.`, 404);
}

export function queueArn(queue: string | undefined, region: string, accountId: string): string {
  if (queue === undefined || queue === '') return `arn:aws:mediaconvert:${region}:${accountId}:queues/Default`;
  if (queue.startsWith('arn:')) return queue;
  return `arn:aws:mediaconvert:${region}:${accountId}:queues/${queue}`;
}

interface ProbeReport {
  format?: { duration?: string };
  streams?: {
    codec_type?: string;
    codec_name?: string;
    sample_rate?: string;
    channels?: number;
    bit_rate?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    disposition?: { attached_pic?: number };
  }[];
}

/** The files an output wrote, in the order MediaConvert numbers them (HLS: segments, then the playlist). */
function filesOf(output: PlannedOutput): string[] {
  const all = fs.existsSync(output.folder) ? fs.readdirSync(output.folder).sort() : [];
  switch (output.kind) {
    case 'file':
    case 'captions':
      return all.filter((file) => file === output.name);
    case 'frames': {
      const pattern = new RegExp(`^${escape(output.name)}\\.\\d{7}\\.${escape(output.plan.extension)}$`);
      return all.filter((file) => pattern.test(file));
    }
    case 'hls': {
      const stem = output.name.slice(0, -(output.plan.extension.length + 1));
      const segment = new RegExp(`^${escape(stem)}_\\d{5}\\.ts$`);
      return [...all.filter((file) => segment.test(file)), ...all.filter((file) => file === output.name)];
    }
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function contentType(file: string): string {
  const extension = path.extname(file).toLowerCase();
  const types: Record<string, string> = {
    '.mp4': 'video/mp4',
    '.m4a': 'audio/mp4',
    '.mov': 'video/quicktime',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.m3u8': 'application/x-mpegURL',
    '.ts': 'video/MP2T',
    '.aac': 'audio/aac',
    '.mp3': 'audio/mpeg',
    '.vtt': 'text/vtt',
    '.srt': 'application/x-subrip',
  };
  return types[extension] ?? 'application/octet-stream';
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}

/** Runs a tool and resolves with its standard output. */
function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(lastLine(err) || `exit ${code}`)),
    );
  });
}
