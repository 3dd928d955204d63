import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { withLogContext, type Logger } from '../logging';
import { HttpError, InternalServerError, MethodNotAllowedError, NotFoundError } from './errors';
import { toApiRequest, type ApiRequest } from './request';
import type { ApiResponse } from './response';

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse> | ApiResponse;

/** `'GET /metadata/{asset_id}'`: the method and the API Gateway resource template, exactly as deployed. */
export type RouteKey = `${string} /${string}` | `${string} /`;

/** The keys of a route list's entries (`{method, path}` → `'METHOD /path'`), for a table typed from the list. */
export type RouteKeyOf<Route> = Route extends {
  readonly method: infer Method extends string;
  readonly path: infer Path extends string;
}
  ? `${Method} ${Path}`
  : never;

export interface ApiHandlerOptions {
  readonly routes: Readonly<Record<RouteKey, RouteHandler>>;
  /** Turns any error into this API's wire format. The only place an API's error body is built. */
  readonly formatError: (error: HttpError) => ApiResponse;
  /** Headers added to every response (CORS, for APIs whose original sends them). */
  readonly defaultHeaders?: Readonly<Record<string, string>>;
  /** The backend's logger: it gets each invocation's context, and the details of errors the caller never sees. */
  readonly logger: Pick<Logger, 'addContext' | 'error'>;
}

/**
 * Builds a Lambda proxy handler that dispatches on the resource template API Gateway matched. Routing does not
 * depend on where the request came from: the local emulator produces the same event.
 */
export function createApiHandler(options: ApiHandlerOptions) {
  const routes = new Map<string, RouteHandler>(Object.entries(options.routes));
  const resources = new Set([...routes.keys()].map((key) => key.slice(key.indexOf(' ') + 1)));

  return withLogContext(options.logger, async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    let response: ApiResponse;
    try {
      const request = toApiRequest(event);
      const route = routes.get(`${request.method} ${request.resource}`);
      if (!route) {
        throw resources.has(request.resource)
          ? new MethodNotAllowedError(`Method ${request.method} is not allowed on ${request.resource}`)
          : new NotFoundError(`No route for ${request.method} ${request.resource}`);
      }
      response = await route(request);
    } catch (error) {
      response = options.formatError(toHttpError(error, options.logger));
    }
    if (options.defaultHeaders) response = { ...response, headers: { ...options.defaultHeaders, ...response.headers } };
    return response;
  });
}

function toHttpError(error: unknown, logger: Pick<Logger, 'error'>): HttpError {
  if (error instanceof HttpError) return error;
  // The caller gets a generic message; the details go to the function's log only.
  logger.error('Unhandled error', { error });
  return new InternalServerError('An internal error occurred');
}
