import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { EventsService } from '../events/module';
import { startAwsEndpoint } from '../protocol/endpoint';
import { parseJsonObject } from '../protocol/json-rpc';
import { restRouter, type RestRequest } from '../protocol/rest';
import { AwsError, jsonResponse } from '../protocol/wire';
import type { LocalService, LocalServiceModule } from '../service-module';
import { MediaConvertJobs, jobNotFound, type CreateJobRequest, type JobStatus, type MediaTools } from './jobs';

/** The running MediaConvert module. */
export interface MediaConvertService extends LocalService {
  readonly endpoint: string;
  /** Resolves when no job is running or waiting (tests, benchmarks). */
  idle(): Promise<void>;
}

const API = '/2017-08-29';
const JOB_STATUSES: readonly JobStatus[] = ['SUBMITTED', 'PROGRESSING', 'COMPLETE', 'CANCELED', 'ERROR'];
/** ListJobs answers at most 20 jobs a page (the service's limit). */
const MAX_LIST_RESULTS = 20;

/**
 * AWS Elemental MediaConvert's jobs API, run with the project's ffmpeg: DescribeEndpoints (this endpoint), CreateJob,
 * GetJob, ListJobs and CancelJob for file groups (MP4 and MOV with H.264/H.265 and AAC/MP3, audio-only files, JPEG
 * frame captures) and HLS groups. Jobs read their input from and write their outputs to local S3, report real
 * progress, and announce each change of status on the local default event bus (`aws.mediaconvert`).
 */
export const mediaConvertModule: LocalServiceModule = {
  name: 'mediaconvert',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_MEDIACONVERT',
  outputKey: 'MediaConvertEndpoint',
  resourceTypes: {},
  async start({ cloud, directory, port }): Promise<MediaConvertService> {
    let s3: S3Client | undefined;
    const jobs = new MediaConvertJobs({
      directory,
      region: cloud.region,
      // MediaConvert reads inputs and writes outputs through S3's API, as the service does with its role.
      s3: () =>
        (s3 ??= new S3Client({
          region: cloud.region,
          credentials: cloud.credentials,
          endpoint: cloud.endpoint('s3'),
          forcePathStyle: true,
        })),
      tools: packagedMediaTools(),
      putEvent: (event) => cloud.service<EventsService>('events').bus.put(event),
      log: cloud.log,
    });
    let endpoint = '';
    const running = await startAwsEndpoint(
      {
        protocol: 'rest-json',
        signingName: 'mediaconvert',
        region: cloud.region,
        principals: cloud.principals,
        maxBodyBytes: 4 * 1024 * 1024,
        handle: restRouter([
          {
            method: 'POST',
            path: `${API}/endpoints`,
            handle: (request) => jsonResponse(200, { endpoints: [{ url: endpoint }] }, request.requestId),
          },
          {
            method: 'POST',
            path: `${API}/jobs`,
            handle: (request) => {
              const job = jobs.create(request.principal.accountId, createJobRequest(parseJsonObject(request.body)));
              return jsonResponse(201, { job }, request.requestId);
            },
          },
          {
            method: 'GET',
            path: `${API}/jobs`,
            handle: (request) => jsonResponse(200, listJobs(jobs, request), request.requestId),
          },
          {
            method: 'GET',
            path: `${API}/jobs/{id}`,
            handle: (request) => {
              const job = jobs.get(request.principal.accountId, request.params.id!);
              if (!job) throw jobNotFound(request.params.id!);
              return jsonResponse(200, { job }, request.requestId);
            },
          },
          {
            method: 'DELETE',
            path: `${API}/jobs/{id}`,
            handle: (request) => {
              jobs.cancel(request.principal.accountId, request.params.id!);
              return jsonResponse(202, {}, request.requestId);
            },
          },
        ]),
      },
      port,
    );
    endpoint = running.endpoint;
    jobs.resume();
    return {
      endpoint: running.endpoint,
      idle: () => jobs.idle(),
      quiesce: () => jobs.stop(),
      async close() {
        await jobs.stop();
        await running.close();
        s3?.destroy();
      },
    };
  },
};

function createJobRequest(body: Record<string, unknown>): CreateJobRequest {
  const bad = (message: string) => new AwsError('BadRequestException', message, 400);
  if (typeof body.role !== 'string' || body.role === '') throw bad('role is a required parameter');
  if (body.settings === undefined) throw bad('settings is a required parameter');
  if (body.jobTemplate !== undefined) {
    throw bad("jobTemplate is not supported by mediaplane's local MediaConvert; send the job's settings");
  }
  const optionalString = (name: string): string | undefined => {
    const value = body[name];
    if (value !== undefined && typeof value !== 'string') throw bad(`${name} must be a string`);
    return value as string | undefined;
  };
  let userMetadata: Record<string, string> | undefined;
  if (body.userMetadata !== undefined) {
    const entries = typeof body.userMetadata === 'object' && body.userMetadata ? Object.entries(body.userMetadata) : [];
    if (!entries.every(([, value]) => typeof value === 'string')) throw bad('userMetadata must map strings to strings');
    userMetadata = Object.fromEntries(entries) as Record<string, string>;
  }
  const priority = body.priority;
  if (
    priority !== undefined &&
    (typeof priority !== 'number' || !Number.isInteger(priority) || Math.abs(priority) > 50)
  ) {
    throw bad('priority must be a whole number from -50 to 50');
  }
  const queue = optionalString('queue');
  const clientRequestToken = optionalString('clientRequestToken');
  const statusUpdateInterval = optionalString('statusUpdateInterval');
  const billingTagsSource = optionalString('billingTagsSource');
  return {
    role: body.role,
    settings: body.settings,
    ...(queue !== undefined ? { queue } : {}),
    ...(userMetadata ? { userMetadata } : {}),
    ...(clientRequestToken !== undefined ? { clientRequestToken } : {}),
    ...(priority !== undefined ? { priority: priority as number } : {}),
    ...(statusUpdateInterval !== undefined ? { statusUpdateInterval } : {}),
    ...(billingTagsSource !== undefined ? { billingTagsSource } : {}),
    ...(body.accelerationSettings !== undefined ? { accelerationSettings: body.accelerationSettings } : {}),
  };
}

function listJobs(jobs: MediaConvertJobs, request: RestRequest): { jobs: unknown[]; nextToken?: string } {
  const bad = (message: string) => new AwsError('BadRequestException', message, 400);
  const { query } = request;
  const maxText = query.get('maxResults');
  const maxResults = maxText === null ? MAX_LIST_RESULTS : Number(maxText);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_LIST_RESULTS) {
    throw bad(`maxResults must be a whole number from 1 to ${MAX_LIST_RESULTS}`);
  }
  const order = query.get('order') ?? 'DESCENDING';
  if (order !== 'ASCENDING' && order !== 'DESCENDING') throw bad('order must be ASCENDING or DESCENDING');
  const status = query.get('status') ?? undefined;
  if (status !== undefined && !JOB_STATUSES.includes(status as JobStatus)) {
    throw bad(`status must be one of ${JOB_STATUSES.join(', ')}`);
  }
  const filter = {
    ascending: order === 'ASCENDING',
    ...(query.get('queue') ? { queue: query.get('queue')! } : {}),
    ...(status ? { status: status as JobStatus } : {}),
  };
  // A token names the last job of the previous page, so jobs created meanwhile neither repeat nor go missing.
  const all = jobs.list(request.principal.accountId, filter);
  let start = 0;
  const token = query.get('nextToken');
  if (token !== null) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    const index = all.findIndex((job) => job.id === after);
    if (index < 0) throw bad('nextToken is not valid');
    start = index + 1;
  }
  const page = all.slice(start, start + maxResults);
  const last = page[page.length - 1];
  return {
    jobs: page,
    ...(last && start + maxResults < all.length ? { nextToken: Buffer.from(last.id).toString('base64url') } : {}),
  };
}

// Held in variables so bundlers leave them alone; local mode runs from the installed packages.
const FFMPEG_PACKAGE_JSON = '@ffmpeg-installer/linux-x64/package.json';
const FFPROBE_PACKAGE_JSON = 'ffprobe-static/package.json';

function packagedMediaTools(): MediaTools {
  return {
    ffmpeg: path.join(path.dirname(require.resolve(FFMPEG_PACKAGE_JSON)), 'ffmpeg'),
    ffprobe: path.join(path.dirname(require.resolve(FFPROBE_PACKAGE_JSON)), 'bin', 'linux', 'x64', 'ffprobe'),
  };
}
