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
  // What the original's web app calls besides assets, analysis and search (api/console-routes.ts).
  { method: 'GET', path: '/execution', auth: 'iam', cors: true },
  { method: 'GET', path: '/stats', auth: 'iam', cors: true },
  { method: 'GET', path: '/settings/aioptions', auth: 'iam', cors: true },
  { method: 'POST', path: '/settings/aioptions', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/settings/aioptions', auth: 'iam', cors: true },
  { method: 'GET', path: '/users', auth: 'iam', cors: true },
  { method: 'POST', path: '/users', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/users', auth: 'iam', cors: true },
  { method: 'GET', path: '/rekognition/face-collections', auth: 'iam', cors: true },
  { method: 'GET', path: '/rekognition/face-collection', auth: 'iam', cors: true },
  { method: 'POST', path: '/rekognition/face-collection', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/rekognition/face-collection', auth: 'iam', cors: true },
  { method: 'GET', path: '/rekognition/faces', auth: 'iam', cors: true },
  { method: 'GET', path: '/rekognition/face', auth: 'iam', cors: true },
  { method: 'POST', path: '/rekognition/face', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/rekognition/face', auth: 'iam', cors: true },
  { method: 'GET', path: '/rekognition/custom-label-models', auth: 'iam', cors: true },
  // The original's `/faceindexer/{subop}` operations, one resource each.
  { method: 'GET', path: '/faceindexer', auth: 'iam', cors: true },
  { method: 'DELETE', path: '/faceindexer', auth: 'iam', cors: true },
  { method: 'POST', path: '/faceindexer/index', auth: 'iam', cors: true },
  { method: 'POST', path: '/faceindexer/import', auth: 'iam', cors: true },
  { method: 'POST', path: '/faceindexer/update', auth: 'iam', cors: true },
  { method: 'POST', path: '/attach-policy', auth: 'iam', cors: true },
  { method: 'POST', path: '/genai/{task}', auth: 'iam', cors: true },
  { method: 'GET', path: '/transcribe/custom-vocabularies', auth: 'iam', cors: true },
  { method: 'GET', path: '/transcribe/custom-language-models', auth: 'iam', cors: true },
  { method: 'GET', path: '/comprehend/custom-entity-recognizers', auth: 'iam', cors: true },
] as const;

export type Media2CloudRoute = (typeof MEDIA2CLOUD_ROUTES)[number];

/** `'GET /assets/{uuid}'`: the key the handler's route table uses for each listed route. */
export type Media2CloudRouteKey = RouteKeyOf<Media2CloudRoute>;
