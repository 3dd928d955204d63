import { BadRequestError, createApiHandler, jsonBody, ok, type ApiRequest, type RouteHandler } from '../../shared/http';
import { parseSearchRequest } from '../search';
import type { Media2CloudRouteKey } from '../routes';
import { logger } from '../shared/logger';
import { AnalysisResults } from './domain/analysis';
import { createConsoleRoutes } from './console-routes';
import { AssetLibrary } from './domain/assets';
import { createCustomizationRoutes } from './customization-routes';
import { AiCustomizations } from './domain/customizations';
import { FaceIndexer } from './domain/face-indexer';
import { createFaceIndexerRoutes } from './face-indexer-routes';
import { parseAssetListQuery } from './domain/listing';
import type { Media2CloudDependencies } from './domain/ports';
import { parseAnalysisBody, parseIngestBody, parseUuid } from './domain/validation';
import { CORS_HEADERS, formatMedia2CloudError, withRequestContext } from './wire';

/** One handler per route in MEDIA2CLOUD_ROUTES; the type makes a missing or extra route a compile error. */
export function createMedia2CloudRoutes(
  deps: Media2CloudDependencies,
): Readonly<Record<Media2CloudRouteKey, RouteHandler>> {
  const assets = new AssetLibrary(deps);
  const analysis = new AnalysisResults(deps);
  return {
    'GET /assets': async (request) => ok(await assets.list(parseAssetListQuery(request.query))),

    'POST /assets': async (request) => ok(await assets.ingest(parseIngestBody(jsonBody(request)))),

    'GET /assets/{uuid}': async (request) => ok(await assets.get(uuidParameter(request))),

    'DELETE /assets/{uuid}': async (request) => ok(await assets.remove(uuidParameter(request))),

    'GET /analysis/{uuid}': async (request) => ok(await analysis.get(uuidParameter(request))),

    'POST /analysis/{uuid}': async (request) => {
      const uuid = uuidParameter(request);
      return ok(await analysis.rerun(uuid, parseAnalysisBody(jsonBody(request), uuid)));
    },

    'DELETE /analysis/{uuid}': async (request) => ok(await analysis.remove(uuidParameter(request))),

    'GET /search': async (request) => ok(await deps.search.search(parseSearchRequest({ query: request.query }))),

    'GET /search/{uuid}': async (request) =>
      ok(await deps.search.search(parseSearchRequest({ query: request.query, uuid: pathUuid(request) }))),

    ...createConsoleRoutes(deps),
    ...createFaceIndexerRoutes(new FaceIndexer(deps)),
    ...createCustomizationRoutes(
      new AiCustomizations(deps.customizations, (what, error) =>
        logger.warn(`Listing custom ${what} failed; answering none`, { error }),
      ),
    ),
  };
}

/** The Lambda proxy handler: errors become `{errorCode, errorName, errorMessage}` with the original's CORS headers. */
export function createMedia2CloudApiHandler(routes: Readonly<Record<Media2CloudRouteKey, RouteHandler>>) {
  return createApiHandler({
    routes: withRequestContext(routes),
    formatError: formatMedia2CloudError,
    defaultHeaders: CORS_HEADERS,
    logger,
  });
}

function uuidParameter(request: ApiRequest): string {
  return parseUuid(pathUuid(request));
}

/** API Gateway only matches `{uuid}` when it is non-empty; a direct invocation might not. */
function pathUuid(request: ApiRequest): string {
  const uuid = request.pathParameters['uuid'];
  if (uuid === undefined || uuid === '') throw new BadRequestError('invalid uuid');
  return uuid;
}
