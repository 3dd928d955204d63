import { randomUUID } from 'node:crypto';
import { createMedia2CloudPorts } from './adapters';
import { createMedia2CloudApiHandler, createMedia2CloudRoutes } from './app';
import { loadConfig, settingsFromConfig } from './config';

const config = loadConfig();

/** The route table, keyed by MEDIA2CLOUD_ROUTES. */
export const routes = createMedia2CloudRoutes({
  ...createMedia2CloudPorts(config),
  settings: settingsFromConfig(config),
  now: Date.now,
  newUuid: randomUUID,
});

/** The Media2Cloud v4 API function behind the REST API built from MEDIA2CLOUD_ROUTES (stage `demo`). */
export const handler = createMedia2CloudApiHandler(routes);
