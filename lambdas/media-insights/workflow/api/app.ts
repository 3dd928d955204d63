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
import type { ServiceProxyRouteKey, WorkflowRouteKey } from '../routes';
import type { WorkflowControlPlane } from './control-plane';
import type { ServiceProxy } from './service-proxy';

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

/** The `/service/*` proxies to Transcribe and Translate, each answering what the service answered. */
export function createServiceProxyRoutes(proxy: ServiceProxy): Readonly<Record<ServiceProxyRouteKey, RouteHandler>> {
  const post = (call: (body: unknown) => Promise<unknown>): RouteHandler => {
    return async (request) => ok(await call(jsonBody(request)));
  };
  return {
    'POST /service/transcribe/get_vocabulary': post((body) => proxy.getVocabulary(body)),
    'POST /service/transcribe/download_vocabulary': post((body) => proxy.downloadVocabulary(body)),
    'GET /service/transcribe/list_vocabularies': async () => ok(await proxy.listVocabularies()),
    'POST /service/transcribe/delete_vocabulary': post((body) => proxy.deleteVocabulary(body)),
    'POST /service/transcribe/create_vocabulary': post((body) => proxy.createVocabulary(body)),
    'GET /service/transcribe/list_language_models': async () => ok(await proxy.listLanguageModels()),
    'POST /service/transcribe/describe_language_model': post((body) => proxy.describeLanguageModel(body)),
    'POST /service/translate/get_terminology': post((body) => proxy.getTerminology(body)),
    'POST /service/translate/download_terminology': post((body) => proxy.downloadTerminology(body)),
    'GET /service/translate/list_terminologies': async () => ok(await proxy.listTerminologies()),
    'POST /service/translate/delete_terminology': post((body) => proxy.deleteTerminology(body)),
    'POST /service/translate/create_terminology': post((body) => proxy.createTerminology(body)),
    'POST /service/translate/get_parallel_data': post((body) => proxy.getParallelData(body)),
    'POST /service/translate/download_parallel_data': post((body) => proxy.downloadParallelData(body)),
    'GET /service/translate/list_parallel_data': async () => ok(await proxy.listParallelData()),
    'POST /service/translate/delete_parallel_data': post((body) => proxy.deleteParallelData(body)),
    'POST /service/translate/create_parallel_data': post((body) => proxy.createParallelData(body)),
  };
}

/** The Lambda proxy handler for the workflow API, with chalice's conventions (CORS headers, JSON-only bodies). */
export function createWorkflowApiHandler(controlPlane: WorkflowControlPlane, proxy: ServiceProxy) {
  return createApiHandler({
    routes: withJsonContentType({ ...createWorkflowRoutes(controlPlane), ...createServiceProxyRoutes(proxy) }),
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
