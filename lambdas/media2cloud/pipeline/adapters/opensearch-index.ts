import { ANALYSIS_FIELDS, type SearchDocument, type SearchDocumentPatch } from '../../search/document';
import {
  SignedOpenSearchClient,
  type SignedOpenSearchResponse,
  type SigningCredentials,
} from '../../shared/opensearch-http';
import { SearchDocumentMissingError } from '../domain/errors';
import type { SearchIndexPort, StatusUpdate } from '../ports';

/** The original's single index. */
export const CONTENT_INDEX = 'content';

export type Credentials = SigningCredentials;

export interface OpenSearchIndexOptions {
  /** `https://search-domain.region.es.amazonaws.com`, or a local OpenSearch-compatible endpoint. */
  readonly endpoint: string;
  readonly region: string | (() => Promise<string>);
  readonly credentials: () => Promise<Credentials>;
  /** @default 'es' (OpenSearch Service); `aoss` for OpenSearch Serverless. */
  readonly service?: string;
}

/**
 * The `content` index over OpenSearch's REST API, signed with SigV4: `PUT _doc` to index, `POST _update` with a
 * partial `doc` to update (`refresh=true`, as the original's indexer asks), `DELETE _doc` to remove.
 */
export class OpenSearchIndex implements SearchIndexPort {
  private readonly client: SignedOpenSearchClient;

  constructor(options: OpenSearchIndexOptions) {
    this.client = new SignedOpenSearchClient({
      endpoint: options.endpoint,
      region: options.region,
      credentials: options.credentials,
      service: options.service,
      timeoutMs: 60_000,
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
    const source = (response.json() as { _source?: Record<string, unknown> })._source;
    if (!source) throw new SearchDocumentMissingError(uuid);
    if (!ANALYSIS_FIELDS.some((field) => field in source)) return;
    for (const field of ANALYSIS_FIELDS) delete source[field];
    await this.index(source as unknown as SearchDocument);
  }

  private async expect(response: SignedOpenSearchResponse, statuses: readonly number[]): Promise<void> {
    if (!statuses.includes(response.status)) {
      throw new Error(`OpenSearch answered ${response.status}: ${response.text.slice(0, 500)}`);
    }
  }

  private request(method: string, path: string, body?: unknown): Promise<SignedOpenSearchResponse> {
    return this.client.request(method, path, { query: method === 'GET' ? {} : { refresh: 'true' }, body });
  }
}
