import type { WorkflowControlPlane } from '../api/control-plane';
import { describeEntryError, type RegisteredNames, type Registration } from './properties';

/**
 * Registers operations (each with its singleton stage), then stages, then workflows — each step embeds what the one
 * before stored. Definitions the custom resource registered before are replaced, so a retried or updated resource
 * converges on its properties.
 */
export async function register(controlPlane: WorkflowControlPlane, registration: Registration): Promise<void> {
  for (const [index, operation] of registration.operations.entries()) {
    await step(`Operations[${index}]`, () => controlPlane.createOperation(operation, 'custom-resource'));
  }
  for (const [index, stage] of registration.stages.entries()) {
    await step(`Stages[${index}]`, () => controlPlane.createStage(stage, 'custom-resource'));
  }
  for (const [index, workflow] of registration.workflows.entries()) {
    await step(`Workflows[${index}]`, () => controlPlane.createWorkflow(workflow, 'custom-resource'));
  }
  if (registration.maxConcurrentWorkflows !== undefined) {
    await controlPlane.seedMaxConcurrentWorkflows(registration.maxConcurrentWorkflows);
  }
}

/** Removes, forced, what the custom resource registered, in the reverse order; anything else is left alone. */
export async function unregister(controlPlane: WorkflowControlPlane, names: RegisteredNames): Promise<void> {
  for (const name of names.workflows) await controlPlane.unregister('Workflow', name);
  for (const name of names.stages) await controlPlane.unregister('Stage', name);
  for (const name of names.operations) await controlPlane.unregister('Operation', name);
}

async function step(entry: string, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    throw describeEntryError(entry, error);
  }
}
