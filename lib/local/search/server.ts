import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parseQuery, verifySigV4, type RawRequest, type VerifyResult } from '../apigateway/sigv4';
import { SearchDomain } from './domain';
import {
  errorResponse,
  IllegalArgumentError,
  IncorrectMethodError,
  NoHandlerError,
  ParseError,
  UnsupportedContentTypeError,
  type JsonResponse,
} from './errors';
import { rawRequest, readBody } from '../http-request';
import { keepConnectionsLikeAws } from '../protocol/endpoint';

export interface LocalSearchServerOptions {
  /** Holds one directory of indices per domain. */
  readonly directory: string;
  /** The region requests must be signed for (service `es`). */
  readonly region: string;
  readonly lookupSecret: (accessKeyId: string) => string | undefined;
  /** The session token of temporary credentials. @default - none need one */
  readonly lookupSessionToken?: (accessKeyId: string) => string | undefined;
  /** @default console.log */
  readonly log?: (message: string) => void;
}

/** What a domain accepts per request; the limit of OpenSearch Service on most instance types. */
export const MAX_SEARCH_REQUEST_BYTES = 100 * 1024 * 1024;

/** Parameters any OpenSearch route takes; `pretty` is honoured, the others only change what errors look like. */
const COMMON_PARAMS = ['pretty', 'human', 'error_trace'];

type Params = ReadonlyMap<string, string>;

interface Call {
  readonly domain: SearchDomain;
  readonly index?: string;
  readonly id?: string;
  /** The JSON body, or the text of an NDJSON one. */
  readonly body: unknown;
  readonly params: Params;
}

interface Operation {
  /** Query parameters the operation reads or accepts; any other is refused, as OpenSearch does. */
  readonly params: readonly string[];
  /** Whether the body is NDJSON (`_bulk`), handed over as text. */
  readonly ndjson?: boolean;
  run(call: Call): JsonResponse;
}

interface Route {
  /** Literal segments, `{index}` (never starting with `_`) or `{id}`. */
  readonly pattern: readonly string[];
  readonly methods: Readonly<Record<string, Operation>>;
}

const info: Operation = {
  params: [],
  run: ({ domain }) => ({
    status: 200,
    body: { name: domain.name, cluster_name: domain.name, tagline: 'The OpenSearch Project: https://opensearch.org/' },
  }),
};
const getDocument: Operation = {
  params: ['_source', '_source_includes', '_source_excludes', 'realtime', 'refresh'],
  run: ({ domain, index, id, params }) => domain.getDocument(index as string, id as string, params),
};
const indexDocument: Operation = {
  params: ['refresh', 'timeout'],
  run: ({ domain, index, id, body, params }) => domain.indexDocument(index as string, id as string, body, params),
};
const search: Operation = {
  params: ['from', 'size', 'track_total_hits', 'rest_total_hits_as_int', 'timeout'],
  run: ({ domain, index, body, params }) => domain.search(index as string, body, params),
};
const mget: Operation = {
  params: ['realtime', 'refresh'],
  run: ({ domain, index, body, params }) => domain.mget(index, body, params),
};

const bulk: Operation = {
  params: ['refresh', 'timeout', 'wait_for_active_shards', 'require_alias'],
  ndjson: true,
  run: ({ domain, index, body, params }) => domain.bulk(index, body as string, params),
};

/** The subset of OpenSearch's REST API that Media2Cloud's adapters use, per domain. */
const ROUTES: readonly Route[] = [
  { pattern: [], methods: { GET: info, HEAD: info } },
  { pattern: ['_mget'], methods: { GET: mget, POST: mget } },
  { pattern: ['_bulk'], methods: { POST: bulk, PUT: bulk } },
  { pattern: ['{index}', '_bulk'], methods: { POST: bulk, PUT: bulk } },
  {
    pattern: ['{index}', '_doc', '{id}'],
    methods: {
      GET: getDocument,
      HEAD: getDocument,
      PUT: indexDocument,
      POST: indexDocument,
      DELETE: {
        params: ['refresh', 'timeout'],
        run: ({ domain, index, id, params }) => domain.deleteDocument(index as string, id as string, params),
      },
    },
  },
  {
    pattern: ['{index}', '_update', '{id}'],
    methods: {
      POST: {
        params: ['refresh', 'retry_on_conflict', 'timeout'],
        run: ({ domain, index, id, body, params }) =>
          domain.updateDocument(index as string, id as string, body, params),
      },
    },
  },
  { pattern: ['{index}', '_search'], methods: { GET: search, POST: search } },
  { pattern: ['{index}', '_mget'], methods: { GET: mget, POST: mget } },
];

/**
 * An OpenSearch-compatible endpoint for the `AWS::OpenSearchService::Domain` resources of the templates, in one
 * HTTP server: each domain answers under `/<domain name>`, which is where its `DomainEndpoint` points, so clients
 * that keep an endpoint's path as a prefix (both Media2Cloud adapters do) need nothing else. Requests are signed
 * with SigV4 for service `es`, as the domain's IAM access policy demands in AWS; the policy itself is not evaluated.
 */
export class LocalSearchServer {
  private readonly domains = new Map<string, SearchDomain>();
  private readonly log: (message: string) => void;

  private constructor(
    private readonly options: LocalSearchServerOptions,
    private readonly server: http.Server,
    /** `http://127.0.0.1:<port>`. */
    readonly endpoint: string,
  ) {
    this.log = options.log ?? ((message: string) => console.log(message));
  }

  /** Listens on 127.0.0.1 at `port` (0 picks a free one). */
  static async start(options: LocalSearchServerOptions, port: number): Promise<LocalSearchServer> {
    const server = http.createServer();
    keepConnectionsLikeAws(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const search = new LocalSearchServer(options, server, endpoint);
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      void search.serve(request, response);
    });
    return search;
  }

  /** Where a domain answers (its `DomainEndpoint` in local mode), whether or not it is added yet. */
  domainEndpoint(domainName: string): string {
    return `${this.endpoint}/${encodeURIComponent(domainName)}`;
  }

  /** Serves a domain, its indices kept in `<directory>/<domain name>/`; returns its endpoint. */
  addDomain(domainName: string): string {
    if (!this.domains.has(domainName)) {
      this.domains.set(domainName, new SearchDomain(domainName, path.join(this.options.directory, domainName)));
    }
    return this.domainEndpoint(domainName);
  }

  domainNames(): string[] {
    return [...this.domains.keys()];
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    for (const domain of this.domains.values()) domain.close();
    this.domains.clear();
  }

  private async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    let answer: JsonResponse;
    try {
      const body = await readBody(request, MAX_SEARCH_REQUEST_BYTES);
      answer =
        body === undefined
          ? { status: 413, body: { Message: `Request size exceeded ${MAX_SEARCH_REQUEST_BYTES} bytes` } }
          : this.handle(rawRequest(request, body));
    } catch (error) {
      answer = errorResponse(error, this.log);
    }
    const pretty = /[?&]pretty(=(true)?)?(&|$)/.test(request.url ?? '');
    const text = Buffer.from(JSON.stringify(answer.body, null, pretty ? 2 : undefined), 'utf8');
    response.writeHead(answer.status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': String(text.length),
    });
    response.end(request.method === 'HEAD' ? undefined : text);
  }

  private handle(raw: RawRequest): JsonResponse {
    const segments = raw.rawPath.split('/').slice(1);
    // `/domain/` and `/domain/content/_doc/1/` are the same paths as without the slash.
    if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
    const [domainName = '', ...rest] = segments.map(decodeSegment);
    const domain = this.domains.get(domainName);
    if (!domain) {
      // In AWS an unknown domain has no endpoint at all; this answer only helps whoever mistyped a local one.
      const known = this.domainNames().join(', ');
      return { status: 404, body: { message: `No local search domain [${domainName}]; domains: [${known}]` } };
    }
    const verdict = verifySigV4(raw, {
      region: this.options.region,
      service: 'es',
      lookupSecret: this.options.lookupSecret,
      lookupSessionToken: this.options.lookupSessionToken,
    });
    if (!verdict.ok) return accessDenied(verdict, raw.method);

    const uri = `/${rest.join('/')}`;
    const route = ROUTES.find((candidate) => matches(candidate.pattern, rest));
    if (!route) throw new NoHandlerError(raw.method, uri);
    const operation = route.methods[raw.method];
    if (!operation) throw new IncorrectMethodError(raw.method, uri, Object.keys(route.methods));
    const params = new Map(parseQuery(raw.rawQuery));
    const unknown = [...params.keys()].filter(
      (name) => !operation.params.includes(name) && !COMMON_PARAMS.includes(name),
    );
    if (unknown.length > 0) {
      const plural = unknown.length > 1 ? 's' : '';
      throw new IllegalArgumentError(
        `request [${uri}] contains unrecognized parameter${plural}: ${unknown.map((name) => `[${name}]`).join(', ')}`,
      );
    }
    const slots: { index?: string; id?: string } = {};
    route.pattern.forEach((part, position) => {
      if (part === '{index}') slots.index = rest[position];
      if (part === '{id}') slots.id = rest[position];
    });
    const body = operation.ndjson ? ndjsonBody(raw) : jsonBody(raw);
    return operation.run({ domain, ...slots, body, params });
  }
}

function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  if (pattern.length !== segments.length) return false;
  return pattern.every((part, position) => {
    const segment = segments[position] as string;
    if (part === '{id}') return segment !== '';
    if (part === '{index}') return segment !== '' && !segment.startsWith('_');
    return part === segment;
  });
}

/**
 * The domain's front end refuses what SigV4 does not let through before OpenSearch sees it, with AWS's bodies: an
 * unsigned request is `anonymous` (capital `Message`, as the service spells it), a bad signature the SigV4 message.
 */
function accessDenied(verdict: Extract<VerifyResult, { ok: false }>, method: string): JsonResponse {
  if (verdict.errorType === 'MissingAuthenticationTokenException') {
    const action = `es:ESHttp${method.charAt(0)}${method.slice(1).toLowerCase()}`;
    return { status: 403, body: { Message: `User: anonymous is not authorized to perform: ${action}` } };
  }
  return { status: 403, body: { message: verdict.message } };
}

/** The JSON body, or `undefined` for none. OpenSearch takes only JSON here and says so with a 406. */
function jsonBody(raw: RawRequest): unknown {
  if (raw.body.length === 0) return undefined;
  checkContentType(raw, ['application/json']);
  try {
    return JSON.parse(raw.body.toString('utf8')) as unknown;
  } catch (error) {
    throw new ParseError(`request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The text of a `_bulk` body, NDJSON sent as `application/x-ndjson` or `application/json`. */
function ndjsonBody(raw: RawRequest): string {
  if (raw.body.length === 0) throw new ParseError('request body is required');
  checkContentType(raw, ['application/x-ndjson', 'application/json']);
  return raw.body.toString('utf8');
}

function checkContentType(raw: RawRequest, accepted: readonly string[]): void {
  const contentType = raw.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!accepted.includes(mediaType)) throw new UnsupportedContentTypeError(contentType);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new IllegalArgumentError(`unable to decode path segment [${segment}]`);
  }
}
