import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  concatList,
  idetArguments,
  joinArguments,
  packetSizeArguments,
  probeArguments,
  sampleFrameArguments,
  samplingSize,
  segmentArguments,
} from '../domain/commands';
import type { EncodingPlan } from '../domain/encoding';
import { mimeTypeFor, processedKey } from '../domain/media';
import { metadataFromProbe, scanningFromIdet, type ProbeReport } from '../domain/metadata';
import type { MediaStore, ProcessingSegment, VideoStore } from '../domain/ports';
import { assessQuality, type Frame } from '../domain/quality';
import type { VideoMetadata, VideoRecord } from '../domain/records';
import { pixopTime } from '../domain/time';
import type { MediaTools } from '../../shared/media/tools';
import { runMediaTool, throttled } from './runner';

/** Object transfers the workers need beyond the API's media port: whole files to and from `/tmp`. */
export interface WorkerFiles {
  download(key: string, file: string): Promise<void>;
  upload(key: string, file: string, contentType: string): Promise<void>;
}

export interface WorkerDependencies {
  readonly videos: VideoStore;
  readonly media: MediaStore;
  readonly files: WorkerFiles;
  readonly tools: MediaTools;
  readonly now: () => number;
  /** ffmpeg threads: the vCPUs the function's memory buys. */
  readonly threads: number;
  /** Where temporary files go (Lambda's /tmp). */
  readonly scratch?: string;
}

/** How many frames the quality assessment samples, and at what width. */
const QUALITY_SAMPLES = 24;
const QUALITY_WIDTH = 480;
/** Frames `idet` looks at for the scanning heuristics. */
const IDET_FRAMES = 300;
const PROGRESS_INTERVAL_MS = 1000;
const READ_URL_SECONDS = 3600;

export class VideoMissing extends Error {
  constructor(id: string) {
    super(`Video ${id} no longer exists`);
    this.name = 'VideoGone';
  }
}

/** Ingestion, processing and failure recording: the work each state of the two state machines does. */
export class MediaSteps {
  constructor(private readonly deps: WorkerDependencies) {}

  /** ffprobe → `metadata`. Light ingestion ends here. */
  async probe(input: { videoId: string; light: boolean }): Promise<{ videoId: string; light: boolean }> {
    const video = await this.video(input.videoId);
    const key = video.upload.objectKey as string;
    await this.deps.videos.updateIngestion(video.id, { status: 'INGESTING', progress: 5 }, this.time());
    const metadata = await this.describe(await this.readUrl(key), video.upload.fileSize ?? 0);
    await this.deps.videos.setMetadata(video.id, metadata, this.time());
    if (input.light) {
      await this.deps.videos.updateIngestion(
        video.id,
        { status: 'DONE', progress: 100, videoMetadataCommitted: true },
        this.time(),
      );
    } else {
      await this.deps.videos.updateIngestion(video.id, { progress: 30 }, this.time());
    }
    return input;
  }

  /** Deep scanning analysis (`idet`) and the no-reference quality measures over sampled frames. */
  async assess(input: { videoId: string }): Promise<{ videoId: string }> {
    const video = await this.video(input.videoId);
    const metadata = video.ingestion.metadata as VideoMetadata;
    const url = await this.readUrl(video.upload.objectKey as string);
    const idet = await runMediaTool(this.deps.tools.ffmpeg, idetArguments(url, IDET_FRAMES));
    const heuristics = scanningFromIdet(idet.stderr);
    if (heuristics) {
      await this.deps.videos.setMetadata(
        video.id,
        { ...metadata, scanning: { ...metadata.scanning, heuristics } },
        this.time(),
      );
    }
    await this.deps.videos.updateIngestion(video.id, { progress: 40 }, this.time());

    const duration = metadata.durationInMillis / 1000;
    const count = Math.max(1, Math.min(QUALITY_SAMPLES, metadata.totalFrames));
    const size = samplingSize(metadata.frameWidth, metadata.frameHeight, QUALITY_WIDTH);
    const progress = throttled(
      (seconds) =>
        this.deps.videos.updateIngestion(
          video.id,
          { progress: 40 + Math.round(55 * Math.min(1, seconds / duration)) },
          this.time(),
        ),
      PROGRESS_INTERVAL_MS,
    );
    const sampled = await runMediaTool(
      this.deps.tools.ffmpeg,
      sampleFrameArguments(url, duration, count, size.width, size.height),
      {
        captureStdout: true,
        onProgress: (seconds) => progress.report(seconds),
      },
    );
    await progress.flush(duration);
    const frameBytes = size.width * size.height * 3;
    const frames: Frame[] = [];
    for (let offset = 0; offset + frameBytes <= sampled.stdout.length; offset += frameBytes) {
      frames.push({
        width: size.width,
        height: size.height,
        rgb: sampled.stdout.subarray(offset, offset + frameBytes),
      });
    }
    await this.deps.videos.setQualityAssessment(video.id, assessQuality(frames), this.time());
    await this.deps.videos.updateIngestion(
      video.id,
      { status: 'DONE', progress: 100, videoMetadataCommitted: true },
      this.time(),
    );
    return input;
  }

  /** One segment: the source read through a presigned URL (only the part needed), encoded to Matroska. */
  async encodeSegment(input: { videoId: string; sourceVideoId: string; segment: ProcessingSegment }) {
    const video = await this.video(input.videoId);
    const source = await this.video(input.sourceVideoId);
    const plan = video.processing.plan as unknown as EncodingPlan;
    const { segment } = input;
    await this.deps.videos.updateProcessing(video.id, { status: 'PROCESSING' }, this.time());
    return this.inScratch(async (dir) => {
      const output = path.join(dir, `segment-${segment.index}.mkv`);
      const progress = throttled(
        (seconds) =>
          this.deps.videos.setSegmentProgress(
            video.id,
            segment.index,
            round(Math.min(0.99, seconds / segment.duration)),
            this.time(),
          ),
        PROGRESS_INTERVAL_MS,
      );
      const url = await this.readUrl(source.upload.objectKey as string);
      await runMediaTool(this.deps.tools.ffmpeg, segmentArguments(plan, segment, url, output, this.deps.threads), {
        onProgress: (seconds) => progress.report(seconds),
      });
      await progress.flush();
      const key = segmentKey(video.id, segment.index);
      await this.deps.files.upload(key, output, 'video/x-matroska');
      await this.deps.videos.setSegmentProgress(video.id, segment.index, 1, this.time());
      return { index: segment.index, key };
    });
  }

  /** Joins the segments (no re-encoding), adds the source's audio, stores the result and describes it. */
  async join(input: {
    videoId: string;
    sourceVideoId: string;
    segments: ReadonlyArray<{ index: number; key: string }>;
  }) {
    const video = await this.video(input.videoId);
    const source = await this.video(input.sourceVideoId);
    const plan = video.processing.plan as unknown as EncodingPlan;
    const fileName = video.upload.fileName ?? `processed.${plan.extension}`;
    await this.inScratch(async (dir) => {
      const ordered = [...input.segments].sort((a, b) => a.index - b.index);
      const files: string[] = [];
      for (const segment of ordered) {
        const file = path.join(dir, `segment-${segment.index}.mkv`);
        await this.deps.files.download(segment.key, file);
        files.push(file);
      }
      await this.deps.videos.updateProcessing(video.id, { joinProgress: 0.2 }, this.time());
      const list = path.join(dir, 'segments.txt');
      await writeFile(list, concatList(files));
      const output = path.join(dir, fileName);
      const audio = source.ingestion.metadata?.hasAudio
        ? await this.readUrl(source.upload.objectKey as string)
        : undefined;
      const progress = throttled(
        (seconds) =>
          this.deps.videos.updateProcessing(
            video.id,
            { joinProgress: round(0.2 + 0.5 * Math.min(1, seconds / plan.durationSeconds)) },
            this.time(),
          ),
        PROGRESS_INTERVAL_MS,
      );
      await runMediaTool(this.deps.tools.ffmpeg, joinArguments(plan, list, audio, output), {
        onProgress: (seconds) => progress.report(seconds),
      });
      await progress.flush();
      const key = processedKey(video.id, fileName);
      const contentType = mimeTypeFor(fileName);
      await this.deps.files.upload(key, output, contentType);
      await this.deps.videos.updateProcessing(video.id, { joinProgress: 0.9 }, this.time());
      const size = (await stat(output)).size;
      const metadata = await this.describe(output, size);
      const time = this.time();
      await this.deps.videos.completeProcessing(
        video.id,
        {
          status: 'DONE',
          updatedAt: time,
          fileName,
          fileSize: size,
          fileType: contentType,
          fileContainerName: metadata.longContainerName,
          objectKey: key,
        },
        metadata,
        time,
      );
    });
    await this.deps.media.deletePrefix(`work/${video.id}/`);
    return { videoId: video.id };
  }

  /** A failed run: the video says FAILED with the reason; a deleted video needs nothing. */
  async recordFailure(input: {
    videoId: string;
    stage: 'ingestion' | 'processing';
    error?: { Error?: string; Cause?: string };
  }) {
    const message = failureMessage(input.error);
    try {
      if (input.stage === 'ingestion') {
        await this.deps.videos.updateIngestion(input.videoId, { status: 'FAILED', errorMessage: message }, this.time());
      } else {
        await this.deps.videos.updateProcessing(
          input.videoId,
          { status: 'FAILED', errorMessage: message },
          this.time(),
        );
        await this.deps.media.deletePrefix(`work/${input.videoId}/`);
      }
    } catch (error) {
      if ((error as Error).name !== 'VideoGone') throw error;
    }
    return { videoId: input.videoId, errorMessage: message };
  }

  private async describe(input: string, fileSize: number): Promise<VideoMetadata> {
    const probe = await runMediaTool(this.deps.tools.ffprobe, probeArguments(input), { captureStdout: true });
    const report = JSON.parse(probe.stdout.toString('utf8')) as ProbeReport;
    const video = report.streams?.find((stream) => stream.codec_type === 'video');
    let packetBytes: number | undefined;
    if (video && !video.bit_rate) {
      const packets = await runMediaTool(this.deps.tools.ffprobe, packetSizeArguments(input), { captureStdout: true });
      packetBytes = packets.stdout
        .toString('utf8')
        .split('\n')
        .reduce((sum, line) => sum + (Number.parseInt(line, 10) || 0), 0);
    }
    return metadataFromProbe(report, fileSize, packetBytes);
  }

  private async video(id: string): Promise<VideoRecord> {
    const video = await this.deps.videos.get(id);
    if (!video) throw new VideoMissing(id);
    return video;
  }

  private readUrl(key: string): Promise<string> {
    return this.deps.media.presignedGet(key, { fileName: path.basename(key), expiresSeconds: READ_URL_SECONDS });
  }

  private async inScratch<T>(work: (dir: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(path.join(this.deps.scratch ?? tmpdir(), 'pixop-'));
    try {
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private time(): string {
    return pixopTime(this.deps.now());
  }
}

export function segmentKey(videoId: string, index: number): string {
  return `work/${videoId}/segments/${String(index).padStart(5, '0')}.mkv`;
}

/** The reason of a failed task, from Step Functions' `{Error, Cause}` (Cause holds the Lambda error as JSON). */
export function failureMessage(error: { Error?: string; Cause?: string } | undefined): string {
  if (!error) return 'Processing failed';
  try {
    const cause = JSON.parse(error.Cause ?? '') as { errorMessage?: string };
    if (cause.errorMessage) return cause.errorMessage.slice(0, 1000);
  } catch {
    // Not JSON: the Cause is the message.
  }
  return (error.Cause || error.Error || 'Processing failed').slice(0, 1000);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** File transfers on S3 streams, so a segment never has to fit in memory. */
export function streamFiles(
  getStream: (key: string) => Promise<Readable>,
  putFile: (key: string, body: Readable, length: number, contentType: string) => Promise<void>,
): WorkerFiles {
  return {
    async download(key, file) {
      await pipeline(await getStream(key), createWriteStream(file));
    },
    async upload(key, file, contentType) {
      const { size } = await stat(file);
      await putFile(key, createReadStream(file), size, contentType);
    },
  };
}
