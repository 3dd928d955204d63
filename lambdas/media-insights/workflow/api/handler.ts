import { randomUUID } from 'node:crypto';
import { TranscribeCustomizations } from '../../../shared/ai/transcribe';
import { TranslateCustomizations } from '../../../shared/ai/translate';
import { createWorkflowPorts } from '../adapters';
import { createWorkflowApiHandler } from './app';
import { loadConfig } from './config';
import { WorkflowControlPlane, settingsFromConfig } from './control-plane';
import { ServiceProxy } from './service-proxy';

const config = loadConfig();
const controlPlane = new WorkflowControlPlane(
  createWorkflowPorts(config),
  settingsFromConfig(config, { newId: randomUUID, now: () => new Date() }),
);

const serviceProxy = new ServiceProxy({
  transcribe: new TranscribeCustomizations(),
  translate: new TranslateCustomizations(),
});

/** The workflow (control plane) API function behind the REST API built from WORKFLOW_API_ROUTES. */
export const handler = createWorkflowApiHandler(controlPlane, serviceProxy);
