import { randomUUID } from 'node:crypto';
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
export const handler = createRegistrationHandler(controlPlane);
