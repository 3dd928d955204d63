import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import aws4 from 'aws4';
import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { startS3, type RunningEngine } from '../../../lib/local/engines';

export const REGION = 'us-east-1';

export interface TestEngine {
  readonly root: string;
  readonly engine: RunningEngine;
  readonly endpoint: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** An SDK client with nothing but endpoint, region and credentials set: every other setting is the SDK's default. */
  client(overrides?: Partial<S3ClientConfig>): S3Client;
  stop(): Promise<void>;
}

/** Starts the S3 engine on a free port in a new directory, with the given buckets created. */
export async function startTestEngine(
  credentials: { accessKeyId: string; secretAccessKey: string },
  buckets: readonly string[],
): Promise<TestEngine> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-s3-'));
  const engine = await startS3(path.join(root, 's3'), 0, credentials);
  const clients: S3Client[] = [];
  const client = (overrides: Partial<S3ClientConfig> = {}) => {
    const created = new S3Client({
      region: REGION,
      endpoint: engine.endpoint,
      forcePathStyle: true,
      credentials,
      ...overrides,
    });
    clients.push(created);
    return created;
  };
  const admin = client();
  for (const Bucket of buckets) await admin.send(new CreateBucketCommand({ Bucket }));
  return {
    root,
    engine,
    endpoint: engine.endpoint,
    credentials,
    client,
    async stop() {
      for (const created of clients) created.destroy();
      await engine.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface RawRequestOptions {
  readonly method?: string;
  /** Path and query, as sent. */
  readonly target: string;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** Sign with these (the `aws4` signer, independent of the SDK's); none for an anonymous request. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly region?: string;
  /** `X-Amz-Date` to sign with (`yyyyMMddTHHmmssZ`); now by default. */
  readonly amzDate?: string;
}

/** Sends one request, signed by `aws4` when credentials are given, and reads the whole answer. */
export async function rawRequest(endpoint: string, options: RawRequestOptions): Promise<RawResponse> {
  const url = new URL(endpoint);
  const method = options.method ?? 'GET';
  let headers: Record<string, string> = { ...options.headers };
  if (options.amzDate) headers['X-Amz-Date'] = options.amzDate;
  if (options.credentials) {
    const signed = aws4.sign(
      {
        host: url.host,
        method,
        path: options.target,
        body: options.body,
        service: 's3',
        region: options.region ?? REGION,
        headers,
      },
      options.credentials,
    );
    headers = signed.headers as Record<string, string>;
  }
  delete headers.Host;
  // node:http rather than fetch: fetch would normalize the path (`/a/../b`, `%2E%2E`) before sending it.
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, method, path: options.target, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const received = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) received.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: received,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** S3's XML error body as a map of its elements (`Code`, `Message`, `RequestId`, …). */
export function s3ErrorOf(text: string): Record<string, string> {
  return xmlElements(text, 'Error');
}

/** The text of each child element of an XML document's `root`, entities decoded. */
export function xmlElements(text: string, root: string): Record<string, string> {
  const body = new RegExp(`<${root}(?: [^>]*)?>([\\s\\S]*)</${root}>`).exec(text)?.[1] ?? '';
  const elements: Record<string, string> = {};
  for (const match of body.matchAll(/<([A-Za-z0-9-]+)>([\s\S]*?)<\/\1>/g)) {
    elements[match[1] as string] = (match[2] as string)
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return elements;
}

/** `yyyyMMddTHHmmssZ` of a time `offsetMs` from now. */
export function amzDate(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The Access-Control-* headers of a response. */
export function corsHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers].filter(([name]) => name.startsWith('access-control-')));
}
