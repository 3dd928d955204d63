import { DEFAULT_MAX_CONCURRENT_WORKFLOWS, MAX_CONCURRENT_WORKFLOWS_LIMIT } from '../domain/types';

/**
 * What the stack hands the workflow API function and the registration custom resource. Read once at cold start: a
 * missing variable fails the first invocation loudly instead of half-working.
 */
export interface WorkflowApiConfig {
  readonly systemTableName: string;
  readonly operationTableName: string;
  readonly stageTableName: string;
  readonly workflowTableName: string;
  readonly executionTableName: string;
  readonly executionStageTableName: string;
  readonly workflowVersionTableName: string;
  /** The one workflow-runner state machine every workflow record points at. */
  readonly stateMachineArn: string;
  readonly schedulerFunctionArn: string;
  readonly dataplaneHandlerArn: string;
  readonly frameworkVersion: string;
  /** Reported by `GET /system/configuration` while the system table holds no `MaxConcurrentWorkflows` item. */
  readonly defaultMaxConcurrentWorkflows: number;
  /**
   * Written into the generated ASL where the original names its filter, operator-failed and complete-stage Lambdas.
   * The ASL is kept for display only (the shared runner executes workflows), so an empty default is harmless.
   */
  readonly engineFunctionArn: string;
}

const REQUIRED = {
  systemTableName: 'SYSTEM_TABLE_NAME',
  operationTableName: 'OPERATION_TABLE_NAME',
  stageTableName: 'STAGE_TABLE_NAME',
  workflowTableName: 'WORKFLOW_TABLE_NAME',
  executionTableName: 'WORKFLOW_EXECUTION_TABLE_NAME',
  executionStageTableName: 'WORKFLOW_EXECUTION_STAGE_TABLE_NAME',
  workflowVersionTableName: 'WORKFLOW_VERSION_TABLE_NAME',
  stateMachineArn: 'STATE_MACHINE_ARN',
  schedulerFunctionArn: 'SCHEDULER_FUNCTION_ARN',
  dataplaneHandlerArn: 'DATAPLANE_HANDLER_ARN',
  frameworkVersion: 'FRAMEWORK_VERSION',
} as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WorkflowApiConfig {
  const missing = Object.values(REQUIRED).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Missing environment variables: ${missing.join(', ')}`);
  const required = Object.fromEntries(
    Object.entries(REQUIRED).map(([key, name]) => [key, env[name] as string]),
  ) as Record<keyof typeof REQUIRED, string>;
  return {
    ...required,
    defaultMaxConcurrentWorkflows: parseMaxConcurrent(env.DEFAULT_MAX_CONCURRENT_WORKFLOWS),
    engineFunctionArn: env.ENGINE_FUNCTION_ARN ?? '',
  };
}

function parseMaxConcurrent(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_MAX_CONCURRENT_WORKFLOWS;
  const parsed = Number(value);
  // The stack parameter has MinValue 1; anything else is a deployment mistake worth failing on.
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_CONCURRENT_WORKFLOWS_LIMIT) {
    throw new Error(
      `DEFAULT_MAX_CONCURRENT_WORKFLOWS must be an integer from 1 to ${MAX_CONCURRENT_WORKFLOWS_LIMIT}, got '${value}'`,
    );
  }
  return parsed;
}
