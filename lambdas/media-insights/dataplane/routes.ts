import type { RouteKeyOf } from '../../shared/http/router';

/**
 * Every route of the Media Insights on AWS data plane API, as the original chalice app declares them. The CDK stack
 * builds the API Gateway resources from this list and the handler keys its route table from it, so the deployed API
 * and the code that serves it cannot drift apart. Type imports only: the stack must load it without SDK code.
 *
 * `auth` says who may call a route (`iam`: SigV4, `none`: anyone); `cors` marks routes the original declared with
 * `cors=True` (API Gateway needs an OPTIONS preflight for them).
 */
export const DATAPLANE_ROUTES = [
  { method: 'GET', path: '/', auth: 'none', cors: false },
  { method: 'GET', path: '/version', auth: 'iam', cors: true },
  { method: 'POST', path: '/upload', auth: 'iam', cors: true },
  { method: 'POST', path: '/download', auth: 'iam', cors: true },
  { method: 'GET', path: '/mediapath/{asset_id}/{workflow_id}', auth: 'iam', cors: true },
  { method: 'POST', path: '/create', auth: 'iam', cors: true },
  { method: 'GET', path: '/metadata', auth: 'iam', cors: true },
  { method: 'POST', path: '/metadata/{asset_id}', auth: 'iam', cors: true },
  { method: 'GET', path: '/metadata/{asset_id}', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/metadata/{asset_id}', auth: 'iam', cors: true },
  { method: 'GET', path: '/metadata/{asset_id}/{operator_name}', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/metadata/{asset_id}/{operator_name}', auth: 'iam', cors: true },
  { method: 'POST', path: '/checkout/{asset_id}', auth: 'iam', cors: true },
  { method: 'POST', path: '/checkin/{asset_id}', auth: 'iam', cors: true },
  { method: 'GET', path: '/checkouts', auth: 'iam', cors: true },
] as const;

export type DataplaneRoute = (typeof DATAPLANE_ROUTES)[number];

/** `'GET /metadata/{asset_id}'`: the key the handler's route table uses for each listed route. */
export type DataplaneRouteKey = RouteKeyOf<DataplaneRoute>;
