import type { HttpError } from '../../shared/http/errors';
import type { ApiRequest } from '../../shared/http/request';
import type { ApiResponse } from '../../shared/http/response';
import { MediaTypeError, NotAcceptableError, sourceOf } from '../domain/errors';
import type { TemplateLinks } from '../domain/template-library';

export const JSON_API = 'application/vnd.api+json';
const JSON = 'application/json';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

/**
 * Every error of the API as a JSON:API error document — `{"errors": [{status, title, detail, source}]}` with the
 * status as a string — in JSON:API's media type on template routes and as plain JSON on packager routes.
 */
export function formatError(error: HttpError, mediaType: string): ApiResponse {
  const source = sourceOf(error);
  return document(error.statusCode, mediaType, {
    errors: [
      {
        status: String(error.statusCode),
        title: TITLES[error.statusCode] ?? 'Error',
        detail: error.message,
        ...(source ? { source } : {}),
      },
    ],
  });
}

export function document(statusCode: number, mediaType: string, body: unknown, headers: Record<string, string> = {}) {
  return { statusCode, headers: { 'Content-Type': mediaType, ...headers }, body: globalThis.JSON.stringify(body) };
}

export function jsonDocument(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return document(statusCode, JSON, body, headers);
}

export function jsonApiDocument(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return document(statusCode, JSON_API, body, headers);
}

interface MediaRange {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

function parseMediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((piece) => piece.trim());
      return {
        type: type.toLowerCase(),
        params: new Map(
          params.map((param) => {
            const eq = param.indexOf('=');
            return [
              param
                .slice(0, eq < 0 ? undefined : eq)
                .trim()
                .toLowerCase(),
              eq < 0 ? '' : param.slice(eq + 1).trim(),
            ];
          }),
        ),
      };
    });
}

/** JSON:API allows its media type with the `ext` and `profile` parameters only. */
function onlyJsonApiParameters(range: MediaRange, ignored: readonly string[] = []): boolean {
  return [...range.params.keys()].every((name) => name === 'ext' || name === 'profile' || ignored.includes(name));
}

/**
 * JSON:API content negotiation: a body must be sent as `application/vnd.api+json` without other media type
 * parameters (else 415), and an `Accept` header must allow that media type unmodified (else 406).
 */
export function negotiateJsonApi(request: ApiRequest): void {
  const hasBody = request.rawBody !== undefined && request.rawBody.length > 0;
  const contentType = request.headers['content-type'];
  if (hasBody || ((request.method === 'POST' || request.method === 'PATCH') && contentType !== undefined)) {
    const [range] = parseMediaRanges(contentType ?? '');
    if (!range || range.type !== JSON_API) {
      throw new MediaTypeError(`Send the request body as ${JSON_API}`);
    }
    if (!onlyJsonApiParameters(range)) {
      throw new MediaTypeError(`${JSON_API} may not be modified by media type parameters other than ext and profile`);
    }
  }
  const accept = request.headers['accept'];
  if (accept === undefined || accept.trim() === '') return;
  const ranges = parseMediaRanges(accept);
  const jsonApi = ranges.filter((range) => range.type === JSON_API);
  if (jsonApi.some((range) => onlyJsonApiParameters(range, ['q']))) return;
  if (jsonApi.length > 0) {
    throw new NotAcceptableError(`Every ${JSON_API} in Accept is modified by media type parameters`);
  }
  if (ranges.some((range) => range.type === '*/*' || range.type === 'application/*')) return;
  throw new NotAcceptableError(`This endpoint answers in ${JSON_API}`);
}

/** Packager routes take JSON; another declared content type is a 415. */
export function requireJsonBody(request: ApiRequest): void {
  const contentType = request.headers['content-type'];
  if (contentType === undefined || request.rawBody === undefined || request.rawBody.length === 0) return;
  const [range] = parseMediaRanges(contentType);
  if (range && (range.type === JSON || range.type.endsWith('+json'))) return;
  throw new MediaTypeError(`Send the request body as ${JSON}`);
}

/**
 * Absolute links, built from the URL the request came in on: scheme and host from the request, and the path before
 * the route (`/v1` on API Gateway's own domain, the base path behind a custom domain).
 */
export function templateLinks(request: ApiRequest): TemplateLinks {
  const host = request.headers['host'] ?? request.event.requestContext?.domainName ?? 'localhost';
  const proto = request.headers['x-forwarded-proto'] ?? (/^(127\.|localhost)/.test(host) ? 'http' : 'https');
  const contextPath = request.event.requestContext?.path ?? `/${request.stage}${request.path}`;
  const base = contextPath.endsWith(request.path)
    ? contextPath.slice(0, contextPath.length - request.path.length)
    : `/${request.stage}`;
  const root = `${proto}://${host}${base}/templates`;
  return {
    self: (id) => `${root}/${encodeURIComponent(id)}`,
    collection: (query) => {
      const search = Object.entries(query)
        .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
        .join('&');
      return search === '' ? root : `${root}?${search}`;
    },
  };
}
