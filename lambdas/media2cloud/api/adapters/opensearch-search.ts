import {
  ANALYSIS_FIELDS,
  CONTENT_INDEX,
  fromOpenSearchMget,
  fromOpenSearchNameCounts,
  fromOpenSearchSearch,
  nextToken,
  toOpenSearchNameCounts,
  toOpenSearchSearch,
  type AnalysisField,
  type NameCounts,
  type OpenSearchMgetResponseBody,
  type OpenSearchNameCountsResponseBody,
  type OpenSearchSearchResponseBody,
  type SearchRequest,
  type SearchResponse,
} from '../../search';
import {
  SignedOpenSearchClient,
  type SignedOpenSearchResponse,
  type SigningCredentials,
} from '../../shared/opensearch-http';
import type { AnalysisNameCounts } from '../domain/console-ports';
import type { FaceNameChange, FaceRetagging } from '../domain/face-indexer';
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
export class OpenSearchSearch implements SearchPort, FaceRetagging, AnalysisNameCounts {
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

  /** The original's `Indexer.aggregate`: `terms` aggregations of the analysis names, with no hits. */
  async countNames(fields: readonly AnalysisField[], size: number): Promise<NameCounts> {
    const params = toOpenSearchNameCounts(fields, size);
    if (params === undefined) return fromOpenSearchNameCounts(fields, undefined);
    const answer = await this.send(`/${params.index}/_search`, params.body);
    // Nothing has been indexed yet: no names to count.
    if (answer.status === 404 && errorType(answer.body) === 'index_not_found_exception') {
      return fromOpenSearchNameCounts(fields, undefined);
    }
    expectSuccess(answer, '_search');
    return fromOpenSearchNameCounts(fields, answer.body as OpenSearchNameCountsResponseBody);
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

  /**
   * The original's face re-tagging of indexed results: each asset whose `facematch` entries name a changed face gets
   * them renamed (entries that come to share a name merged) or, for a deleted face, dropped. Assets are found by the
   * name the face had, the hits checked by face id.
   */
  async retag(changes: readonly FaceNameChange[]): Promise<void> {
    const byFace = new Map(changes.map((change) => [change.faceId, change]));
    const documents = new Map<string, FaceMatchEntry[]>();
    for (const name of new Set(changes.map((change) => change.previousName))) {
      for (let from = 0; from < RETAG_WINDOW; from += RETAG_PAGE) {
        const found = await this.send(
          `/${CONTENT_INDEX}/_search`,
          { query: { query_string: { query: phrase(name) } }, _source: ['facematch'] },
          { from: String(from), size: String(RETAG_PAGE) },
        );
        if (found.status === 404 && errorType(found.body) === 'index_not_found_exception') return;
        expectSuccess(found, '_search');
        const hits = (found.body as RetagSearchBody).hits?.hits ?? [];
        for (const hit of hits) {
          const entries = hit._source?.facematch;
          if (Array.isArray(entries) && entries.some((entry) => byFace.has(entry.faceId ?? ''))) {
            documents.set(hit._id, entries);
          }
        }
        if (hits.length < RETAG_PAGE) break;
      }
    }
    for (const [uuid, entries] of documents) {
      const retagged = new Map<string, FaceMatchEntry>();
      for (const entry of entries) {
        const change = byFace.get(entry.faceId ?? '');
        if (change !== undefined && change.celeb === undefined) continue;
        const name = change?.celeb ?? entry.name;
        const same = retagged.get(name);
        retagged.set(
          name,
          same === undefined
            ? { ...entry, name }
            : { ...same, timecodes: [...(same.timecodes ?? []), ...(entry.timecodes ?? [])] },
        );
      }
      const answer = await this.send(
        `/${CONTENT_INDEX}/_update/${encodeURIComponent(uuid)}`,
        { doc: { facematch: [...retagged.values()] } },
        { refresh: 'true', retry_on_conflict: '3' },
      );
      // Removed meanwhile: nothing left to rename.
      if (answer.status === 404) continue;
      expectSuccess(answer, '_update');
    }
  }

  private async send(path: string, body: unknown, query: Record<string, string> = {}): Promise<OpenSearchAnswer> {
    return readAnswer(await this.client.request('POST', path, { query, body }));
  }
}

/** Assets re-tagged per search page, and at most this many per name (OpenSearch's result window). */
const RETAG_PAGE = 100;
const RETAG_WINDOW = 10_000;

interface FaceMatchEntry {
  readonly name: string;
  readonly faceId?: string;
  readonly timecodes?: readonly unknown[];
}

interface RetagSearchBody {
  readonly hits?: { readonly hits?: readonly { _id: string; _source?: { facematch?: FaceMatchEntry[] } }[] };
}

/** A `query_string` phrase for the exact words of a name. */
function phrase(name: string): string {
  return `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;
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
