import type { RouteKeyOf } from '../shared/http/router';

/**
 * Every route of the Media2Cloud v4 RESTful API that mediaplane serves (stage `demo`). The CDK stack builds the API
 * Gateway resources from this list and the handler keys its route table from it, so the deployed API and the code
 * that serves it cannot drift apart. Type imports only: the stack must load it without SDK code.
 *
 * The original routes `/{operation}` and `/{operation}/{uuid+}` to one function and dispatches inside it; explicit
 * resources let API Gateway answer unknown paths itself and keep `{uuid}` a single path segment.
 *
 * `auth` says who may call a route (`iam`: SigV4, as the original); `cors` asks for an OPTIONS preflight.
 */
export const MEDIA2CLOUD_ROUTES = [
  { method: 'GET', path: '/assets', auth: 'iam', cors: true },
  { method: 'POST', path: '/assets', auth: 'iam', cors: true },
  { method: 'GET', path: '/assets/{uuid}', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/assets/{uuid}', auth: 'iam', cors: true },
  { method: 'GET', path: '/analysis/{uuid}', auth: 'iam', cors: true },
  { method: 'POST', path: '/analysis/{uuid}', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/analysis/{uuid}', auth: 'iam', cors: true },
  { method: 'GET', path: '/search', auth: 'iam', cors: true },
  { method: 'GET', path: '/search/{uuid}', auth: 'iam', cors: true },
  { method: 'GET', path: '/transcribe/custom-vocabularies', auth: 'iam', cors: true },
  { method: 'GET', path: '/transcribe/custom-language-models', auth: 'iam', cors: true },
  { method: 'GET', path: '/comprehend/custom-entity-recognizers', auth: 'iam', cors: true },
] as const;

export type Media2CloudRoute = (typeof MEDIA2CLOUD_ROUTES)[number];

/** `'GET /assets/{uuid}'`: the key the handler's route table uses for each listed route. */
export type Media2CloudRouteKey = RouteKeyOf<Media2CloudRoute>;
