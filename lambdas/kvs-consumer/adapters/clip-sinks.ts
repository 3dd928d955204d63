import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { clipUuid } from '../domain/keys';
import type { ClipSink, FinishedClip } from '../domain/ports';
import type { StreamConfig } from '../domain/types';

export class ClipTargetUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClipTargetUnavailableError';
  }
}

/**
 * Media2Cloud starts an ingest for every media file put into its ingest bucket (its S3 event handler), naming the
 * asset after the object's `uuid` metadata: the clip goes there with a UUID derived from the stream and the clip's
 * start, so delivering the same clip twice re-ingests the same asset instead of creating another.
 */
export class Media2CloudIngestSink implements ClipSink {
  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    private readonly ingestBucket: string,
  ) {}

  async deliver(clip: FinishedClip): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.ingestBucket,
        Key: `kvs/${clip.key.split('/').slice(1).join('/')}`,
        Body: clip.bytes,
        ContentType: 'video/x-matroska',
        Metadata: {
          uuid: clipUuid(clip.streamName, clip.startMs),
          'kvs-stream-name': clip.streamName,
          'kvs-start-ms': String(clip.startMs),
          'kvs-end-ms': String(clip.endMs),
          'kvs-first-fragment-number': clip.firstFragmentNumber,
          'kvs-last-fragment-number': clip.lastFragmentNumber,
        },
      }),
    );
  }
}

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * A Media Insights workflow per clip, the way a user of Media Insights starts one: the clip goes into the dataplane
 * bucket, then `POST /workflow/execution` on the workflow API, signed with SigV4 (`execute-api`).
 */
export class MediaInsightsWorkflowSink implements ClipSink {
  private readonly signer: SignatureV4;

  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    private readonly dataplaneBucket: string,
    /** The WorkflowApiEndpoint output, ending with `/api/`. */
    private readonly workflowApi: string,
    region: string,
    credentials: () => Promise<SigningCredentials>,
  ) {
    this.signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: NodeSha256 });
  }

  async deliver(clip: FinishedClip, config: StreamConfig): Promise<void> {
    if (config.clipTarget.type !== 'media-insights') return;
    const key = `kvs/${clip.key.split('/').slice(1).join('/')}`;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.dataplaneBucket,
        Key: key,
        Body: clip.bytes,
        ContentType: 'video/x-matroska',
      }),
    );
    const body = JSON.stringify({
      Name: config.clipTarget.workflowName,
      Input: { Media: { Video: { S3Bucket: this.dataplaneBucket, S3Key: key } } },
    });
    const url = new URL(
      'workflow/execution',
      this.workflowApi.endsWith('/') ? this.workflowApi : `${this.workflowApi}/`,
    );
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    const { status, text } = await send(url, signed.headers, body);
    if (status !== 200)
      throw new Error(`Media Insights refused the workflow execution: ${status} ${text.slice(0, 500)}`);
  }
}

/** Sends each clip where its stream's `clipTarget` says. */
export class ClipRouter implements ClipSink {
  constructor(private readonly sinks: { media2cloud?: ClipSink; mediaInsights?: ClipSink }) {}

  async deliver(clip: FinishedClip, config: StreamConfig): Promise<void> {
    switch (config.clipTarget.type) {
      case 'none':
        return;
      case 'media2cloud':
        if (!this.sinks.media2cloud)
          throw new ClipTargetUnavailableError('This consumer was deployed without Media2Cloud');
        return this.sinks.media2cloud.deliver(clip, config);
      case 'media-insights':
        if (!this.sinks.mediaInsights) {
          throw new ClipTargetUnavailableError('This consumer was deployed without Media Insights');
        }
        return this.sinks.mediaInsights.deliver(clip, config);
    }
  }
}

function send(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      {
        method: 'POST',
        hostname: url.hostname,
        port: url.port || undefined,
        path: url.pathname,
        headers,
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('The workflow API did not answer in 30 s')));
    request.on('error', reject);
    request.end(body);
  });
}

class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
