import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from '../../../lib/local/apigateway/sigv4';
import { rawRequest } from '../../../lib/local/http-request';
import type { SearchDocument } from '../../../lambdas/media2cloud/search/document';
import { OpenSearchIndex } from '../../../lambdas/media2cloud/pipeline/adapters/opensearch-index';
import { SearchDocumentMissingError } from '../../../lambdas/media2cloud/pipeline/domain/errors';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const UUID = '5a1d2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

/** An OpenSearch document API stand-in that refuses any request whose SigV4 signature (service `es`) fails. */
async function startEndpoint(): Promise<{
  server: Server;
  url: string;
  received: Received[];
  docs: Map<string, Record<string, unknown>>;
}> {
  const received: Received[] = [];
  const docs = new Map<string, Record<string, unknown>>();
  const server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const raw = rawRequest(request, body);
    const { rawPath } = raw;
    const verified = verifySigV4(raw, {
      region: 'eu-west-1',
      service: 'es',
      lookupSecret: (id) => (id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined),
    });
    const json = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : undefined;
    received.push({ method: request.method!, url: request.url!, body: json });
    const answer = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (!verified.ok) return answer(403, { message: verified.message });
    const [, index, operation, id = ''] = rawPath.split('/');
    if (index !== 'content') return answer(404, { error: { type: 'index_not_found_exception' } });
    const existing = docs.get(id);
    if (request.method === 'PUT' && operation === '_doc') {
      docs.set(id, json!);
      return answer(existing ? 200 : 201, { result: existing ? 'updated' : 'created' });
    }
    if (request.method === 'POST' && operation === '_update') {
      if (!existing) return answer(404, { error: { type: 'document_missing_exception' } });
      docs.set(id, { ...existing, ...(json!.doc as Record<string, unknown>) });
      return answer(200, { result: 'updated' });
    }
    if (request.method === 'GET' && operation === '_doc') {
      return existing ? answer(200, { _id: id, found: true, _source: existing }) : answer(404, { found: false });
    }
    if (request.method === 'DELETE' && operation === '_doc') {
      docs.delete(id);
      return answer(existing ? 200 : 404, { result: existing ? 'deleted' : 'not_found' });
    }
    return answer(400, { error: 'unexpected request' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, docs };
}

describe('OpenSearch search index adapter', () => {
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  let index: OpenSearchIndex;

  beforeAll(async () => {
    endpoint = await startEndpoint();
    index = new OpenSearchIndex({ endpoint: endpoint.url, region: 'eu-west-1', credentials: async () => CREDENTIALS });
  });
  afterAll(() => new Promise<void>((resolve) => endpoint.server.close(() => resolve())));

  const document: SearchDocument = {
    uuid: UUID,
    type: 'video',
    basename: 'harbour',
    status: 'INGEST_COMPLETED',
    label: [{ name: 'Boat', timecodes: [{ begin: 0, end: 1000 }] }],
  };

  it('indexes, updates and updates the status of the content document with signed requests, refreshing', async () => {
    await index.index(document);
    await index.update(UUID, { subtitle: [{ name: 'Hello', timecodes: [{ begin: 500, end: 1800 }] }] });
    await index.updateStatus(UUID, { status: 'ANALYSIS_COMPLETED', overallStatus: 'COMPLETED' });

    expect(endpoint.received.map(({ method, url }) => `${method} ${url}`)).toEqual([
      `PUT /content/_doc/${UUID}?refresh=true`,
      `POST /content/_update/${UUID}?refresh=true`,
      `POST /content/_update/${UUID}?refresh=true`,
    ]);
    expect(endpoint.received[2]!.body).toEqual({ doc: { status: 'ANALYSIS_COMPLETED', overallStatus: 'COMPLETED' } });
    expect(endpoint.docs.get(UUID)).toMatchObject({ status: 'ANALYSIS_COMPLETED', subtitle: [{ name: 'Hello' }] });
  });

  it('drops the AI/ML fields only, keeping the text fields', async () => {
    await index.dropAnalysisFields(UUID);

    expect(endpoint.docs.get(UUID)).not.toHaveProperty('label');
    expect(endpoint.docs.get(UUID)).toHaveProperty('subtitle');
  });

  it('reports a missing document as SearchDocumentMissingError, and removal of one as false', async () => {
    await expect(index.updateStatus('6b1d2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b', { status: 'X' })).rejects.toBeInstanceOf(
      SearchDocumentMissingError,
    );
    expect(await index.remove(UUID)).toBe(true);
    expect(await index.remove(UUID)).toBe(false);
  });

  it('fails loudly when the endpoint refuses the signature', async () => {
    const wrong = new OpenSearchIndex({
      endpoint: endpoint.url,
      region: 'eu-west-1',
      credentials: async () => ({ ...CREDENTIALS, secretAccessKey: 'not-the-secret' }),
    });

    await expect(wrong.index(document)).rejects.toThrow(/OpenSearch answered 403/);
  });
});
