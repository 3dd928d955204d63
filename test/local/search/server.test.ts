import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import aws4 from 'aws4';
import { LocalSearchServer } from '../../../lib/local/search/server';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDLOCALSEARCH', secretAccessKey: 'local-search-secret' };
const DOMAIN = 'media-search';
const UUID = '5a1d2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const OTHER = '6b2e3c4d-5e6f-4a70-9b8c-0d1e2f3a4b5c';

const VIDEO = {
  uuid: UUID,
  type: 'video',
  basename: 'keynote.mp4',
  key: 'media/keynote.mp4',
  attributes: { speaker: 'Andy Jassy', venue: 'Las Vegas' },
  celeb: [{ name: 'Andy Jassy', timecodes: [{ begin: 0, end: 1000 }] }],
};
const AUDIO = { uuid: OTHER, type: 'audio', basename: 'podcast.mp3', transcribe: [{ name: 'andy talks about cloud' }] };

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly json: any;
}

interface CallOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  /** `false` sends the request unsigned. @default the local credentials */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string } | false;
  /** @default 'es' */
  readonly service?: string;
}

describe('local search endpoint', () => {
  let directory: string;
  let search: LocalSearchServer;
  let domainUrl: URL;

  const start = async () => {
    search = await LocalSearchServer.start(
      {
        directory,
        region: REGION,
        lookupSecret: (id) => (id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined),
        log: () => {},
      },
      0,
    );
    domainUrl = new URL(search.addDomain(DOMAIN));
  };

  /** One request to the domain, signed with SigV4 as an OpenSearch client signs it. */
  const call = (method: string, route: string, options: CallOptions = {}): Promise<Answer> => {
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const headers: Record<string, string> =
      body === undefined ? {} : { 'Content-Type': options.contentType ?? 'application/json' };
    let requestPath = `${domainUrl.pathname}${route}`;
    if (options.credentials !== false) {
      const signed = aws4.sign(
        {
          host: domainUrl.host,
          method,
          path: requestPath,
          body,
          headers,
          service: options.service ?? 'es',
          region: REGION,
        },
        options.credentials ?? CREDENTIALS,
      );
      requestPath = String(signed.path);
      Object.assign(headers, signed.headers);
    }
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: domainUrl.hostname, port: domainUrl.port, method, path: requestPath, headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: response.statusCode ?? 0, text, json: text === '' ? undefined : JSON.parse(text) });
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  };

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-search-'));
    await start();
  });

  afterAll(async () => {
    await search.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  describe('documents', () => {
    it('creates a document with 201, replaces it with 200, and returns its source', async () => {
      // Act
      const created = await call('PUT', `/content/_doc/${UUID}?refresh=true`, { body: VIDEO });
      const replaced = await call('PUT', `/content/_doc/${UUID}`, { body: VIDEO });
      const read = await call('GET', `/content/_doc/${UUID}`);

      // Assess
      expect(created.status).toBe(201);
      expect(created.json).toEqual({
        _index: 'content',
        _id: UUID,
        result: 'created',
        forced_refresh: true,
        _shards: { total: 1, successful: 1, failed: 0 },
      });
      expect(replaced.status).toBe(200);
      expect(replaced.json.result).toBe('updated');
      expect(read.status).toBe(200);
      expect(read.json).toEqual({ _index: 'content', _id: UUID, found: true, _source: VIDEO });
    });

    it('filters a GET source with _source_includes', async () => {
      // Act
      const read = await call('GET', `/content/_doc/${UUID}?_source_includes=basename,attributes.venue`);

      // Assess
      expect(read.json._source).toEqual({ basename: 'keynote.mp4', attributes: { venue: 'Las Vegas' } });
    });

    it('answers a GET of a missing document 404 with found false, and of a missing index index_not_found', async () => {
      // Act
      const missingDocument = await call('GET', `/content/_doc/${OTHER}`);
      const missingIndex = await call('GET', `/nothing/_doc/${OTHER}`);

      // Assess
      expect(missingDocument.status).toBe(404);
      expect(missingDocument.json).toEqual({ _index: 'content', _id: OTHER, found: false });
      expect(missingIndex.status).toBe(404);
      expect(missingIndex.json).toMatchObject({
        error: { type: 'index_not_found_exception', reason: 'no such index [nothing]', index: 'nothing' },
        status: 404,
      });
      expect(missingIndex.json.error.root_cause[0].type).toBe('index_not_found_exception');
    });

    it('merges a partial update as OpenSearch does: objects key by key, lists replaced', async () => {
      // Prepare
      const patch = { status: 'COMPLETED', attributes: { venue: 'Seattle' }, label: [{ name: 'Stage' }] };

      // Act
      const updated = await call('POST', `/content/_update/${UUID}?refresh=true`, { body: { doc: patch } });
      const read = await call('GET', `/content/_doc/${UUID}`);

      // Assess
      expect(updated.status).toBe(200);
      expect(updated.json).toMatchObject({ _index: 'content', _id: UUID, result: 'updated', forced_refresh: true });
      expect(read.json._source).toEqual({
        ...VIDEO,
        status: 'COMPLETED',
        attributes: { speaker: 'Andy Jassy', venue: 'Seattle' },
        label: [{ name: 'Stage' }],
      });
    });

    it('answers an update that changes nothing with result noop', async () => {
      // Act
      const answer = await call('POST', `/content/_update/${UUID}`, { body: { doc: { status: 'COMPLETED' } } });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.json.result).toBe('noop');
    });

    it('runs a painless script of ctx._source.remove statements', async () => {
      // Prepare
      const script = { source: 'ctx._source.remove("label");ctx._source.remove(\'celeb\')', lang: 'painless' };

      // Act
      const answer = await call('POST', `/content/_update/${UUID}?refresh=true&retry_on_conflict=3`, {
        body: { script },
      });
      const read = await call('GET', `/content/_doc/${UUID}`);

      // Assess
      expect(answer.status).toBe(200);
      expect(read.json._source.label).toBeUndefined();
      expect(read.json._source.celeb).toBeUndefined();
      expect(read.json._source.basename).toBe('keynote.mp4');
    });

    it('refuses any other script with 400 script_exception', async () => {
      // Act
      const answer = await call('POST', `/content/_update/${UUID}`, {
        body: { script: { source: 'ctx._source.views += 1' } },
      });

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json.error.type).toBe('script_exception');
    });

    it('answers an update of a missing document 404 document_missing_exception', async () => {
      // Act
      const answer = await call('POST', `/content/_update/${OTHER}?refresh=true`, { body: { doc: { status: 'x' } } });

      // Assess
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({
        error: { type: 'document_missing_exception', reason: `[${OTHER}]: document missing`, index: 'content' },
        status: 404,
      });
    });

    it('creates a missing document from doc with doc_as_upsert, 201 created', async () => {
      // Arrange
      const id = crypto.randomUUID();
      const upsert = { uuid: id, type: 'image', basename: 'upsert.png' };

      // Act
      const answer = await call('POST', `/upserts/_update/${id}`, { body: { doc: upsert, doc_as_upsert: true } });
      const read = await call('GET', `/upserts/_doc/${id}`);

      // Assess
      expect(answer.status).toBe(201);
      expect(answer.json.result).toBe('created');
      expect(read.json._source).toEqual(upsert);
    });

    it('deletes a document with 200, and answers 404 not_found once it is gone', async () => {
      // Prepare
      await call('PUT', `/content/_doc/${OTHER}`, { body: AUDIO });

      // Act
      const deleted = await call('DELETE', `/content/_doc/${OTHER}?refresh=true`);
      const again = await call('DELETE', `/content/_doc/${OTHER}?refresh=true`);
      const read = await call('GET', `/content/_doc/${OTHER}`);

      // Assess
      expect(deleted.status).toBe(200);
      expect(deleted.json.result).toBe('deleted');
      expect(again.status).toBe(404);
      expect(again.json.result).toBe('not_found');
      expect(read.json.found).toBe(false);
    });

    it('refuses a document whose uuid is not its _id with 400 mapper_parsing_exception', async () => {
      // Act
      const answer = await call('PUT', `/content/_doc/${OTHER}`, { body: VIDEO });

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json.error.type).toBe('mapper_parsing_exception');
    });

    it('refuses a document with a malformed field with 400 mapper_parsing_exception, never a 500', async () => {
      // Act
      const answer = await call('PUT', `/content/_doc/${OTHER}`, { body: { ...AUDIO, celeb: [null] } });

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json.error.type).toBe('mapper_parsing_exception');
    });

    it('keeps documents across a restart of the server', async () => {
      // Prepare
      await search.close();

      // Act
      await start();
      const read = await call('GET', `/content/_doc/${UUID}`);

      // Assess
      expect(read.json).toMatchObject({ found: true, _source: { uuid: UUID, basename: 'keynote.mp4' } });
    });

    it('opens an index whose SQLite lock a process that died mid-write left behind', async () => {
      // Prepare
      await search.close();
      const index = fs
        .readdirSync(directory, { recursive: true, encoding: 'utf8' })
        .find((file) => file.endsWith('content.sqlite'));
      fs.mkdirSync(path.join(directory, `${index}.lock`));

      // Act
      await start();
      const read = await call('GET', `/content/_doc/${UUID}`);
      const written = await call('POST', `/content/_update/${UUID}`, { body: { doc: { basename: 'after.mp4' } } });

      // Assess
      expect(read.status).toBe(200);
      expect(written.status).toBe(200);
    });
  });

  describe('_search and _mget', () => {
    beforeAll(async () => {
      await call('PUT', `/library/_doc/${UUID}`, { body: VIDEO });
      await call('PUT', `/library/_doc/${OTHER}`, { body: AUDIO });
    });

    it('answers with the total, the best score first, the requested source and highlights by field path', async () => {
      // Prepare
      const body = {
        _source: { includes: ['type'] },
        query: { bool: { must: [{ terms: { type: ['video', 'audio'] } }, { query_string: { query: 'andy' } }] } },
        highlight: { fields: { '*': {} } },
      };

      // Act
      const answer = await call('POST', '/library/_search?from=0&size=10', { body });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        timed_out: false,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: { total: { value: 2, relation: 'eq' } },
      });
      expect(answer.json.took).toEqual(expect.any(Number));
      const [first, second] = answer.json.hits.hits;
      expect(answer.json.hits.max_score).toBe(first._score);
      expect(first._score).toBeGreaterThanOrEqual(second._score);
      expect(answer.json.hits.hits.find((hit: any) => hit._id === UUID)).toEqual({
        _index: 'library',
        _id: UUID,
        _score: expect.any(Number),
        _source: { type: 'video' },
        highlight: { 'attributes.speaker': ['<em>Andy</em> Jassy'], 'celeb.name': ['<em>Andy</em> Jassy'] },
      });
      expect(answer.json.hits.hits.find((hit: any) => hit._id === OTHER)).toMatchObject({
        _source: { type: 'audio' },
        highlight: { 'transcribe.name': ['<em>andy</em> talks about cloud'] },
      });
    });

    it('honours from and size, and filters on type and _id', async () => {
      // Prepare
      const query = (filters: unknown[]) => ({
        query: { bool: { must: [{ query_string: { query: 'andy' } }, ...filters] } },
      });

      // Act
      const secondPage = await call('POST', '/library/_search?from=1&size=1', { body: query([]) });
      const audioOnly = await call('POST', '/library/_search', { body: query([{ terms: { type: ['audio'] } }]) });
      const oneAsset = await call('POST', '/library/_search', { body: query([{ terms: { _id: [UUID] } }]) });

      // Assess
      expect(secondPage.json.hits.total.value).toBe(2);
      expect(secondPage.json.hits.hits).toHaveLength(1);
      expect(audioOnly.json.hits.hits.map((hit: any) => hit._id)).toEqual([OTHER]);
      expect(oneAsset.json.hits.hits.map((hit: any) => hit._id)).toEqual([UUID]);
    });

    it('lists a match with nothing to highlight, and leaves highlight out when not asked for', async () => {
      // Prepare
      const body = { query: { query_string: { query: 'NOT cloud' } } };

      // Act
      const answer = await call('POST', '/library/_search', { body });

      // Assess
      expect(answer.json.hits.total.value).toBe(1);
      expect(answer.json.hits.hits).toEqual([{ _index: 'library', _id: UUID, _score: 1, _source: expect.any(Object) }]);
    });

    it('aggregates every document with terms when asked for no hits, as the original asks for name counts', async () => {
      // Prepare
      const body = {
        size: 0,
        aggs: {
          celeb: { terms: { field: 'celeb.name.keyword', size: 5 } },
          transcribe: { terms: { field: 'transcribe.name.keyword', size: 5 } },
          type: { terms: { field: 'type', size: 1 } },
        },
      };

      // Act
      const answer = await call('POST', '/library/_search', { body });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.json.hits).toEqual({ total: { value: 2, relation: 'eq' }, max_score: null, hits: [] });
      expect(answer.json.aggregations).toEqual({
        celeb: {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: 0,
          buckets: [{ key: 'Andy Jassy', doc_count: 1 }],
        },
        // The original maps transcript text without a keyword sub-field: nothing to count.
        transcribe: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [] },
        type: { doc_count_error_upper_bound: 0, sum_other_doc_count: 1, buckets: [{ key: 'audio', doc_count: 1 }] },
      });
    });

    it('refuses a terms aggregation on a text field 400, the shard failure as root cause', async () => {
      // Act
      const answer = await call('POST', '/library/_search', {
        body: { size: 0, aggs: { names: { terms: { field: 'basename' } } } },
      });

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        error: {
          type: 'search_phase_execution_exception',
          root_cause: [{ type: 'illegal_argument_exception', reason: expect.stringMatching(/^Text fields/) }],
          caused_by: { type: 'illegal_argument_exception' },
        },
        status: 400,
      });
    });

    it('answers a search of a missing index 404 index_not_found_exception', async () => {
      // Act
      const answer = await call('POST', '/nothing/_search', { body: { query: { query_string: { query: 'andy' } } } });

      // Assess
      expect(answer.status).toBe(404);
      expect(answer.json.error.type).toBe('index_not_found_exception');
    });

    it('fetches documents with _mget, honouring each _source.include, found or not', async () => {
      // Prepare
      const body = {
        docs: [
          { _id: UUID, _source: { include: ['celeb', 'basename'] } },
          { _id: 'ffffffff', _source: { include: ['celeb'] } },
          { _index: 'nothing', _id: UUID },
        ],
      };

      // Act
      const answer = await call('POST', '/library/_mget', { body });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.json.docs[0]).toEqual({
        _index: 'library',
        _id: UUID,
        found: true,
        _source: { basename: 'keynote.mp4', celeb: VIDEO.celeb },
      });
      expect(answer.json.docs[1]).toEqual({ _index: 'library', _id: 'ffffffff', found: false });
      expect(answer.json.docs[2]).toMatchObject({
        _index: 'nothing',
        _id: UUID,
        error: { type: 'index_not_found_exception' },
      });
    });

    it.each<[string, unknown, string]>([
      ['a query_string that does not parse', { query: { query_string: { query: '"andy' } } }, 'query_shard_exception'],
      [
        'Lucene syntax the local engine cannot run',
        { query: { query_string: { query: 'andy~2' } } },
        'query_shard_exception',
      ],
      ['a query kind the local engine does not run', { query: { match: { basename: 'andy' } } }, 'parsing_exception'],
      ['a search without query_string', { query: { terms: { type: ['video'] } } }, 'parsing_exception'],
      [
        'a query_string over chosen fields',
        { query: { query_string: { query: 'a', fields: ['basename'] } } },
        'parsing_exception',
      ],
      ['aggregations over a query', { query: { query_string: { query: 'andy' } }, aggs: {} }, 'parsing_exception'],

      [
        'a page past the result window',
        { query: { query_string: { query: 'andy' } }, from: 9_999, size: 2 },
        'illegal_argument_exception',
      ],
    ])('refuses %s with 400 and an OpenSearch error body', async (_name, body, type) => {
      // Act
      const answer = await call('POST', '/library/_search', { body });

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: { type, root_cause: [{ type }] }, status: 400 });
      expect(answer.json.error.reason).toEqual(expect.any(String));
    });

    it('explains a query_string parse failure with its cause', async () => {
      // Act
      const answer = await call('POST', '/library/_search', {
        body: { query: { query_string: { query: 'title:x' } } },
      });

      // Assess
      expect(answer.json.error).toMatchObject({
        type: 'query_shard_exception',
        reason: 'Failed to parse query [title:x]',
        caused_by: { reason: expect.stringContaining('does not support field queries') },
      });
    });
  });

  describe('_bulk', () => {
    const ndjson = (...lines: unknown[]) => lines.map((line) => `${JSON.stringify(line)}\n`).join('');
    const doc = (uuid: string, basename: string) => ({ uuid, type: 'video', basename });
    const ids = Array.from({ length: 4 }, () => crypto.randomUUID());
    const [a, b, c, d] = ids as [string, string, string, string];
    /** A valid first action, which a malformed line later in the body must keep from being written. */
    const valid = () => ndjson({ index: { _id: b } }, doc(b, 'b.mp4'));

    it('runs index, create, update and delete actions, each answered with its own status', async () => {
      // Act
      const answer = await call('POST', '/bulk/_bulk?refresh=true', {
        contentType: 'application/x-ndjson',
        body: ndjson(
          { index: { _id: a } },
          doc(a, 'a.mp4'),
          { create: { _id: b } },
          doc(b, 'b.mp4'),
          { create: { _id: a } },
          doc(a, 'again.mp4'),
          { update: { _id: a } },
          { doc: { basename: 'a2.mp4' } },
          { update: { _id: c } },
          { doc: doc(c, 'c.mp4'), doc_as_upsert: true },
          { update: { _id: d } },
          { doc: { basename: 'd.mp4' } },
          { delete: { _id: b } },
          { delete: { _id: d } },
        ),
      });
      const read = await call('POST', '/bulk/_mget', { body: { ids: [a, b, c] } });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.json.errors).toBe(true);
      expect(typeof answer.json.took).toBe('number');
      const shards = { total: 1, successful: 1, failed: 0 };
      const ok = (result: string, id: string, status: number) => ({
        _index: 'bulk',
        _id: id,
        result,
        forced_refresh: true,
        _shards: shards,
        status,
      });
      expect(answer.json.items).toEqual([
        { index: ok('created', a, 201) },
        { create: ok('created', b, 201) },
        {
          create: {
            _index: 'bulk',
            _id: a,
            status: 409,
            error: expect.objectContaining({
              type: 'version_conflict_engine_exception',
              reason: `[${a}]: version conflict, document already exists`,
            }),
          },
        },
        { update: ok('updated', a, 200) },
        { update: ok('created', c, 201) },
        {
          update: {
            _index: 'bulk',
            _id: d,
            status: 404,
            error: expect.objectContaining({ type: 'document_missing_exception', reason: `[${d}]: document missing` }),
          },
        },
        { delete: ok('deleted', b, 200) },
        { delete: ok('not_found', d, 404) },
      ]);
      expect(read.json.docs.map((entry: any) => entry._source?.basename ?? entry.found)).toEqual([
        'a2.mp4',
        false,
        'c.mp4',
      ]);
    });

    it('takes the index of each action from its metadata on /_bulk, as JSON, and fails a bad document alone', async () => {
      // Act
      const answer = await call('POST', '/_bulk', {
        body: ndjson(
          { index: { _index: 'bulk-other', _id: d } },
          doc(d, 'd.mp4'),
          { index: { _index: 'bulk-other', _id: a } },
          doc(b, 'mismatch.mp4'),
        ),
      });
      const count = await call('POST', '/bulk-other/_search', { body: { size: 0 } });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.json.errors).toBe(true);
      expect(answer.json.items[0].index.status).toBe(201);
      expect(answer.json.items[1].index).toMatchObject({ status: 400, error: { type: 'mapper_parsing_exception' } });
      expect(count.json.hits.total.value).toBe(1);
    });

    it('indexes a large request in one go', async () => {
      // Arrange
      const many = Array.from({ length: 1000 }, () => crypto.randomUUID());

      // Act
      const answer = await call('POST', '/bulk-many/_bulk', {
        contentType: 'application/x-ndjson',
        body: ndjson(...many.flatMap((id) => [{ index: { _id: id } }, doc(id, `${id}.mp4`)])),
      });
      const count = await call('POST', '/bulk-many/_search', { body: { size: 0 } });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.json.errors).toBe(false);
      expect(answer.json.items).toHaveLength(1000);
      expect(count.json.hits.total.value).toBe(1000);
    });

    it.each([
      ['an action line that is not JSON', () => `${valid()}{"index": \n`, 'parse_exception'],
      ['no final newline', () => `${valid()}{"delete": {"_id": "${a}"}}`, 'illegal_argument_exception'],
      ['an unknown action', () => `${valid()}{"upsert": {"_id": "x"}}\n`, 'illegal_argument_exception'],
      [
        'an unknown metadata key',
        () => `${valid()}{"delete": {"_id": "x", "version": 2}}\n`,
        'illegal_argument_exception',
      ],
      ['no actions', () => '\n', 'action_request_validation_exception'],
    ])('refuses %s with 400 and writes nothing', async (_case, body, type) => {
      // Act
      const answer = await call('POST', '/bulk/_bulk', { body: body() });
      const read = await call('GET', `/bulk/_doc/${b}`);

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: { root_cause: [{ type }], type }, status: 400 });
      expect(read.status).toBe(404);
    });
  });

  describe('requests OpenSearch refuses', () => {
    it('answers an unrecognized parameter 400 as OpenSearch names it', async () => {
      // Act
      const answer = await call('GET', `/content/_doc/${UUID}?routing=1`);

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({
        type: 'illegal_argument_exception',
        reason: `request [/content/_doc/${UUID}] contains unrecognized parameter: [routing]`,
      });
    });

    it('answers a known path with another method 405, and an unknown path 400 no handler', async () => {
      // Act
      const wrongMethod = await call('PUT', '/content/_search', { body: {} });
      const unknownPath = await call('GET', '/_cluster/health');

      // Assess
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.json).toEqual({
        error: 'Incorrect HTTP method for uri [/content/_search] and method [PUT], allowed: [GET, POST]',
        status: 405,
      });
      expect(unknownPath.status).toBe(400);
      expect(unknownPath.json).toEqual({ error: 'no handler found for uri [/_cluster/health] and method [GET]' });
    });

    it('answers a body that is not JSON 406 by its content type and 400 parse_exception by its text', async () => {
      // Act
      const form = await call('PUT', `/content/_doc/${UUID}`, {
        body: 'a=b',
        contentType: 'application/x-www-form-urlencoded',
      });
      const broken = await call('PUT', `/content/_doc/${UUID}`, { body: '{"uuid":' });

      // Assess
      expect(form.status).toBe(406);
      expect(form.json).toEqual({
        error: 'Content-Type header [application/x-www-form-urlencoded] is not supported',
        status: 406,
      });
      expect(broken.status).toBe(400);
      expect(broken.json.error.type).toBe('parse_exception');
    });

    it('answers an invalid index name 400 invalid_index_name_exception', async () => {
      // Act
      const answer = await call('PUT', `/Content/_doc/${UUID}`, { body: VIDEO });

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({
        type: 'invalid_index_name_exception',
        reason: 'Invalid index name [Content], must be lowercase',
      });
    });
  });

  describe('SigV4', () => {
    it('answers an unsigned request 403 as anonymous', async () => {
      // Act
      const answer = await call('GET', `/content/_doc/${UUID}`, { credentials: false });

      // Assess
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({ Message: 'User: anonymous is not authorized to perform: es:ESHttpGet' });
    });

    it('answers a request signed with another secret 403 with the signature mismatch', async () => {
      // Act
      const answer = await call('GET', `/content/_doc/${UUID}`, {
        credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' },
      });

      // Assess
      expect(answer.status).toBe(403);
      expect(answer.json.message).toMatch(/^The request signature we calculated does not match/);
    });

    it('answers a request signed for another service or with an unknown key 403', async () => {
      // Act
      const otherService = await call('GET', `/content/_doc/${UUID}`, { service: 'execute-api' });
      const unknownKey = await call('GET', `/content/_doc/${UUID}`, {
        credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: CREDENTIALS.secretAccessKey },
      });

      // Assess
      expect(otherService.status).toBe(403);
      expect(otherService.json.message).toContain("Credential should be scoped to correct service: 'es'");
      expect(unknownKey.status).toBe(403);
      expect(unknownKey.json.message).toBe('The security token included in the request is invalid.');
    });

    it('answers a domain the templates do not declare 404, before checking the signature', async () => {
      // Prepare
      const url = `${search.endpoint}/other-domain/content/_doc/${UUID}`;

      // Act
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) =>
        http
          .get(url, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
            );
          })
          .on('error', reject),
      );

      // Assess
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({
        message: `No local search domain [other-domain]; domains: [${DOMAIN}]`,
      });
    });
  });
});
