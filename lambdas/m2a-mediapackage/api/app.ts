import { createApiHandler } from '../../shared/http';
import { BadRequestError, HttpError, InternalServerError } from '../../shared/http/errors';
import { jsonBody, type ApiRequest } from '../../shared/http/request';
import type { RouteHandler } from '../../shared/http/router';
import type { M2aRouteKey } from '../routes';
import type { CallbackAllowList } from '../domain/callback-targets';
import { InvalidInputError } from '../domain/errors';
import { PackagerService, type ErrorLog } from '../domain/packager-service';
import { logger } from '../shared/logger';
import { Permissions } from '../domain/permissions';
import type {
  GrantSource,
  Orchestration,
  PackagerStore,
  StateNotifications,
  TargetAccountDirectory,
  TemplateStore,
} from '../domain/ports';
import { TemplateLibrary } from '../domain/template-library';
import { parseFieldsetQuery, parseTemplateListQuery } from '../domain/template-query';
import { isUuid } from '../domain/validation';
import {
  JSON_API,
  formatError,
  jsonApiDocument,
  jsonDocument,
  negotiateJsonApi,
  requireJsonBody,
  templateLinks,
} from './wire';

export interface M2aApiDependencies {
  readonly packagers: PackagerStore;
  readonly templates: TemplateStore;
  readonly targetAccounts: TargetAccountDirectory;
  readonly grants: GrantSource;
  readonly orchestration: Orchestration;
  readonly notifications: StateNotifications;
  readonly allowList: CallbackAllowList;
  readonly cloudEnv: string;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly log: ErrorLog;
}

/** One handler per route in M2A_ROUTES; the type makes a missing or extra route a compile error. */
export function createM2aRoutes(deps: M2aApiDependencies): Readonly<Record<M2aRouteKey, RouteHandler>> {
  const packagers = new PackagerService(deps);
  const templates = new TemplateLibrary(deps);
  const permissionsOf = async (request: ApiRequest) =>
    new Permissions(request.callerArn ? await deps.grants.grantsFor(request.callerArn) : []);

  return {
    'POST /packagers': async (request) => {
      requireJsonBody(request);
      const packager = await packagers.create(await permissionsOf(request), jsonBody(request));
      return jsonDocument(201, packager, { Location: `${request.path}/${String(packager.id)}` });
    },

    'GET /packagers/{packager-id}': async (request) =>
      jsonDocument(200, await packagers.get(await permissionsOf(request), packagerId(request))),

    'PUT /packagers/{packager-id}': async (request) => {
      requireJsonBody(request);
      const id = packagerId(request);
      return jsonDocument(200, await packagers.update(await permissionsOf(request), id, jsonBody(request)));
    },

    'POST /packagers/{packager-id}/actions': async (request) => {
      requireJsonBody(request);
      const id = packagerId(request);
      // Accepted: the orchestration runs on; the packager's state and callbacks tell how it ends.
      return jsonDocument(202, await packagers.act(await permissionsOf(request), id, jsonBody(request)));
    },

    'GET /templates': jsonApiRoute(async (request) => {
      const query = parseTemplateListQuery(request.multiValueQuery);
      return jsonApiDocument(200, await templates.list(await permissionsOf(request), query, templateLinks(request)));
    }),

    'POST /templates': jsonApiRoute(async (request) => {
      const { fields } = parseFieldsetQuery(request.multiValueQuery);
      const created = await templates.create(
        await permissionsOf(request),
        jsonApiBody(request),
        fields,
        templateLinks(request),
      );
      const self = (created.data.links as { self: string }).self;
      return jsonApiDocument(201, created, { Location: self });
    }),

    'GET /templates/{template-id}': jsonApiRoute(async (request) => {
      const { fields } = parseFieldsetQuery(request.multiValueQuery);
      const id = templateId(request);
      return jsonApiDocument(
        200,
        await templates.get(await permissionsOf(request), id, fields, templateLinks(request)),
      );
    }),

    'PATCH /templates/{template-id}': jsonApiRoute(async (request) => {
      const { fields } = parseFieldsetQuery(request.multiValueQuery);
      const id = templateId(request);
      const updated = await templates.update(
        await permissionsOf(request),
        id,
        jsonApiBody(request),
        fields,
        templateLinks(request),
      );
      return jsonApiDocument(200, updated);
    }),

    'DELETE /templates/{template-id}': jsonApiRoute(async (request) => {
      const { fields } = parseFieldsetQuery(request.multiValueQuery);
      const id = templateId(request);
      return jsonApiDocument(
        200,
        await templates.remove(await permissionsOf(request), id, fields, templateLinks(request)),
      );
    }),
  };
}

/** The Lambda proxy handler; packager routes answer errors as JSON, template routes (wrapped) as JSON:API. */
export function createM2aApiHandler(routes: Readonly<Record<M2aRouteKey, RouteHandler>>) {
  return createApiHandler({ routes, logger, formatError: (error) => formatError(error, 'application/json') });
}

/** Template routes negotiate JSON:API first and answer their errors in its media type. */
function jsonApiRoute(route: RouteHandler): RouteHandler {
  return async (request) => {
    try {
      negotiateJsonApi(request);
      return await route(request);
    } catch (error) {
      if (error instanceof HttpError) return formatError(error, JSON_API);
      logger.error('Unhandled error', { error });
      return formatError(new InternalServerError('An internal error occurred'), JSON_API);
    }
  };
}

function jsonApiBody(request: ApiRequest): unknown {
  try {
    return jsonBody(request);
  } catch (error) {
    if (error instanceof BadRequestError) throw new InvalidInputError(error.message, { pointer: '' });
    throw error;
  }
}

function packagerId(request: ApiRequest): string {
  const id = request.pathParameters['packager-id'];
  if (!isUuid(id)) throw new InvalidInputError('packager-id must be a UUID', { parameter: 'packager-id' });
  return id.toLowerCase();
}

function templateId(request: ApiRequest): string {
  const id = request.pathParameters['template-id'];
  if (!isUuid(id)) throw new InvalidInputError('template-id must be a UUID', { parameter: 'template-id' });
  return id.toLowerCase();
}
