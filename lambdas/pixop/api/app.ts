import {
  BadRequestError,
  createApiHandler,
  json,
  jsonObjectBody,
  ok,
  UnsupportedMediaTypeError,
  type ApiRequest,
  type ApiResponse,
  type RouteHandler,
} from '../../shared/http';
import { Accounts } from '../domain/accounts';
import { authenticate, type Principal } from '../domain/auth';
import { errorBody } from '../domain/errors';
import { Downloads, Uploads, type DownloadAnswer, type DownloadKind } from '../domain/media';
import { parsePageRequest } from '../domain/pagination';
import type { PixopPorts, PixopSettings } from '../domain/ports';
import { parseProcessRequest } from '../domain/process-request';
import { VideoLibrary } from '../domain/videos';
import { servicesAt, type ServiceUrls } from '../domain/views';
import { routeScheme, type PixopRouteKey } from '../routes';
import { logger } from '../logger';
import { readUploadedFile } from './multipart';

export interface PixopApiDependencies extends PixopPorts {
  readonly settings: PixopSettings;
  readonly now: () => number;
  readonly newId?: () => string;
}

type Authenticated = (request: ApiRequest, principal: Principal, urls: ServiceUrls) => Promise<ApiResponse>;

/** One handler per route of PIXOP_ROUTES; each authenticates as its route demands before anything else. */
export function createPixopRoutes(deps: PixopApiDependencies): Readonly<Record<PixopRouteKey, RouteHandler>> {
  const accounts = new Accounts(deps);
  const library = new VideoLibrary(deps);
  const uploads = new Uploads({ ...deps, library });
  const downloads = new Downloads({ media: deps.media, library });
  const lookups = {
    userById: (id: string) => deps.users.get(id),
    userByEmail: (email: string) => deps.users.getByEmail(email),
  };

  const route =
    (key: PixopRouteKey, handle: Authenticated): RouteHandler =>
    async (request) => {
      const scheme = routeScheme(key) ?? 'bearer';
      // Only a new token may be asked for another of the user's teams.
      const teamId = key === 'GET /accounts/v1/token' ? request.query['team-id'] : undefined;
      const principal = await authenticate(request.headers['authorization'], scheme, lookups, deps.now(), teamId);
      return handle(request, principal, servicesAt(baseUrl(request)));
    };
  const id = (request: ApiRequest) => request.pathParameters['id'] ?? '';

  const routes: Record<PixopRouteKey, RouteHandler> = {
    'GET /accounts/v1/token': route('GET /accounts/v1/token', async (_r, principal) =>
      ok(await accounts.newToken(principal)),
    ),
    'POST /accounts/v1/token': route('POST /accounts/v1/token', async (_r, principal) =>
      ok(await accounts.identity(principal)),
    ),
    'GET /accounts/v1/account': route('GET /accounts/v1/account', async (_r, principal) =>
      ok(await accounts.account(principal)),
    ),
    'GET /accounts/v1/generate-auth-secret': route('GET /accounts/v1/generate-auth-secret', async (_r, principal) =>
      ok(await accounts.rotateAuthKey(principal)),
    ),
    'GET /accounts/v1/generate-signature-secret': route(
      'GET /accounts/v1/generate-signature-secret',
      async (_r, principal) => ok(await accounts.rotateSignatureSecret(principal)),
    ),
    'POST /accounts/v1/update-password': route('POST /accounts/v1/update-password', async (request, principal) =>
      ok(await accounts.updatePassword(principal, jsonObjectBody(request))),
    ),

    'GET /videos/v1/project/{id}': route('GET /videos/v1/project/{id}', async (request, principal) =>
      ok(await library.getProject(principal, id(request))),
    ),
    'POST /videos/v1/project/{id}': route('POST /videos/v1/project/{id}', async (request, principal) =>
      ok(await library.renameProject(principal, id(request), jsonObjectBody(request))),
    ),
    'DELETE /videos/v1/project/{id}': route('DELETE /videos/v1/project/{id}', async (request, principal) =>
      ok(await library.deleteProject(principal, id(request))),
    ),
    'PUT /videos/v1/project': route('PUT /videos/v1/project', async (request, principal) =>
      ok(await library.createProject(principal, jsonObjectBody(request))),
    ),
    'GET /videos/v1/projects': route('GET /videos/v1/projects', async (request, principal, urls) =>
      ok(await library.listProjects(principal, parsePageRequest(request.query), urls)),
    ),
    'GET /videos/v1/video/{id}': route('GET /videos/v1/video/{id}', async (request, principal) =>
      ok(await library.getVideo(principal, id(request))),
    ),
    'DELETE /videos/v1/video/{id}': route('DELETE /videos/v1/video/{id}', async (request, principal) =>
      ok(await library.deleteVideo(principal, id(request))),
    ),
    'PUT /videos/v1/video': route('PUT /videos/v1/video', async (request, principal, urls) =>
      ok(await library.createVideo(principal, optionalObjectBody(request), urls)),
    ),
    'GET /videos/v1/videos': route('GET /videos/v1/videos', async (request, principal, urls) =>
      ok(
        await library.listVideos(
          principal,
          { projectId: request.query['project-id'] || undefined, parentId: request.query['parent-id'] || undefined },
          parsePageRequest(request.query),
          urls,
        ),
      ),
    ),
    'POST /videos/v1/process-video/{id}': route(
      'POST /videos/v1/process-video/{id}',
      async (request, principal, urls) =>
        ok(await library.processVideo(principal, id(request), parseProcessRequest(optionalObjectBody(request)), urls)),
    ),
    'GET /videos/v1/check-process-video-progress/{id}': route(
      'GET /videos/v1/check-process-video-progress/{id}',
      async (request, principal) => ok(await library.processProgress(principal, id(request))),
    ),
    'GET /videos/v1/check-ingest-video-progress/{id}': route(
      'GET /videos/v1/check-ingest-video-progress/{id}',
      async (request, principal) => ok(await library.ingestProgress(principal, id(request))),
    ),

    'POST /media/v1/upload/{id}': route('POST /media/v1/upload/{id}', (request, principal, urls) =>
      upload(uploads, request, principal, urls, false),
    ),
    'POST /media/v1/upload/light/{id}': route('POST /media/v1/upload/light/{id}', (request, principal, urls) =>
      upload(uploads, request, principal, urls, true),
    ),
    'GET /media/v1/download/original/{id}': route('GET /media/v1/download/original/{id}', (request, principal) =>
      download(downloads, request, principal, 'original'),
    ),
    'HEAD /media/v1/download/original/{id}': route('HEAD /media/v1/download/original/{id}', (request, principal) =>
      download(downloads, request, principal, 'original'),
    ),
    'GET /media/v1/download/processed/{id}': route('GET /media/v1/download/processed/{id}', (request, principal) =>
      download(downloads, request, principal, 'processed'),
    ),
    'HEAD /media/v1/download/processed/{id}': route('HEAD /media/v1/download/processed/{id}', (request, principal) =>
      download(downloads, request, principal, 'processed'),
    ),
  };
  return routes;
}

/** The Lambda proxy handler: every error becomes Pixop's `{exception, errorMessage}` with its HTTP status. */
export function createPixopApiHandler(routes: Readonly<Record<PixopRouteKey, RouteHandler>>) {
  return createApiHandler({ routes, logger, formatError: (error) => json(error.statusCode, errorBody(error)) });
}

async function upload(uploads: Uploads, request: ApiRequest, principal: Principal, urls: ServiceUrls, light: boolean) {
  const videoId = request.pathParameters['id'] ?? '';
  const contentType = request.headers['content-type'] ?? '';
  if (/^application\/json/i.test(contentType)) {
    return ok(await uploads.presign(principal, videoId, jsonObjectBody(request), light, urls));
  }
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(
      'Upload media as multipart/form-data (a "file" part), or send JSON {"fileName": …} for a presigned upload',
    );
  }
  if (!request.rawBody?.length) throw new BadRequestError('The upload is empty');
  const file = await readUploadedFile(contentType, request.rawBody);
  return ok(await uploads.upload(principal, videoId, file, light, urls));
}

async function download(downloads: Downloads, request: ApiRequest, principal: Principal, kind: DownloadKind) {
  const answer: DownloadAnswer = await downloads.download(principal, request.pathParameters['id'] ?? '', kind, {
    method: request.method === 'HEAD' ? 'HEAD' : 'GET',
    ifNoneMatch: request.headers['if-none-match'],
    range: request.headers['range'],
  });
  const body = 'body' in answer && answer.body ? answer.body : undefined;
  return {
    statusCode: answer.status,
    headers: answer.headers,
    body: body ? body.toString('base64') : '',
    isBase64Encoded: body !== undefined,
  };
}

function optionalObjectBody(request: ApiRequest): Record<string, unknown> {
  return request.rawBody?.length ? jsonObjectBody(request) : {};
}

/**
 * The API's public base URL as the caller reached it: API Gateway passes the host (`domainName`), the protocol
 * (`X-Forwarded-Proto`) and the path the client requested (`requestContext.path`: stage or custom-domain base path,
 * then the resource path).
 */
export function baseUrl(request: ApiRequest): string {
  const context = request.event.requestContext;
  const host = context?.domainName ?? request.headers['host'] ?? 'localhost';
  const proto = request.headers['x-forwarded-proto']?.split(',')[0]?.trim() || 'https';
  const fullPath = context?.path ?? request.path;
  const prefix = fullPath.endsWith(request.path) ? fullPath.slice(0, fullPath.length - request.path.length) : '';
  return `${proto}://${host}${prefix}`;
}
