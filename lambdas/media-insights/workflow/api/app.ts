import {
  BadRequestError,
  createApiHandler,
  jsonBody,
  ok,
  type ApiRequest,
  type RouteHandler,
} from '../../../shared/http';
import { CORS_HEADERS, formatChaliceError, withJsonContentType } from '../../dataplane/chalice';
import { logger } from '../../shared/logger';
import { isForced } from '../domain/validation';
import type { WorkflowRouteKey } from '../routes';
import type { WorkflowControlPlane } from './control-plane';

/**
 * The workflow API's route table: each route parses the request, calls the control plane and answers 200 with what
 * it returns. Errors become chalice's `{Code, Message}` in one place (`formatChaliceError`).
 */
export function createWorkflowRoutes(
  controlPlane: WorkflowControlPlane,
): Readonly<Record<WorkflowRouteKey, RouteHandler>> {
  return {
    'GET /': () => ok({ hello: 'world' }),

    'GET /version': () => ok(controlPlane.version()),

    'GET /system/configuration': async () => ok(await controlPlane.systemConfiguration()),

    'POST /system/configuration': async (request) => ok(await controlPlane.setSystemConfiguration(jsonBody(request))),

    'POST /workflow/operation': async (request) => ok(await controlPlane.createOperation(jsonBody(request))),

    'GET /workflow/operation': async () => ok(await controlPlane.listOperations()),

    // Kept as the original's stub, wording included ("stages" for operations).
    'PUT /workflow/operation': async (request) => ok(await controlPlane.updateOperation(jsonBody(request))),

    'GET /workflow/operation/{name}': async (request) =>
      ok(await controlPlane.getOperation(pathParameter(request, 'name'))),

    'DELETE /workflow/operation/{name}': async (request) =>
      ok(await controlPlane.deleteOperation(pathParameter(request, 'name'), isForced(request.query))),

    'POST /workflow/stage': async (request) => ok(await controlPlane.createStage(jsonBody(request))),

    'GET /workflow/stage': async () => ok(await controlPlane.listStages()),

    'PUT /workflow/stage': async (request) => ok(await controlPlane.updateStage(jsonBody(request))),

    'GET /workflow/stage/{name}': async (request) => ok(await controlPlane.getStage(pathParameter(request, 'name'))),

    'DELETE /workflow/stage/{name}': async (request) =>
      ok(await controlPlane.deleteStage(pathParameter(request, 'name'), isForced(request.query))),

    'POST /workflow': async (request) => ok(await controlPlane.createWorkflow(jsonBody(request))),

    'GET /workflow': async () => ok(await controlPlane.listWorkflows()),

    'PUT /workflow': async (request) => ok(await controlPlane.updateWorkflow(jsonBody(request))),

    'GET /workflow/{name}': async (request) => ok(await controlPlane.getWorkflow(pathParameter(request, 'name'))),

    'DELETE /workflow/{name}': async (request) => ok(await controlPlane.deleteWorkflow(pathParameter(request, 'name'))),

    'GET /workflow/configuration/{name}': async (request) =>
      ok(await controlPlane.workflowConfiguration(pathParameter(request, 'name'))),

    'GET /workflow/list/operation/{operator_name}': async (request) =>
      ok(await controlPlane.workflowsByOperation(pathParameter(request, 'operator_name'))),

    'GET /workflow/list/stage/{stage_name}': async (request) =>
      ok(await controlPlane.workflowsByStage(pathParameter(request, 'stage_name'))),

    'POST /workflow/execution': async (request) => ok(await controlPlane.createExecution(jsonBody(request))),

    'GET /workflow/execution': async () => ok(await controlPlane.listExecutions()),

    'GET /workflow/execution/{id}': async (request) =>
      ok(await controlPlane.getExecution(pathParameter(request, 'id'))),

    'DELETE /workflow/execution/{id}': async (request) =>
      ok(await controlPlane.deleteExecution(pathParameter(request, 'id'))),

    'PUT /workflow/execution/{id}': async (request) =>
      ok(await controlPlane.resumeExecution(pathParameter(request, 'id'), jsonBody(request))),

    'GET /workflow/execution/status/{status}': async (request) =>
      ok(await controlPlane.executionsByStatus(pathParameter(request, 'status'))),

    'GET /workflow/execution/asset/{asset_id}': async (request) =>
      ok(await controlPlane.executionsByAsset(pathParameter(request, 'asset_id'))),
  };
}

/** The Lambda proxy handler for the workflow API, with chalice's conventions (CORS headers, JSON-only bodies). */
export function createWorkflowApiHandler(controlPlane: WorkflowControlPlane) {
  return createApiHandler({
    routes: withJsonContentType(createWorkflowRoutes(controlPlane)),
    formatError: formatChaliceError,
    defaultHeaders: CORS_HEADERS,
    logger,
  });
}

/** API Gateway only matches a template when the parameter is non-empty; a direct invocation might not. */
function pathParameter(request: ApiRequest, name: string): string {
  const value = request.pathParameters[name];
  if (value === undefined || value === '') throw new BadRequestError(`Missing path parameter '${name}'`);
  return value;
}
