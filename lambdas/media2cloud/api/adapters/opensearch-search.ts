import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  ANALYSIS_FIELDS,
  CONTENT_INDEX,
  fromOpenSearchMget,
  fromOpenSearchSearch,
  nextToken,
  toOpenSearchSearch,
  type OpenSearchMgetResponseBody,
  type OpenSearchSearchResponseBody,
  type SearchRequest,
  type SearchResponse,
} from '../../search';
import type { SearchPort } from '../domain/ports';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where the signing region and credentials come from; providers, so rotated credentials are picked up. */
export interface SigningIdentity {
  readonly region: string | (() => Promise<string>);
  readonly credentials: SigningCredentials | (() => Promise<SigningCredentials>);
}

export interface OpenSearchSearchOptions {
  /**
   * The domain endpoint: a bare host name as the domain's `DomainEndpoint` attribute gives it (`https://` is
   * assumed), or a URL such as local mode's `http://127.0.0.1:4004/<domain>` (a path is kept as a prefix).
   */
  readonly endpoint: string;
  readonly identity: SigningIdentity;
  /** @default 20 s: an answer must fit in API Gateway's 29 s. */
  readonly timeoutMs?: number;
}

interface OpenSearchAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/**
 * The original's search, sent to an OpenSearch domain over HTTP with SigV4 (service `es`): `_search` with the
 * original's query, then `_mget` of the matched fields, as the search module's mapper asks. Only the endpoint
 * variable differs in local mode, where an OpenSearch-compatible engine answers the same requests.
 */
export class OpenSearchSearch implements SearchPort {
  private readonly signer: SignatureV4;
  private readonly endpoint: URL;

  constructor(private readonly options: OpenSearchSearchOptions) {
    this.endpoint = new URL(options.endpoint.includes('://') ? options.endpoint : `https://${options.endpoint}`);
    this.signer = new SignatureV4({
      service: 'es',
      region: options.identity.region,
      credentials: options.identity.credentials,
      sha256: NodeSha256,
    });
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    const params = toOpenSearchSearch(request);
    // The original's client sends `from` and `size` in the query string and the rest as the body.
    const searched = await this.send(`/${params.index}/_search`, params.body, {
      from: String(params.from),
      size: String(params.size),
    });
    // Nothing has been indexed yet: the index is created with the first document.
    if (searched.status === 404 && errorType(searched.body) === 'index_not_found_exception') {
      return {
        term: request.term,
        totalHits: 0,
        nextToken: nextToken(request.from, request.size, 0, 0),
        elapsed: 0,
        hits: [],
      };
    }
    expectSuccess(searched, '_search');
    const step = fromOpenSearchSearch(request, searched.body as OpenSearchSearchResponseBody);
    if (!step.mget) return step.response;
    const fetched = await this.send(`/${step.mget.index}/_mget`, step.mget.body);
    expectSuccess(fetched, '_mget');
    return fromOpenSearchMget(step.response, fetched.body as OpenSearchMgetResponseBody);
  }

  /**
   * The original's `Indexer.dropAnalysisFields`: a painless script removing every analysis field, then a refresh.
   * Retried on a version conflict, since the pipeline may be updating the same document.
   */
  async dropAnalysisFields(uuid: string): Promise<void> {
    const source = ANALYSIS_FIELDS.map((field) => `ctx._source.remove("${field}")`).join(';');
    const answer = await this.send(
      `/${CONTENT_INDEX}/_update/${encodeURIComponent(uuid)}`,
      { script: { source, lang: 'painless' } },
      { refresh: 'true', retry_on_conflict: '3' },
    );
    // The asset was never indexed (document or index missing): there is nothing to drop.
    if (answer.status === 404) return;
    expectSuccess(answer, '_update');
  }

  private async send(path: string, body: unknown, query: Record<string, string> = {}): Promise<OpenSearchAnswer> {
    const payload = JSON.stringify(body);
    const basePath = this.endpoint.pathname.replace(/\/+$/, '');
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      ...(this.endpoint.port ? { port: Number(this.endpoint.port) } : {}),
      path: `${basePath}${path}`,
      query,
      headers: { host: this.endpoint.host, 'content-type': 'application/json' },
      body: payload,
    });
    const search = new URLSearchParams(query).toString();
    return post(
      this.endpoint,
      `${signed.path}${search ? `?${search}` : ''}`,
      signed.headers,
      payload,
      this.options.timeoutMs ?? 20_000,
    );
  }
}

function post(
  endpoint: URL,
  path: string,
  headers: Record<string, string>,
  payload: string,
  timeoutMs: number,
): Promise<OpenSearchAnswer> {
  const transport = endpoint.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      {
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port || undefined,
        method: 'POST',
        path,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(payload)) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: response.statusCode ?? 0, body, text });
        });
      },
    );
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`OpenSearch did not answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}

function expectSuccess(answer: OpenSearchAnswer, operation: string): void {
  if (answer.status >= 200 && answer.status < 300 && answer.body !== undefined) return;
  throw new Error(`OpenSearch ${operation} answered ${answer.status}: ${answer.text.slice(0, 1000)}`);
}

function errorType(body: unknown): unknown {
  return (body as { error?: { type?: unknown } } | undefined)?.error?.type;
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
