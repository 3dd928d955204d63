/**
 * MediaConvert behind the neutral `TranscodeJob` type: what backends call to submit transcode jobs (proxies, audio
 * extracts, frame captures, HLS) and follow them to the end. Throttling retries and polling live here (and in
 * `jobs.ts`). The client is the default one: MediaConvert answers on its regional endpoint, so no DescribeEndpoints
 * round trip is needed; in local mode the same calls reach the local stand-in through
 * `AWS_ENDPOINT_URL_MEDIACONVERT`.
 */
import * as path from 'node:path';
import {
  CancelJobCommand,
  CreateJobCommand,
  GetJobCommand,
  ListJobsCommand,
  MediaConvertClient,
  type CreateJobCommandOutput,
  type GetJobCommandOutput,
  type Job,
  type JobSettings,
  type JobStatus,
  type ListJobsCommandOutput,
  type Output,
  type OutputGroup,
} from '@aws-sdk/client-mediaconvert';
import type { ObjectLocation } from '../media/s3-objects';
import { DEFAULT_RETRY, pollUntilFinished, type PollOptions, type RetryPolicy, sendWithRetries } from './jobs';
import type { TranscodeJob, TranscodeJobStatus, TranscodeOutput } from './transcode';

export interface TranscodeRequest {
  /** The IAM role MediaConvert reads the input and writes the outputs with. */
  readonly role: string;
  readonly settings: JobSettings;
  /** @default the account's Default queue */
  readonly queue?: string;
  readonly userMetadata?: Record<string, string>;
  /** Makes a repeated submit (a retried Lambda) return the first job. @default a new token per call */
  readonly clientRequestToken?: string;
}

/** A client for the module's lifetime; its endpoint comes from the environment, as for every SDK client. */
let sharedClient: MediaConvertClient | undefined;
function defaultClient(): MediaConvertClient {
  sharedClient ??= new MediaConvertClient({});
  return sharedClient;
}

type Sender = Pick<MediaConvertClient, 'send'>;

export class MediaConvertTranscoder {
  constructor(
    private readonly client: Sender = defaultClient(),
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  async submit(request: TranscodeRequest): Promise<TranscodeJob> {
    const result = await this.send<CreateJobCommandOutput>(
      new CreateJobCommand({
        Role: request.role,
        Settings: request.settings,
        ...(request.queue ? { Queue: request.queue } : {}),
        ...(request.userMetadata ? { UserMetadata: request.userMetadata } : {}),
        ...(request.clientRequestToken ? { ClientRequestToken: request.clientRequestToken } : {}),
      }),
    );
    return transcodeJob(result.Job);
  }

  async get(id: string): Promise<TranscodeJob> {
    const result = await this.send<GetJobCommandOutput>(new GetJobCommand({ Id: id }));
    return transcodeJob(result.Job);
  }

  async cancel(id: string): Promise<void> {
    await this.send(new CancelJobCommand({ Id: id }));
  }

  /** Every job of the account (newest first), following the pages; with a status, only those. */
  async list(status?: TranscodeJobStatus): Promise<TranscodeJob[]> {
    const jobs: TranscodeJob[] = [];
    let token: string | undefined;
    do {
      const page: ListJobsCommandOutput = await this.send(
        new ListJobsCommand({ MaxResults: 20, NextToken: token, ...(status ? { Status: status as JobStatus } : {}) }),
      );
      jobs.push(...(page.Jobs ?? []).map(transcodeJob));
      token = page.NextToken;
    } while (token);
    return jobs;
  }

  /** Polls a job until it is complete, canceled or in error (throws `JobTimeout` after `timeoutMs`). */
  waitForJob(id: string, options: PollOptions = {}): Promise<TranscodeJob> {
    return pollUntilFinished(
      id,
      () => this.get(id),
      (job) => job.status === 'COMPLETE' || job.status === 'ERROR' || job.status === 'CANCELED',
      options,
    );
  }

  /** One call, retried when throttled; `T` is the command's output shape. */
  private send<T>(command: object): Promise<T> {
    return sendWithRetries<T>(this.client, command, this.retry);
  }
}

function transcodeJob(job: Job | undefined): TranscodeJob {
  if (!job?.Id) throw new Error('MediaConvert answered without a job');
  const input = parseS3Url(job.Settings?.Inputs?.[0]?.FileInput ?? '') ?? { bucket: '', key: '' };
  const status = (job.Status ?? 'SUBMITTED') as TranscodeJobStatus;
  return {
    id: job.Id,
    status,
    input,
    outputs: status === 'COMPLETE' ? jobOutputs(job.Settings ?? {}, input, job.OutputGroupDetails ?? []) : [],
    ...(job.JobPercentComplete !== undefined ? { progressPercent: job.JobPercentComplete } : {}),
    ...(job.ErrorMessage !== undefined
      ? { errorMessage: job.ErrorCode !== undefined ? `${job.ErrorCode}: ${job.ErrorMessage}` : job.ErrorMessage }
      : {}),
    createdAt: (job.CreatedAt ?? new Date(0)).getTime(),
    ...(job.Timing?.FinishTime ? { finishedAt: job.Timing.FinishTime.getTime() } : {}),
  };
}

/**
 * The files a complete job wrote, named by MediaConvert's rules (GetJob gives sizes and durations, not names):
 * `<destination folder><base><NameModifier>.<extension>`, where the base is the destination's last part or, for a
 * destination ending in `/`, the input's name without its extension. A frame capture output is named by its first
 * capture (`….0000000.jpg`); an HLS group by its master playlist `<base>.m3u8`, then each output's playlist.
 */
export function jobOutputs(
  settings: JobSettings,
  input: ObjectLocation,
  details: NonNullable<Job['OutputGroupDetails']>,
): TranscodeOutput[] {
  const outputs: TranscodeOutput[] = [];
  (settings.OutputGroups ?? []).forEach((group: OutputGroup, groupIndex) => {
    const hls = group.OutputGroupSettings?.Type === 'HLS_GROUP_SETTINGS';
    const destination = parseS3Url(
      (hls
        ? group.OutputGroupSettings?.HlsGroupSettings?.Destination
        : group.OutputGroupSettings?.FileGroupSettings?.Destination) ?? '',
    );
    if (!destination) return;
    const { folder, base } = outputBase(destination, input);
    const at = (name: string) => ({ bucket: destination.bucket, key: `${folder}${name}` });
    if (hls) outputs.push({ location: at(`${base}.m3u8`), contentType: 'application/x-mpegURL' });
    (group.Outputs ?? []).forEach((output: Output, outputIndex) => {
      const detail = details[groupIndex]?.OutputDetails?.[outputIndex];
      const frameCapture = output.VideoDescription?.CodecSettings?.Codec === 'FRAME_CAPTURE';
      const extension = (output.Extension ?? defaultExtension(output, hls, frameCapture)).replace(/^\./, '');
      const stem = `${base}${output.NameModifier ?? ''}`;
      const name = frameCapture ? `${stem}.0000000.${extension}` : `${stem}.${extension}`;
      outputs.push({
        location: at(name),
        contentType: contentType(extension, output.VideoDescription !== undefined),
        ...(detail?.DurationInMs !== undefined && !frameCapture ? { durationMs: detail.DurationInMs } : {}),
        ...(detail?.VideoDetails?.WidthInPx ? { width: detail.VideoDetails.WidthInPx } : {}),
        ...(detail?.VideoDetails?.HeightInPx ? { height: detail.VideoDetails.HeightInPx } : {}),
      });
    });
  });
  return outputs;
}

function outputBase(destination: ObjectLocation, input: ObjectLocation): { folder: string; base: string } {
  if (destination.key === '' || destination.key.endsWith('/')) {
    return { folder: destination.key, base: path.posix.parse(input.key.split('/').pop() ?? '').name };
  }
  const slash = destination.key.lastIndexOf('/');
  return { folder: destination.key.slice(0, slash + 1), base: destination.key.slice(slash + 1) };
}

function defaultExtension(output: Output, hls: boolean, frameCapture: boolean): string {
  if (hls) return 'm3u8';
  if (frameCapture) return 'jpg';
  const container = output.ContainerSettings?.Container ?? 'MP4';
  if (container === 'RAW') return output.AudioDescriptions?.[0]?.CodecSettings?.Codec === 'MP3' ? 'mp3' : 'aac';
  return container === 'MOV' ? 'mov' : 'mp4';
}

function contentType(extension: string, hasVideo: boolean): string {
  switch (extension.toLowerCase()) {
    case 'jpg':
    case 'jpeg':
      return 'image/jpeg';
    case 'm3u8':
      return 'application/x-mpegURL';
    case 'mov':
      return 'video/quicktime';
    case 'm4a':
      return 'audio/mp4';
    case 'aac':
      return 'audio/aac';
    case 'mp3':
      return 'audio/mpeg';
    default:
      return hasVideo ? 'video/mp4' : 'audio/mp4';
  }
}

function parseS3Url(url: string): ObjectLocation | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}
