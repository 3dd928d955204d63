import { randomUUID } from 'node:crypto';
import { withLogContext } from '../../../shared/logging';
import { logger } from '../../shared/logger';
import { createWorkflowPorts } from '../adapters';
import { loadConfig } from '../api/config';
import { WorkflowControlPlane, settingsFromConfig } from '../api/control-plane';
import { createRegistrationHandler } from './custom-resource';

const config = loadConfig();
const controlPlane = new WorkflowControlPlane(
  createWorkflowPorts(config),
  settingsFromConfig(config, { newId: randomUUID, now: () => new Date() }),
);

/** The workflow registration custom resource (its ServiceToken is this function). */
export const handler = withLogContext(logger, createRegistrationHandler(controlPlane));
