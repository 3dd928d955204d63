import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { verifySigV4 } from '../../../lib/local/apigateway/sigv4';
import { rawRequest } from '../../../lib/local/http-request';
import { LambdaAssetRemoval } from '../../../lambdas/media2cloud/api/adapters/lambda-asset-removal';
import { OpenSearchSearch } from '../../../lambdas/media2cloud/api/adapters/opensearch-search';
import { S3SourceObjects } from '../../../lambdas/media2cloud/api/adapters/s3-source-objects';
import { SfnStateMachines } from '../../../lambdas/media2cloud/api/adapters/sfn-state-machines';
import {
  ANALYSIS_FIELDS,
  encodeSearchQuery,
  parseSearchRequest,
  toOpenSearchSearch,
  type SearchRequest,
} from '../../../lambdas/media2cloud/search';

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: string;
  /** For signed requests: whether the SigV4 signature (service `es`) verifies against the request received. */
  readonly signature?: string;
}

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** An HTTP endpoint standing for a service: records requests and answers the queued replies in order. */
class FakeService {
  readonly requests: Recorded[] = [];
  replies: Reply[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const verified = verifySigV4(rawRequest(request, body), {
          region: 'eu-west-1',
          service: 'es',
          lookupSecret: (id) => (id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined),
        });
        this.requests.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          rawHeaders: request.rawHeaders,
          body: body.toString('utf8'),
          signature: verified.ok ? 'valid' : verified.errorType,
        });
        const reply = this.replies.shift() ?? { status: 500, body: { error: 'no reply queued' } };
        response.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
        response.end(
          reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(replies: Reply[] = []): void {
    this.requests.length = 0;
    this.replies = replies;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

const service = new FakeService();
let endpoint: string;

beforeAll(async () => {
  endpoint = await service.start();
});

afterAll(async () => {
  await service.stop();
});

describe('SfnStateMachines', () => {
  it('starts an execution with the input as JSON and no name, returning its ARN and start date', async () => {
    // Prepare
    const client = new SFNClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:m2c-main';
    service.reset([{ status: 200, body: { executionArn: `${arn}:run`, startDate: 1712788678.905 } }]);

    // Act
    const started = await new SfnStateMachines(client).start(arn, { input: { uuid: 'u', key: 'k' } });

    // Assess
    client.destroy();
    expect(started).toEqual({ executionArn: `${arn}:run`, startDate: new Date('2024-04-10T22:37:58.905Z') });
    const request = service.requests[0];
    expect(request.headers['x-amz-target']).toBe('AWSStepFunctions.StartExecution');
    expect(JSON.parse(request.body)).toEqual({
      stateMachineArn: arn,
      input: JSON.stringify({ input: { uuid: 'u', key: 'k' } }),
    });
  });
});

describe('LambdaAssetRemoval', () => {
  it('invokes the removal function asynchronously with the uuid and the execution to stop', async () => {
    // Prepare
    const client = new LambdaClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
    const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:m2c-asset-removal';
    service.reset([{ status: 202 }]);

    // Act
    await new LambdaAssetRemoval(client, functionArn).request({ uuid: 'u', executionArn: 'arn:exec' });

    // Assess
    client.destroy();
    const request = service.requests[0];
    expect(decodeURIComponent(request.url)).toBe(`/2015-03-31/functions/${functionArn}/invocations`);
    expect(request.headers['x-amz-invocation-type']).toBe('Event');
    expect(JSON.parse(request.body)).toEqual({ uuid: 'u', executionArn: 'arn:exec' });
  });
});

describe('S3SourceObjects', () => {
  it('tells a missing object from one the function may not read, from the HEAD status alone', async () => {
    // Prepare
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    service.reset([{ status: 404 }, { status: 403 }]);
    const objects = new S3SourceObjects(client);

    // Act
    const missing = await objects.head({ bucket: 'media', key: 'a.mp4' });
    const denied = await objects.head({ bucket: 'media', key: 'b.mp4' });

    // Assess
    client.destroy();
    expect([missing, denied]).toEqual(['missing', 'denied']);
    expect(service.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'HEAD /media/a.mp4',
      'HEAD /media/b.mp4',
    ]);
  });
});

describe('OpenSearchSearch', () => {
  const CLIP = 'aaaaaaaa-0000-4000-8000-000000000001';
  const identity = { region: 'eu-west-1', credentials: CREDENTIALS };

  function request(text: string, params: Record<string, string> = {}, uuid?: string): SearchRequest {
    return parseSearchRequest({ query: { query: encodeSearchQuery(text), ...params }, uuid });
  }

  const searchReply: Reply = {
    status: 200,
    body: {
      took: 49,
      hits: {
        total: { value: 3, relation: 'eq' },
        hits: [
          {
            _id: CLIP,
            _score: 7.0853496,
            _source: { type: 'video' },
            highlight: { 'text.name': ['Executive Producer <em>Andy</em> <em>Jassy</em>'], type: ['<em>video</em>'] },
          },
        ],
      },
    },
  };

  const mgetReply: Reply = {
    status: 200,
    body: {
      docs: [
        {
          _id: CLIP,
          found: true,
          _source: { text: [{ name: 'Executive Producer Andy Jassy', timecodes: [{ begin: 834001, end: 834901 }] }] },
        },
      ],
    },
  };

  it('sends the signed _search then _mget and answers in the API shape', async () => {
    // Prepare
    service.reset([searchReply, mgetReply]);
    const search = new OpenSearchSearch({ endpoint, identity });
    const searchRequest = request('"Andy Jassy"', { pageSize: '1' });

    // Act
    const response = await search.search(searchRequest);

    // Assess
    expect(response).toEqual({
      term: '"Andy Jassy"',
      totalHits: 3,
      nextToken: 1,
      elapsed: 49,
      hits: [
        {
          id: CLIP,
          score: 7.0853496,
          type: 'video',
          fields: {
            text: {
              highlights: ['Executive Producer <em>Andy</em> <em>Jassy</em>'],
              hits: [{ name: 'Executive Producer Andy Jassy', timecodes: [{ begin: 834001, end: 834901 }] }],
            },
          },
        },
      ],
    });
    const [searched, fetched] = service.requests;
    expect(searched.method).toBe('POST');
    expect(searched.url).toBe('/content/_search?from=0&size=1');
    expect(JSON.parse(searched.body)).toEqual(toOpenSearchSearch(searchRequest).body);
    expect(fetched.url).toBe('/content/_mget');
    expect(JSON.parse(fetched.body)).toEqual({ docs: [{ _id: CLIP, _source: { include: ['text'] } }] });
    for (const sent of service.requests) {
      expect(sent.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      expect(sent.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      expect(sent.signature).toBe('valid');
    }
  });

  it('signs with a session token when the credentials carry one, and keeps a path after the endpoint host', async () => {
    // Prepare
    service.reset([{ status: 200, body: { took: 1, hits: { total: { value: 0 }, hits: [] } } }]);
    const search = new OpenSearchSearch({
      endpoint: `${endpoint}/opensearch/`,
      identity: { region: 'eu-west-1', credentials: async () => ({ ...CREDENTIALS, sessionToken: 'session' }) },
    });

    // Act
    const response = await search.search(request('andy', {}, CLIP));

    // Assess
    expect(response).toEqual({ term: 'andy', totalHits: 0, nextToken: 0, elapsed: 1, hits: [] });
    expect(service.requests).toHaveLength(1);
    expect(service.requests[0].url).toBe('/opensearch/content/_search?from=0&size=30');
    expect(service.requests[0].headers['x-amz-security-token']).toBe('session');
    expect(service.requests[0].signature).toBe('valid');
  });

  it('answers an empty result while the content index does not exist yet', async () => {
    // Prepare
    service.reset([{ status: 404, body: { error: { type: 'index_not_found_exception' }, status: 404 } }]);
    const search = new OpenSearchSearch({ endpoint, identity });

    // Act
    const response = await search.search(request('andy'));

    // Assess
    expect(response).toEqual({ term: 'andy', totalHits: 0, nextToken: 0, elapsed: 0, hits: [] });
  });

  it('fails when OpenSearch refuses the search', async () => {
    // Prepare
    service.reset([{ status: 400, body: { error: { type: 'search_phase_execution_exception' }, status: 400 } }]);
    const search = new OpenSearchSearch({ endpoint, identity });

    // Act
    const searching = search.search(request('andy'));

    // Assess
    await expect(searching).rejects.toThrow(/OpenSearch _search answered 400/);
  });

  it("counts names with the original's terms aggregations, answering an empty list for fields without buckets", async () => {
    // Prepare
    service.reset([
      {
        status: 200,
        body: {
          took: 2,
          hits: { total: { value: 4, relation: 'eq' }, max_score: null, hits: [] },
          aggregations: {
            celeb: {
              doc_count_error_upper_bound: 0,
              sum_other_doc_count: 0,
              buckets: [{ key: 'Andy Jassy', doc_count: 3 }],
            },
            label: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [] },
          },
        },
      },
      { status: 404, body: { error: { type: 'index_not_found_exception' }, status: 404 } },
    ]);
    const search = new OpenSearchSearch({ endpoint, identity });

    // Act
    const counts = await search.countNames(['celeb', 'transcribe', 'label'], 25);
    const unindexed = await search.countNames(['celeb'], 25);
    const textOnly = await search.countNames(['caption'], 25);

    // Assess
    expect(counts).toEqual({ celeb: [{ name: 'Andy Jassy', count: 3 }], transcribe: [], label: [] });
    expect(unindexed).toEqual({ celeb: [] });
    expect(textOnly).toEqual({ caption: [] });
    expect(service.requests).toHaveLength(2);
    const [sent] = service.requests;
    expect(sent.url).toBe('/content/_search');
    expect(JSON.parse(sent.body)).toEqual({
      size: 0,
      aggs: {
        celeb: { terms: { field: 'celeb.name.keyword', size: 25 } },
        label: { terms: { field: 'label.name.keyword', size: 25 } },
      },
    });
    expect(sent.signature).toBe('valid');
  });

  it('drops every analysis field of the document with the original painless script and a refresh', async () => {
    // Prepare
    service.reset([{ status: 200, body: { result: 'updated' } }]);
    const search = new OpenSearchSearch({ endpoint, identity });

    // Act
    await search.dropAnalysisFields(CLIP);

    // Assess
    const [sent] = service.requests;
    expect(sent.url).toBe(`/content/_update/${CLIP}?refresh=true&retry_on_conflict=3`);
    expect(JSON.parse(sent.body)).toEqual({
      script: { source: ANALYSIS_FIELDS.map((field) => `ctx._source.remove("${field}")`).join(';'), lang: 'painless' },
    });
    expect(sent.signature).toBe('valid');
  });

  it('ignores a document that was never indexed but fails on any other refusal', async () => {
    // Prepare
    service.reset([
      { status: 404, body: { error: { type: 'document_missing_exception' }, status: 404 } },
      { status: 403, body: { message: 'forbidden' } },
    ]);
    const search = new OpenSearchSearch({ endpoint, identity });

    // Act
    const missing = search.dropAnalysisFields(CLIP);

    // Assess
    await expect(missing).resolves.toBeUndefined();
    await expect(search.dropAnalysisFields(CLIP)).rejects.toThrow(/OpenSearch _update answered 403/);
  });
});
