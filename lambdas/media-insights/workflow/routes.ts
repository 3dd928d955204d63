import type { RouteKeyOf } from '../../shared/http/router';

/**
 * Every route of the Media Insights on AWS workflow (control plane) API, as the original chalice app declares them
 * (`source/workflowapi/app.py`; its Transcribe/Translate proxies are `SERVICE_PROXY_ROUTES` below). The CDK stack builds the API Gateway
 * resources from this list and the handler keys its route table from it, so the deployed API and the code that serves
 * it cannot drift apart. Type imports only: the stack must load it without SDK code.
 *
 * Path parameters are lower case, as in the original's templates (its public docs write `{Name}`, `{Id}`, …).
 * `auth` says who may call a route (`iam`: SigV4, `none`: anyone); `cors` marks routes the original declared with
 * `cors=True`.
 */
export const WORKFLOW_ROUTES = [
  { method: 'GET', path: '/', auth: 'none', cors: false },
  { method: 'GET', path: '/version', auth: 'iam', cors: true },
  { method: 'GET', path: '/system/configuration', auth: 'iam', cors: true },
  { method: 'POST', path: '/system/configuration', auth: 'iam', cors: true },
  { method: 'POST', path: '/workflow/operation', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/operation', auth: 'iam', cors: true },
  { method: 'PUT', path: '/workflow/operation', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/operation/{name}', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/workflow/operation/{name}', auth: 'iam', cors: true },
  { method: 'POST', path: '/workflow/stage', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/stage', auth: 'iam', cors: true },
  { method: 'PUT', path: '/workflow/stage', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/stage/{name}', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/workflow/stage/{name}', auth: 'iam', cors: true },
  { method: 'POST', path: '/workflow', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow', auth: 'iam', cors: true },
  { method: 'PUT', path: '/workflow', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/{name}', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/workflow/{name}', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/configuration/{name}', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/list/operation/{operator_name}', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/list/stage/{stage_name}', auth: 'iam', cors: true },
  { method: 'POST', path: '/workflow/execution', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/execution', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/execution/{id}', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/workflow/execution/{id}', auth: 'iam', cors: true },
  { method: 'PUT', path: '/workflow/execution/{id}', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/execution/status/{status}', auth: 'iam', cors: true },
  { method: 'GET', path: '/workflow/execution/asset/{asset_id}', auth: 'iam', cors: true },
] as const;

export type WorkflowRoute = (typeof WORKFLOW_ROUTES)[number];

/** `'GET /workflow/{name}'`: the key the handler's route table uses for each listed route. */
export type WorkflowRouteKey = RouteKeyOf<WorkflowRoute>;

/**
 * The original's proxies to Transcribe and Translate customizations (`/service/transcribe/*`,
 * `/service/translate/*`): listings are GETs, everything else a POST with a JSON body, all signed with SigV4.
 */
export const SERVICE_PROXY_ROUTES = [
  { method: 'POST', path: '/service/transcribe/get_vocabulary', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/transcribe/download_vocabulary', auth: 'iam', cors: true },
  { method: 'GET', path: '/service/transcribe/list_vocabularies', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/transcribe/delete_vocabulary', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/transcribe/create_vocabulary', auth: 'iam', cors: true },
  { method: 'GET', path: '/service/transcribe/list_language_models', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/transcribe/describe_language_model', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/translate/get_terminology', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/translate/download_terminology', auth: 'iam', cors: true },
  { method: 'GET', path: '/service/translate/list_terminologies', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/translate/delete_terminology', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/translate/create_terminology', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/translate/get_parallel_data', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/translate/download_parallel_data', auth: 'iam', cors: true },
  { method: 'GET', path: '/service/translate/list_parallel_data', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/translate/delete_parallel_data', auth: 'iam', cors: true },
  { method: 'POST', path: '/service/translate/create_parallel_data', auth: 'iam', cors: true },
] as const;

export type ServiceProxyRouteKey = RouteKeyOf<(typeof SERVICE_PROXY_ROUTES)[number]>;

/** Everything the workflow API function serves: the API Gateway resources are built from this list. */
export const WORKFLOW_API_ROUTES = [...WORKFLOW_ROUTES, ...SERVICE_PROXY_ROUTES] as const;
