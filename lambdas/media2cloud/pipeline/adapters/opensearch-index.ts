import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { ANALYSIS_FIELDS, type SearchDocument, type SearchDocumentPatch } from '../../search/document';
import { SearchDocumentMissingError } from '../domain/errors';
import type { SearchIndexPort, StatusUpdate } from '../ports';

/** The original's single index. */
export const CONTENT_INDEX = 'content';

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 and HMAC-SHA-256 for the signer, from node:crypto. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }
  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.create();
  }
}

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface OpenSearchIndexOptions {
  /** `https://search-domain.region.es.amazonaws.com`, or a local OpenSearch-compatible endpoint. */
  readonly endpoint: string;
  readonly region: string | (() => Promise<string>);
  readonly credentials: () => Promise<Credentials>;
  /** @default 'es' (OpenSearch Service); `aoss` for OpenSearch Serverless. */
  readonly service?: string;
}

interface Response {
  readonly status: number;
  readonly body: string;
}

/**
 * The `content` index over OpenSearch's REST API, signed with SigV4: `PUT _doc` to index, `POST _update` with a
 * partial `doc` to update (`refresh=true`, as the original's indexer asks), `DELETE _doc` to remove.
 */
export class OpenSearchIndex implements SearchIndexPort {
  private readonly signer: SignatureV4;
  private readonly url: URL;

  constructor(options: OpenSearchIndexOptions) {
    this.url = new URL(options.endpoint.includes('://') ? options.endpoint : `https://${options.endpoint}`);
    this.signer = new SignatureV4({
      service: options.service ?? 'es',
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
    });
  }

  async index(document: SearchDocument): Promise<void> {
    await this.expect(
      await this.request('PUT', `/${CONTENT_INDEX}/_doc/${encodeURIComponent(document.uuid)}`, document),
      [200, 201],
    );
  }

  async update(uuid: string, patch: SearchDocumentPatch): Promise<void> {
    const response = await this.request('POST', `/${CONTENT_INDEX}/_update/${encodeURIComponent(uuid)}`, {
      doc: patch,
    });
    if (response.status === 404) throw new SearchDocumentMissingError(uuid);
    await this.expect(response, [200]);
  }

  updateStatus(uuid: string, status: StatusUpdate): Promise<void> {
    return this.update(uuid, status);
  }

  async remove(uuid: string): Promise<boolean> {
    const response = await this.request('DELETE', `/${CONTENT_INDEX}/_doc/${encodeURIComponent(uuid)}`);
    if (response.status === 404) return false;
    await this.expect(response, [200]);
    return true;
  }

  /** Read, drop the fields, write back: plain document calls any OpenSearch-compatible endpoint serves. */
  async dropAnalysisFields(uuid: string): Promise<void> {
    const response = await this.request('GET', `/${CONTENT_INDEX}/_doc/${encodeURIComponent(uuid)}`);
    if (response.status === 404) throw new SearchDocumentMissingError(uuid);
    await this.expect(response, [200]);
    const source = (JSON.parse(response.body) as { _source?: Record<string, unknown> })._source;
    if (!source) throw new SearchDocumentMissingError(uuid);
    if (!ANALYSIS_FIELDS.some((field) => field in source)) return;
    for (const field of ANALYSIS_FIELDS) delete source[field];
    await this.index(source as unknown as SearchDocument);
  }

  private async expect(response: Response, statuses: readonly number[]): Promise<void> {
    if (!statuses.includes(response.status)) {
      throw new Error(`OpenSearch answered ${response.status}: ${response.body.slice(0, 500)}`);
    }
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const basePath = this.url.pathname.replace(/\/$/, '');
    const headers: Record<string, string> = {
      host: this.url.host,
      'x-amz-content-sha256': createHash('sha256')
        .update(payload ?? '')
        .digest('hex'),
      ...(payload === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
    };
    const query: Record<string, string> = method === 'GET' ? {} : { refresh: 'true' };
    const signed = await this.signer.sign({
      method,
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path: `${basePath}${path}`,
      query,
      headers,
      body: payload,
    });
    const search = new URLSearchParams(query).toString();
    return send(this.url, method, `${basePath}${path}${search ? `?${search}` : ''}`, signed.headers, payload);
  }
}

function send(
  url: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  payload?: string,
): Promise<Response> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      { method, hostname: url.hostname, port: url.port || undefined, path, headers, timeout: 60_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`OpenSearch ${method} ${path} timed out`)));
    request.on('error', reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}
