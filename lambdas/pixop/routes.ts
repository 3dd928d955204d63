import type { RouteKeyOf } from '../shared/http/router';

/**
 * Every Pixop route is authenticated (a token, or e-mail and password on the login and some accounts routes), so
 * every route goes through Pixop's own Lambda authorizer, named here and given by the stack.
 */
const PIXOP_AUTHORIZER = { authorizer: 'pixop' } as const;

/**
 * Every route of Pixop's three services, under one REST API whose roots are the services' root paths (`/accounts`,
 * `/videos`, `/media`), as Pixop's clients address them on one host. The stack builds the API from this list and
 * the handler types its route table with it. No imports but types: the stack loads it without SDK code.
 *
 * `scheme`: what the route accepts in `Authorization` — a bearer JWT, or (some accounts routes) HTTP Basic too.
 * `auth`: how API Gateway lets it through (see lib/constructs/rest-api-from-routes.ts).
 */
export const PIXOP_ROUTES = [
  { method: 'GET', path: '/accounts/v1/token', scheme: 'bearer-or-basic', auth: PIXOP_AUTHORIZER },
  { method: 'POST', path: '/accounts/v1/token', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/accounts/v1/account', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/accounts/v1/generate-auth-secret', scheme: 'bearer-or-basic', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/accounts/v1/generate-signature-secret', scheme: 'bearer-or-basic', auth: PIXOP_AUTHORIZER },
  { method: 'POST', path: '/accounts/v1/update-password', scheme: 'bearer-or-basic', auth: PIXOP_AUTHORIZER },

  { method: 'GET', path: '/videos/v1/project/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'POST', path: '/videos/v1/project/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'DELETE', path: '/videos/v1/project/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'PUT', path: '/videos/v1/project', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/videos/v1/projects', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/videos/v1/video/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'DELETE', path: '/videos/v1/video/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'PUT', path: '/videos/v1/video', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/videos/v1/videos', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'POST', path: '/videos/v1/process-video/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/videos/v1/check-process-video-progress/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/videos/v1/check-ingest-video-progress/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },

  { method: 'POST', path: '/media/v1/upload/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'POST', path: '/media/v1/upload/light/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/media/v1/download/original/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'HEAD', path: '/media/v1/download/original/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'GET', path: '/media/v1/download/processed/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
  { method: 'HEAD', path: '/media/v1/download/processed/{id}', scheme: 'bearer', auth: PIXOP_AUTHORIZER },
] as const;

export type PixopRoute = (typeof PIXOP_ROUTES)[number];
export type PixopRouteKey = RouteKeyOf<PixopRoute>;

/** The scheme of a route key, for the authorizer and the handler's authentication step. */
export function routeScheme(key: string): 'bearer' | 'bearer-or-basic' | undefined {
  return PIXOP_ROUTES.find((route) => `${route.method} ${route.path}` === key)?.scheme;
}
