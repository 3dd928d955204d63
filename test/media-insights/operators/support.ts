import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import type { OperatorObject } from '../../../lambdas/media-insights/workflow/domain/types';
import { MasExecutionError } from '../../../lambdas/media-insights/operators/shared/operator';
import type {
  DataplanePort,
  DataplaneReader,
  RetrievedMetadata,
  MetadataPage,
  StoreMetadataRequest,
  StoredMetadata,
} from '../../../lambdas/media-insights/operators/shared/dataplane';
import { mediaTools, runTool } from '../../../lambdas/shared/media/tools';

export const ASSET_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
export const EXECUTION_ID = '3f1c2a8e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

/** An operator object as the engine hands it to an operator's start function. */
export function operatorEvent(overrides: Partial<OperatorObject> = {}): OperatorObject {
  return {
    Name: 'Operator',
    AssetId: ASSET_ID,
    WorkflowExecutionId: EXECUTION_ID,
    Input: { Media: {}, MetaData: {} },
    Configuration: { MediaType: 'Video', Enabled: true },
    Status: 'Started',
    MetaData: {},
    Media: {},
    ...overrides,
  };
}

/** Runs an operator that is expected to fail and returns the output object its `MasExecutionError` carries. */
export async function failureOf(run: () => Promise<unknown> | unknown): Promise<OperatorObject> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof MasExecutionError)) throw error;
    expect(error.name).toBe('MasExecutionError');
    expect(JSON.parse(error.message)).toEqual(error.output);
    return error.output;
  }
  throw new Error('The operator did not fail');
}

/** The data plane as an in-memory map of what operators stored, with the original's paginated semantics. */
export class InMemoryDataplane implements DataplanePort, DataplaneReader {
  readonly stored = new Map<string, unknown>();
  readonly calls: { request: StoreMetadataRequest; page: MetadataPage | undefined }[] = [];
  private readonly pages = new Map<string, unknown[]>();
  refuse = false;

  async storeAssetMetadata(request: StoreMetadataRequest, page?: MetadataPage): Promise<StoredMetadata> {
    this.calls.push({ request, page });
    if (this.refuse) throw new Error('The data plane is unavailable');
    const key = `${request.assetId}/${request.operatorName}`;
    if (page === undefined) {
      this.stored.set(key, request.results);
      return { Status: 'Success' };
    }
    const pages = [...(this.pages.get(key) ?? []), request.results];
    this.pages.set(key, pages);
    if (page.end) this.stored.set(key, pages);
    return { Status: 'Success' };
  }

  /** One result per call; a paginated list is read page by page with the page index as cursor. */
  async retrieveAssetMetadata(assetId: string, operatorName: string, cursor?: string): Promise<RetrievedMetadata> {
    const stored = this.stored.get(`${assetId}/${operatorName}`);
    if (stored === undefined) throw new Error(`No metadata for ${operatorName}`);
    const pages = this.pages.get(`${assetId}/${operatorName}`);
    if (!pages || pages !== stored) return { results: stored };
    const index = Number(cursor ?? 0);
    return { results: pages[index], ...(index + 1 < pages.length ? { cursor: String(index + 1) } : {}) };
  }

  results(operatorName: string, assetId = ASSET_ID): unknown {
    return this.stored.get(`${assetId}/${operatorName}`);
  }
}

/** Media generated with the real ffmpeg the operators use, once per test file. */
export interface GeneratedMedia {
  readonly directory: string;
  /** 10 s, 320x240, 25 fps H.264 with a 440 Hz AAC tone. */
  readonly video: string;
  /** 3 s, same format: shorter than the default thumbnail position. */
  readonly shortVideo: string;
  /** 3 s of H.264 without any audio track. */
  readonly silentVideo: string;
  /** 320x240 JPEG. */
  readonly image: string;
  remove(): void;
}

export async function generateMedia(): Promise<GeneratedMedia> {
  const directory = mkdtempSync(join(tmpdir(), 'mie-operators-media-'));
  const { ffmpeg } = mediaTools();
  const file = (name: string) => join(directory, name);
  const video = (seconds: number, withAudio: boolean, output: string) => [
    ...['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=320x240:rate=25`],
    ...(withAudio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac'] : []),
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', output],
  ];
  await Promise.all([
    runTool(ffmpeg, video(10, true, file('clip.mp4'))),
    runTool(ffmpeg, video(3, true, file('short clip.mp4'))),
    runTool(ffmpeg, video(3, false, file('silent.mp4'))),
    runTool(ffmpeg, [
      ...['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=1'],
      ...['-frames:v', '1', file('picture.jpg')],
    ]),
  ]);
  return {
    directory,
    video: file('clip.mp4'),
    shortVideo: file('short clip.mp4'),
    silentVideo: file('silent.mp4'),
    image: file('picture.jpg'),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

export async function putFile(s3: S3Client, bucket: string, key: string, filePath: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(filePath) }));
}

/** What ffprobe says about a local file: container and the codec of each stream. */
export async function probe(filePath: string): Promise<{ format: string; duration: number; codecs: string[] }> {
  const report = JSON.parse(
    await runTool(mediaTools().ffprobe, [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      filePath,
    ]),
  ) as { format: { format_name: string; duration: string }; streams: { codec_name: string }[] };
  return {
    format: report.format.format_name,
    duration: Number(report.format.duration),
    codecs: report.streams.map((stream) => stream.codec_name),
  };
}

export interface LambdaInvocation {
  readonly functionName: string;
  readonly invocationType: string;
  readonly payload: unknown;
}

/** A function behind the local Lambda endpoint: gets the parsed payload, returns what the function returns. */
export type LocalFunction = (payload: unknown) => Promise<unknown>;

/**
 * A stand-in for the Lambda service's Invoke API on a local port, so the real SDK client can be pointed at it:
 * records every invocation and, for `RequestResponse`, answers with what the registered function returns.
 */
export class LocalLambdaEndpoint {
  readonly invocations: LambdaInvocation[] = [];
  private readonly functions = new Map<string, LocalFunction>();
  private server: Server | undefined;
  client: LambdaClient | undefined;
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_LAMBDA. */
  endpoint = '';

  register(functionName: string, fn: LocalFunction): void {
    this.functions.set(functionName, fn);
  }

  async start(): Promise<LambdaClient> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, headers, body }) => {
        response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${port}`;
    this.client = new LambdaClient({
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    return this.client;
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(
    request: IncomingMessage,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) return { status: 404, headers: {}, body: '{}' };
    const functionName = decodeURIComponent(match[1]!);
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const payload: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    this.invocations.push({ functionName, invocationType, payload });
    if (invocationType === 'Event') return { status: 202, headers: {}, body: '' };
    const fn = this.functions.get(functionName);
    if (!fn) {
      return {
        status: 404,
        headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
        body: JSON.stringify({ Type: 'User', message: `Function not found: ${functionName}` }),
      };
    }
    try {
      return { status: 200, headers: {}, body: JSON.stringify(await fn(payload)) };
    } catch (error) {
      const { name, message } = error as Error;
      return {
        status: 200,
        headers: { 'X-Amz-Function-Error': 'Unhandled' },
        body: JSON.stringify({ errorType: name, errorMessage: message }),
      };
    }
  }
}
