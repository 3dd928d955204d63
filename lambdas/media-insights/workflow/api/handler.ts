import { randomUUID } from 'node:crypto';
import { createWorkflowPorts } from '../adapters';
import { createWorkflowApiHandler } from './app';
import { loadConfig } from './config';
import { WorkflowControlPlane, settingsFromConfig } from './control-plane';

const config = loadConfig();
const controlPlane = new WorkflowControlPlane(
  createWorkflowPorts(config),
  settingsFromConfig(config, { newId: randomUUID, now: () => new Date() }),
);

/** The workflow (control plane) API function behind the REST API built from WORKFLOW_ROUTES. */
export const handler = createWorkflowApiHandler(controlPlane);
