import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsError } from '../protocol/wire';
import { textractBlocks, type TextractBlock } from './blocks';
import { DocumentError, TEXTRACT_LIMITS, sniffDocumentFormat } from './documents';
import type { DocumentReader } from './reader';
import type { S3Documents, S3ObjectRef } from './s3-documents';

export type JobStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

/** What a text detection job was started with. */
export interface TextDetectionRequest {
  readonly document: S3ObjectRef;
  readonly clientRequestToken?: string;
  readonly jobTag?: string;
  readonly notificationChannel?: { readonly SNSTopicArn: string; readonly RoleArn: string };
  readonly outputConfig?: { readonly S3Bucket: string; readonly S3Prefix?: string };
  readonly kmsKeyId?: string;
}

/** A job as it is kept in `<directory>/jobs/<JobId>.json`; its blocks go next to it once it succeeded. */
export interface TextDetectionJob {
  readonly jobId: string;
  readonly accountId: string;
  readonly request: TextDetectionRequest;
  readonly createdAt: number;
  status: JobStatus;
  statusMessage?: string;
  pages?: number;
  completedAt?: number;
}

/** Blocks per file a job writes to its `OutputConfig` location, as Textract splits them. */
const OUTPUT_BLOCKS_PER_FILE = 1000;

/**
 * Asynchronous text detection: jobs are kept on disk (a restart keeps them; one that a restart interrupted runs
 * again) and run one after another in the document reader, behind any synchronous request.
 */
export class TextDetectionJobs {
  private readonly jobsDirectory: string;
  private readonly jobs = new Map<string, TextDetectionJob>();
  private running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    directory: string,
    private readonly reader: DocumentReader,
    private readonly s3: S3Documents,
    private readonly log: (message: string) => void,
  ) {
    this.jobsDirectory = path.join(directory, 'jobs');
    fs.mkdirSync(this.jobsDirectory, { recursive: true });
    for (const file of fs.readdirSync(this.jobsDirectory)) {
      if (!/^[0-9a-f]{64}\.json$/.test(file)) continue;
      try {
        const job = JSON.parse(fs.readFileSync(path.join(this.jobsDirectory, file), 'utf8')) as TextDetectionJob;
        this.jobs.set(job.jobId, job);
      } catch {
        this.log(`textract: skipping unreadable job file ${file}`);
      }
    }
  }

  /** Runs again every job a stop interrupted. */
  resume(): void {
    for (const job of this.jobs.values()) if (job.status === 'IN_PROGRESS') this.schedule(job);
  }

  /**
   * Starts a job, or returns the one started earlier with the same client request token (the same request made
   * twice starts one job; the token with other parameters is refused).
   */
  async start(accountId: string, request: TextDetectionRequest): Promise<string> {
    if (request.clientRequestToken !== undefined) {
      const earlier = [...this.jobs.values()].find(
        (job) => job.accountId === accountId && job.request.clientRequestToken === request.clientRequestToken,
      );
      if (earlier) {
        if (JSON.stringify(earlier.request) !== JSON.stringify(request)) {
          throw new AwsError(
            'IdempotentParameterMismatchException',
            'The ClientRequestToken you provided has already been used with other parameters.',
          );
        }
        return earlier.jobId;
      }
    }
    // Textract checks that it can read the object before it accepts the job.
    const size = await this.s3.size(request.document);
    if (size > TEXTRACT_LIMITS.asyncDocumentMaxBytes) {
      throw new AwsError(
        'DocumentTooLargeException',
        `S3 object size ${size} is more than the maximum limit ${TEXTRACT_LIMITS.asyncDocumentMaxBytes}`,
      );
    }
    const job: TextDetectionJob = {
      jobId: randomBytes(32).toString('hex'),
      accountId,
      request,
      createdAt: Date.now(),
      status: 'IN_PROGRESS',
    };
    this.save(job);
    this.schedule(job);
    return job.jobId;
  }

  find(accountId: string, jobId: string): TextDetectionJob | undefined {
    const job = this.jobs.get(jobId);
    return job?.accountId === accountId ? job : undefined;
  }

  blocks(job: TextDetectionJob): TextractBlock[] {
    return JSON.parse(fs.readFileSync(this.blocksFile(job.jobId), 'utf8')) as TextractBlock[];
  }

  /** Resolves when no job is running (tests and benchmarks wait for it). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Stops taking up jobs; those in flight finish their current step and stay `IN_PROGRESS` for the next start. */
  stop(): void {
    this.stopped = true;
  }

  private schedule(job: TextDetectionJob): void {
    const run = this.run(job).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async run(job: TextDetectionJob): Promise<void> {
    try {
      const bytes = await this.s3.read(job.request.document);
      if (this.stopped) return;
      const format = sniffDocumentFormat(bytes);
      if ((format === 'png' || format === 'jpeg') && bytes.length > TEXTRACT_LIMITS.asyncImageMaxBytes) {
        throw new DocumentError(
          'DocumentTooLargeException',
          `Image size ${bytes.length} is more than the maximum limit ${TEXTRACT_LIMITS.asyncImageMaxBytes}`,
        );
      }
      const { pages } = await this.reader.read(bytes, TEXTRACT_LIMITS.asyncMaxPages, 'batch');
      if (this.stopped) return;
      const blocks = textractBlocks(pages);
      fs.writeFileSync(this.blocksFile(job.jobId), JSON.stringify(blocks));
      if (job.request.outputConfig) await this.writeOutput(job, blocks, pages.length);
      job.pages = pages.length;
      job.status = 'SUCCEEDED';
    } catch (error) {
      if (this.stopped) return;
      job.status = 'FAILED';
      job.statusMessage = error instanceof Error ? error.message : String(error);
      if (!(error instanceof AwsError) && !(error instanceof DocumentError)) {
        this.log(`textract: job ${job.jobId} failed: ${job.statusMessage}`);
      }
    }
    job.completedAt = Date.now();
    this.save(job);
  }

  /** Textract's output files: `<prefix>/<JobId>/1`, `/2`, … each a `GetDocumentTextDetection` page of results. */
  private async writeOutput(job: TextDetectionJob, blocks: readonly TextractBlock[], pages: number): Promise<void> {
    const output = job.request.outputConfig!;
    const prefix = output.S3Prefix ? `${output.S3Prefix.replace(/\/+$/, '')}/` : '';
    const files = Math.max(1, Math.ceil(blocks.length / OUTPUT_BLOCKS_PER_FILE));
    for (let index = 0; index < files; index += 1) {
      const body = {
        DocumentMetadata: { Pages: pages },
        JobStatus: 'SUCCEEDED',
        ...(index + 1 < files ? { NextToken: nextToken(job.jobId, (index + 1) * OUTPUT_BLOCKS_PER_FILE) } : {}),
        Blocks: blocks.slice(index * OUTPUT_BLOCKS_PER_FILE, (index + 1) * OUTPUT_BLOCKS_PER_FILE),
        DetectDocumentTextModelVersion: MODEL_VERSION,
      };
      await this.s3.write(output.S3Bucket, `${prefix}${job.jobId}/${index + 1}`, JSON.stringify(body));
    }
  }

  private save(job: TextDetectionJob): void {
    this.jobs.set(job.jobId, job);
    const file = path.join(this.jobsDirectory, `${job.jobId}.json`);
    // Written whole, then renamed: a crash never leaves half a record.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(job));
    fs.renameSync(`${file}.tmp`, file);
  }

  private blocksFile(jobId: string): string {
    return path.join(this.jobsDirectory, `${jobId}.blocks.json`);
  }
}

/** The model version DetectDocumentText and text detection jobs report. */
export const MODEL_VERSION = '1.0';

/** A paging token: which job and where the next page starts, so a token from another job is refused. */
export function nextToken(jobId: string, offset: number): string {
  return Buffer.from(JSON.stringify({ j: jobId, o: offset })).toString('base64');
}

export function readNextToken(jobId: string, token: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { j?: unknown; o?: unknown };
    return parsed.j === jobId && Number.isSafeInteger(parsed.o) && (parsed.o as number) >= 0
      ? (parsed.o as number)
      : undefined;
  } catch {
    return undefined;
  }
}
