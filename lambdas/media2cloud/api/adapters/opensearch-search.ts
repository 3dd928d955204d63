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
import {
  SignedOpenSearchClient,
  type SignedOpenSearchResponse,
  type SigningCredentials,
} from '../../shared/opensearch-http';
import type { SearchPort } from '../domain/ports';

export type { SigningCredentials };

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
  private readonly client: SignedOpenSearchClient;

  constructor(options: OpenSearchSearchOptions) {
    this.client = new SignedOpenSearchClient({
      endpoint: options.endpoint,
      region: options.identity.region,
      credentials: options.identity.credentials,
      timeoutMs: options.timeoutMs ?? 20_000,
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
    return readAnswer(await this.client.request('POST', path, { query, body }));
  }
}

/** The body is read as JSON up front: an error answer may carry none. */
function readAnswer(response: SignedOpenSearchResponse): OpenSearchAnswer {
  let body: unknown;
  try {
    body = response.json();
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text: response.text };
}

function expectSuccess(answer: OpenSearchAnswer, operation: string): void {
  if (answer.status >= 200 && answer.status < 300 && answer.body !== undefined) return;
  throw new Error(`OpenSearch ${operation} answered ${answer.status}: ${answer.text.slice(0, 1000)}`);
}

function errorType(body: unknown): unknown {
  return (body as { error?: { type?: unknown } } | undefined)?.error?.type;
}
