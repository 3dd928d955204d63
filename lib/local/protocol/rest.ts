import type { AwsRequest } from './endpoint';
import { AwsError, type AwsResponse } from './wire';

/** A request matched to a route: its path parameters (decoded) and query parameters. */
export interface RestRequest extends AwsRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

export interface RestRoute {
  readonly method: string;
  /** A URI template as the service model writes it, e.g. `/channels/{Id}` or `/objects/{Key+}`. */
  readonly path: string;
  handle(request: RestRequest): Promise<AwsResponse> | AwsResponse;
}

/**
 * Routes REST requests (REST-JSON and REST-XML services) by method and the service model's URI templates. A path no
 * route knows is the service's 404; a known path with another method is a 405.
 */
export function restRouter(
  routes: readonly RestRoute[],
  notFound: (request: AwsRequest) => AwsError = (request) =>
    new AwsError('NotFoundException', `No route for ${request.method} ${request.rawPath}`, 404),
): (request: AwsRequest) => Promise<AwsResponse> {
  const compiled = routes.map((route) => ({ route, ...compileTemplate(route.path) }));
  return async (request) => {
    let pathMatched = false;
    for (const { route, pattern, names } of compiled) {
      const match = pattern.exec(request.rawPath);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method.toUpperCase()) continue;
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = decodeURIComponent(match[index + 1] ?? '');
      });
      return route.handle({ ...request, params, query: new URLSearchParams(request.rawQuery) });
    }
    if (pathMatched) throw new AwsError('MethodNotAllowedException', 'Method not allowed', 405);
    throw notFound(request);
  };
}

function compileTemplate(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const greedy = /^\{([^}]+)\+\}$/.exec(segment);
      if (greedy?.[1]) {
        names.push(greedy[1]);
        return '(.+)';
      }
      const param = /^\{([^}]+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), names };
}
