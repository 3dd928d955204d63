import { jsonBody, ok, type RouteHandler } from '../../shared/http';
import type { Media2CloudRouteKey } from '../routes';
import { refused, ServiceRefusal } from './domain/errors';
import type { FaceIndexer } from './domain/face-indexer';

type FaceIndexerRouteKey = Extract<Media2CloudRouteKey, `${string} /faceindexer${string}`>;

/** `/faceindexer`: faces of the collections and the names people gave them. */
export function createFaceIndexerRoutes(indexer: FaceIndexer): Readonly<Record<FaceIndexerRouteKey, RouteHandler>> {
  return {
    'GET /faceindexer': (request) => refusing(async () => ok(await indexer.get(request.query))),
    'DELETE /faceindexer': (request) => refusing(async () => ok(await indexer.delete(request.query))),
    'POST /faceindexer/index': (request) => refusing(async () => ok(await indexer.index(jsonBody(request)))),
    'POST /faceindexer/import': (request) => refusing(async () => ok(await indexer.import(jsonBody(request)))),
    'POST /faceindexer/update': (request) => refusing(async () => ok(await indexer.update(jsonBody(request)))),
  };
}

/** Rekognition's refusal (no such collection, an image it cannot read) answers with its status and name. */
async function refusing<T>(route: () => Promise<T>): Promise<T> {
  try {
    return await route();
  } catch (error) {
    throw error instanceof ServiceRefusal ? refused(error) : error;
  }
}
