import {
  HttpError,
  InternalServerError,
  UnsupportedMediaTypeError,
  json,
  type ApiRequest,
  type ApiResponse,
  type RouteHandler,
} from '../../shared/http';

/**
 * The original is a chalice app; these are the conventions chalice imposes on every response, in one place.
 */

/** What chalice's `cors=True` adds to every response of a route (API Gateway answers the OPTIONS preflight). */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token,X-Api-Key',
};

/** chalice's error body: `{"Code": <error class name>, "Message": <text>}`. */
export function formatChaliceError(error: HttpError): ApiResponse {
  // chalice answers an unhandled exception with this exact text; the details stay in the log.
  const message = error instanceof InternalServerError ? 'An internal server error occurred.' : error.message;
  return json(error.statusCode, { Code: error.code, Message: message });
}

/**
 * A view that returns a Python string: chalice sends it as the raw body, not as a JSON string, and API Gateway labels
 * it application/json. Clients of the original (e.g. its web app, with `responseType: 'text'`) rely on the raw text.
 */
export function chaliceText(body: string): ApiResponse {
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body };
}

/**
 * chalice accepts only `application/json` request bodies on every route unless told otherwise, and treats a request
 * without a Content-Type as JSON.
 */
export function requireJsonContentType(request: ApiRequest): void {
  const contentType = request.headers['content-type'] ?? 'application/json';
  const lowerCase = contentType.toLowerCase();
  const parts = lowerCase.split(/[,;]/).map((part) => part.trim());
  if (!lowerCase.includes('*/*') && !parts.includes('application/json')) {
    throw new UnsupportedMediaTypeError(`Unsupported media type: ${contentType}`, 'UnsupportedMediaType');
  }
}

export function withJsonContentType<Key extends string>(
  routes: Readonly<Record<Key, RouteHandler>>,
): Record<Key, RouteHandler> {
  const guarded = {} as Record<Key, RouteHandler>;
  for (const key of Object.keys(routes) as Key[]) {
    const route = routes[key];
    guarded[key] = (request) => {
      requireJsonContentType(request);
      return route(request);
    };
  }
  return guarded;
}
