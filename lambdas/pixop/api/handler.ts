import { randomUUID } from 'node:crypto';
import { createPixopPorts } from '../adapters';
import { loadConfig, positiveNumber } from '../config';
import { createPixopApiHandler, createPixopRoutes } from './app';

const config = loadConfig([
  'usersTable',
  'teamsTable',
  'projectsTable',
  'videosTable',
  'mediaBucket',
  'ingestStateMachineArn',
  'processStateMachineArn',
  'maxConcurrency',
  'segmentSeconds',
]);

/** The route table, keyed by PIXOP_ROUTES. */
export const routes = createPixopRoutes({
  ...createPixopPorts(config),
  settings: {
    maxConcurrency: positiveNumber(config.maxConcurrency, 'MAX_PARALLEL_SEGMENTS'),
    segmentSeconds: positiveNumber(config.segmentSeconds, 'SEGMENT_SECONDS'),
  },
  now: Date.now,
  newId: randomUUID,
});

/** Pixop's accounts, videos and media services behind one REST API. */
export const handler = createPixopApiHandler(routes);
