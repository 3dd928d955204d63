import { randomUUID } from 'node:crypto';
import { createApiHandler, jsonBody, ok, type RouteHandler } from '../../shared/http';
import { logger } from '../shared/logger';
import { createDataplaneStorage } from './adapters';
import { CORS_HEADERS, chaliceText, formatChaliceError, withJsonContentType } from './chalice';
import { loadConfig } from './config';
import { Dataplane } from './domain/dataplane';
import {
  parseIdParameter,
  parseLockedBy,
  parseMediaObjectRef,
  parseNewAsset,
  parseOperatorParameter,
  parsePaginationMode,
  parseStoreMetadata,
} from './domain/validation';
import type { DataplaneRouteKey } from './routes';

const config = loadConfig();
const dataplane = new Dataplane({
  ...createDataplaneStorage(config),
  bucket: config.bucket,
  frameworkVersion: config.frameworkVersion,
  now: Date.now,
  newAssetId: randomUUID,
});

/** One handler per route in DATAPLANE_ROUTES; the type makes a missing or extra route a compile error. */
export const routes: Readonly<Record<DataplaneRouteKey, RouteHandler>> = {
  'GET /': () => ok({ hello: 'world' }),

  'GET /version': () => ok(dataplane.version()),

  'POST /upload': async (request) =>
    ok(await dataplane.uploadForm(parseMediaObjectRef(jsonBody(request), 'uploading'))),

  'POST /download': async (request) =>
    chaliceText(await dataplane.downloadUrl(parseMediaObjectRef(jsonBody(request), 'downloading'))),

  'GET /mediapath/{asset_id}/{workflow_id}': (request) =>
    ok(
      dataplane.mediaPath(
        parseIdParameter(request.pathParameters, 'asset_id'),
        parseIdParameter(request.pathParameters, 'workflow_id'),
      ),
    ),

  'POST /create': async (request) => ok(await dataplane.createAsset(parseNewAsset(jsonBody(request)))),

  'GET /metadata': async () => ok(await dataplane.listAssets()),

  'POST /metadata/{asset_id}': async (request) => {
    const assetId = parseIdParameter(request.pathParameters, 'asset_id');
    // Results go to S3 as JSON, not to DynamoDB: operators' large integers (MediaInfo's track ids) are kept exact.
    const body = jsonBody(request, 'exact');
    const mode = parsePaginationMode(request.query);
    return ok(await dataplane.storeMetadata(assetId, parseStoreMetadata(body, assetId), mode));
  },

  'GET /metadata/{asset_id}': async (request) =>
    ok(await dataplane.assetMetadata(parseIdParameter(request.pathParameters, 'asset_id'), request.query['cursor'])),

  'DELETE /metadata/{asset_id}': async (request) =>
    chaliceText(await dataplane.deleteAsset(parseIdParameter(request.pathParameters, 'asset_id'))),

  'GET /metadata/{asset_id}/{operator_name}': async (request) =>
    ok(
      await dataplane.operatorMetadata(
        parseIdParameter(request.pathParameters, 'asset_id'),
        parseOperatorParameter(request.pathParameters, 'operator_name'),
        request.query['cursor'],
      ),
    ),

  'DELETE /metadata/{asset_id}/{operator_name}': async (request) =>
    ok(
      await dataplane.deleteOperatorMetadata(
        parseIdParameter(request.pathParameters, 'asset_id'),
        parseOperatorParameter(request.pathParameters, 'operator_name'),
      ),
    ),

  'POST /checkout/{asset_id}': async (request) => {
    const assetId = parseIdParameter(request.pathParameters, 'asset_id');
    return ok(await dataplane.checkout(assetId, parseLockedBy(jsonBody(request))));
  },

  'POST /checkin/{asset_id}': async (request) =>
    chaliceText(await dataplane.checkin(parseIdParameter(request.pathParameters, 'asset_id'))),

  'GET /checkouts': async () => ok(await dataplane.checkouts()),
};

export const handler = createApiHandler({
  routes: withJsonContentType(routes),
  formatError: formatChaliceError,
  defaultHeaders: CORS_HEADERS,
  logger,
});
