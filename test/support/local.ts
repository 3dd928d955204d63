import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import aws4 from 'aws4';
import { startLocalMode, type LocalMode } from '../../lib/local/local-mode';

export interface TestLocalMode {
  readonly local: LocalMode;
  readonly dataDir: string;
  /** Stops local mode (keeping its data directory unless `remove`). */
  stop(options?: { remove?: boolean }): Promise<void>;
}

/** Starts local mode on free ports from the run's shared cloud assembly, in a fresh (or given) data directory. */
export async function startTestLocalMode(dataDir?: string): Promise<TestLocalMode> {
  const cloudAssemblyDir = process.env.MEDIAPLANE_TEST_CDK_OUT;
  if (!cloudAssemblyDir)
    throw new Error('MEDIAPLANE_TEST_CDK_OUT is not set: run the tests through jest (globalSetup)');
  const directory = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-test-data-'));
  const local = await startLocalMode({ port: 0, dataDir: directory, cloudAssemblyDir, log: () => {} });
  return {
    local,
    dataDir: directory,
    stop: async ({ remove = true } = {}) => {
      await local.stop();
      if (remove) fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  json<T = any>(): T;
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: string | Buffer | object;
  readonly headers?: Record<string, string>;
  /** Sign with these credentials (SigV4, service execute-api). @default unsigned */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly region?: string;
  /** The signing name. @default 'execute-api' */
  readonly service?: string;
}

/**
 * Sends one HTTP request to `url` exactly as given (no URL normalisation), signed with aws4 when credentials are
 * passed — the way a SigV4 client of the original API would call it.
 */
export function request(url: string, options: RequestOptions = {}): Promise<HttpResult> {
  const target = new URL(url);
  const method = options.method ?? 'GET';
  const body =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body) || typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body !== undefined && typeof options.body === 'object' && !Buffer.isBuffer(options.body)
      ? { 'Content-Type': 'application/json' }
      : {}),
    ...options.headers,
  };
  let requestPath = url.slice(target.origin.length) || '/';
  if (options.credentials) {
    const signed = aws4.sign(
      {
        host: target.host,
        method,
        path: requestPath,
        body,
        headers,
        service: options.service ?? 'execute-api',
        region: options.region ?? 'us-east-1',
      },
      options.credentials,
    );
    requestPath = String(signed.path);
    Object.assign(headers, signed.headers);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method, path: requestPath, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const buffer = Buffer.concat(chunks);
          const text = buffer.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buffer,
            text,
            json: () => JSON.parse(text),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A signed client bound to one API base URL (an output such as `DataplaneApiEndpoint`, ending in `/`). */
export function apiClient(baseUrl: string, credentials: { accessKeyId: string; secretAccessKey: string }) {
  const call = (method: string, route: string, body?: RequestOptions['body'], headers?: Record<string, string>) =>
    request(`${baseUrl}${route.replace(/^\//, '')}`, { method, body, headers, credentials });
  return {
    get: (route: string) => call('GET', route),
    post: (route: string, body?: RequestOptions['body'], headers?: Record<string, string>) =>
      call('POST', route, body, headers),
    put: (route: string, body?: RequestOptions['body']) => call('PUT', route, body),
    delete: (route: string) => call('DELETE', route),
    unsigned: (method: string, route: string, body?: RequestOptions['body']) =>
      request(`${baseUrl}${route.replace(/^\//, '')}`, { method, body }),
  };
}
