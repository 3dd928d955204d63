import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignedOpenSearchClientOptions {
  /**
   * The domain endpoint: a bare host name as the domain's `DomainEndpoint` attribute gives it (`https://` is
   * assumed), or a URL such as local mode's `http://127.0.0.1:4004/<domain>` (a path is kept as a prefix).
   */
  readonly endpoint: string;
  /** Providers are asked at every request, so rotated credentials are picked up. */
  readonly region: string | (() => Promise<string>);
  readonly credentials: SigningCredentials | (() => Promise<SigningCredentials>);
  /** @default 'es' (OpenSearch Service); `aoss` for OpenSearch Serverless. */
  readonly service?: string;
  /** How long the connection may stay silent before the request fails. @default 60 s */
  readonly timeoutMs?: number;
}

export interface SignedOpenSearchRequest {
  readonly query?: Record<string, string>;
  /** Sent as JSON. */
  readonly body?: unknown;
}

export interface SignedOpenSearchResponse {
  readonly status: number;
  readonly text: string;
  /** The body parsed as JSON; throws when it is not JSON. */
  json(): unknown;
}

/** An HTTP client for OpenSearch's REST API, each request signed with SigV4. */
export class SignedOpenSearchClient {
  private readonly url: URL;
  private readonly basePath: string;
  private readonly signer: SignatureV4;
  private readonly timeoutMs: number;

  constructor(options: SignedOpenSearchClientOptions) {
    this.url = new URL(options.endpoint.includes('://') ? options.endpoint : `https://${options.endpoint}`);
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    this.signer = new SignatureV4({
      service: options.service ?? 'es',
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
    });
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** `path` starts with `/` and is already percent-encoded; it goes after the endpoint's own path. */
  async request(
    method: string,
    path: string,
    { query = {}, body }: SignedOpenSearchRequest = {},
  ): Promise<SignedOpenSearchResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const fullPath = `${this.basePath}${path}`;
    const headers: Record<string, string> = {
      host: this.url.host,
      ...(payload === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
    };
    // The signer adds the payload hash as `x-amz-content-sha256`, which OpenSearch Serverless requires.
    const signed = await this.signer.sign({
      method,
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port ? { port: Number(this.url.port) } : {}),
      path: fullPath,
      query,
      headers,
      body: payload,
    });
    const search = new URLSearchParams(query).toString();
    return send(this.url, method, `${fullPath}${search ? `?${search}` : ''}`, signed.headers, payload, this.timeoutMs);
  }
}

function send(
  url: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  payload: string | undefined,
  timeoutMs: number,
): Promise<SignedOpenSearchResponse> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port || undefined,
        path,
        headers,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, text, json: () => JSON.parse(text) as unknown });
        });
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`OpenSearch ${method} ${path} did not answer within ${timeoutMs} ms`)),
    );
    request.on('error', reject);
    request.end(payload);
  });
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 and HMAC-SHA-256 on node:crypto, in the shape the SigV4 signer expects. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }

  update(data: SourceData, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    this.hash.update(typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8') : toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
