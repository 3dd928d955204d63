import { randomUUID } from 'node:crypto';
import { createApiPorts } from '../adapters';
import { loadApiConfig } from '../config';
import { logger } from '../shared/logger';
import { createM2aApiHandler, createM2aRoutes } from './app';

const config = loadApiConfig();

/** The route table, keyed by M2A_ROUTES. */
export const routes = createM2aRoutes({
  ...createApiPorts(config),
  allowList: config.allowList,
  cloudEnv: config.cloudEnv,
  now: () => new Date(),
  newId: randomUUID,
  log: logger,
});

/** The M2A Mediapackage v1 API function behind the REST API built from M2A_ROUTES (stage `v1`). */
export const handler = createM2aApiHandler(routes);
