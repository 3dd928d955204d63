import type { RouteKeyOf } from '../shared/http/router';

/**
 * Every route of M2A Mediapackage v1 (stage `v1`), all signed with SigV4. The stack builds the API Gateway resources
 * from this list and the handler keys its route table from it. Type imports only: the stack loads it without SDK code.
 *
 * The original publishes no paths in its reference; these follow its resource names (packagers, packager actions,
 * packager templates under `/templates`).
 */
export const M2A_ROUTES = [
  { method: 'POST', path: '/packagers', auth: 'iam' },
  { method: 'GET', path: '/packagers/{packager-id}', auth: 'iam' },
  { method: 'PUT', path: '/packagers/{packager-id}', auth: 'iam' },
  { method: 'POST', path: '/packagers/{packager-id}/actions', auth: 'iam' },
  { method: 'GET', path: '/templates', auth: 'iam' },
  { method: 'POST', path: '/templates', auth: 'iam' },
  { method: 'GET', path: '/templates/{template-id}', auth: 'iam' },
  { method: 'PATCH', path: '/templates/{template-id}', auth: 'iam' },
  { method: 'DELETE', path: '/templates/{template-id}', auth: 'iam' },
] as const;

export type M2aRoute = (typeof M2A_ROUTES)[number];

export type M2aRouteKey = RouteKeyOf<M2aRoute>;
