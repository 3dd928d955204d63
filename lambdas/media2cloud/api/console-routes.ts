import { jsonBody, ok, type ApiRequest, type RouteHandler } from '../../shared/http';
import type { Media2CloudRouteKey } from '../routes';
import { AiOptionsSettings } from './domain/ai-options-settings';
import type { ConsolePorts } from './domain/console-ports';
import { refused, ServiceRefusal } from './domain/errors';
import { executionStatus, parseExecutionArn } from './domain/executions';
import { deprecatedFaceRoute, FaceCollectionLibrary, parseCollectionId } from './domain/face-collections';
import { GenAi, parseGenAiRequest, parseTokenizeBody } from './domain/genai';
import type { IngestStore, Media2CloudSettings } from './domain/ports';
import { analysisAggregations, overallStats, parseStatsQuery } from './domain/stats';
import { attachStatusPolicy, callerIdentityId } from './domain/status-push';
import { Users } from './domain/users';

/** The routes of the original's web app besides assets, analysis and search. */
export type ConsoleRouteKey = Extract<
  Media2CloudRouteKey,
  `${string} /${'execution' | 'stats' | 'settings' | 'users' | 'rekognition' | 'attach-policy' | 'genai'}${string}`
>;

export interface ConsoleDependencies extends ConsolePorts {
  readonly ingest: Pick<IngestStore, 'summaries'>;
  readonly settings: Pick<Media2CloudSettings, 'defaultAiOptions'>;
}

export function createConsoleRoutes(deps: ConsoleDependencies): Readonly<Record<ConsoleRouteKey, RouteHandler>> {
  const aiOptions = new AiOptionsSettings(deps.aiOptionsSettings, deps.settings.defaultAiOptions);
  const users = new Users(deps.users);
  const collections = new FaceCollectionLibrary(deps.faceCollections);
  const genai = new GenAi(deps.languageModels, deps.tokenizer);
  const routes: Record<ConsoleRouteKey, RouteHandler> = {
    'GET /execution': async (request) =>
      ok(await executionStatus(deps.executions, parseExecutionArn(request.query.executionArn))),

    'GET /stats': async (request) => {
      const query = parseStatsQuery(request.query);
      if (query.aggregate.length > 0)
        return ok(await analysisAggregations(deps.nameCounts, query.aggregate, query.size));
      return ok(overallStats(await deps.ingest.summaries(), query.size));
    },

    'GET /settings/aioptions': async () => ok(await aiOptions.get()),
    'POST /settings/aioptions': async (request) => ok(await aiOptions.set(jsonBody(request))),
    'DELETE /settings/aioptions': async () => ok(await aiOptions.reset()),

    'GET /users': async () => ok(await users.list()),
    'POST /users': async (request) => ok(await users.add(jsonBody(request))),
    'DELETE /users': async (request) => ok(await users.remove(request.query.user)),

    'GET /rekognition/face-collections': async () => ok(await collections.list()),
    'GET /rekognition/face-collection': async (request) =>
      ok(await collections.get(parseCollectionId(request.query.collectionId))),
    'POST /rekognition/face-collection': async (request) =>
      ok(await collections.create(parseCollectionId(bodyField(request, 'collectionId')))),
    'DELETE /rekognition/face-collection': async (request) =>
      ok(await collections.delete(parseCollectionId(request.query.collectionId))),
    'GET /rekognition/faces': deprecatedFaceRoute,
    'GET /rekognition/face': deprecatedFaceRoute,
    'POST /rekognition/face': deprecatedFaceRoute,
    'DELETE /rekognition/face': deprecatedFaceRoute,
    'GET /rekognition/custom-label-models': async () => ok(await collections.customLabelModels()),

    'POST /attach-policy': async (request) => ok(await attachStatusPolicy(deps.statusPush, callerIdentityId(request))),

    'POST /genai/{task}': async (request) => {
      const task = request.pathParameters.task ?? '';
      if (task === 'tokenize') return ok(genai.tokenize(parseTokenizeBody(jsonBody(request))));
      return ok(await genai.ask(parseGenAiRequest(task, jsonBody(request))));
    },
  };
  return withServiceRefusals(routes);
}

/** A service's refusal of the request answers with its status and exception name (`withRequestContext` adds the rest). */
function withServiceRefusals<Key extends string>(routes: Record<Key, RouteHandler>): Record<Key, RouteHandler> {
  const wrapped = {} as Record<Key, RouteHandler>;
  for (const key of Object.keys(routes) as Key[]) {
    const route = routes[key];
    wrapped[key] = async (request) => {
      try {
        return await route(request);
      } catch (error) {
        throw error instanceof ServiceRefusal ? refused(error) : error;
      }
    };
  }
  return wrapped;
}

function bodyField(request: ApiRequest, name: string): unknown {
  const body = jsonBody(request);
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)[name]
    : undefined;
}
