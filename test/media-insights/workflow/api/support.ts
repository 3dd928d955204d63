import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DeleteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OPERATION_TABLE, STAGE_TABLE, WORKFLOW_TABLE } from '../../../../lambdas/media-insights/tables/definitions';
import { EXECUTION_STAGE_TABLE } from '../../../../lambdas/media-insights/tables/execution-stages';
import { EXECUTION_TABLE } from '../../../../lambdas/media-insights/tables/executions';
import { WORKFLOW_VERSION_TABLE } from '../../../../lambdas/media-insights/tables/workflow-versions';
import { SLOT_TABLE } from '../../../../lambdas/media-insights/tables/slots';
import { SYSTEM_TABLE } from '../../../../lambdas/media-insights/tables/system';
import type { WorkflowControlPlane } from '../../../../lambdas/media-insights/workflow/api/control-plane';
import type { StateMachineExecutions } from '../../../../lambdas/media-insights/workflow/api/ports';
import type { FunctionInvoker } from '../../../../lambdas/media-insights/workflow/adapters/lambda-invoker';
import {
  callApi,
  provisionDataplane,
  startLocalEngines,
  type ApiCall,
  type LambdaHandler,
  type LocalEngines,
} from '../../dataplane/support';
import { createTable } from '../../../support/tables';

/** The environment the stack gives the workflow API function, with names local to these tests. */
export const WORKFLOW_ENV = {
  SYSTEM_TABLE_NAME: 'mie-system',
  OPERATION_TABLE_NAME: 'mie-operation',
  STAGE_TABLE_NAME: 'mie-stage',
  WORKFLOW_TABLE_NAME: 'mie-workflow',
  WORKFLOW_EXECUTION_TABLE_NAME: 'mie-workflow-execution',
  WORKFLOW_EXECUTION_STAGE_TABLE_NAME: 'mie-workflow-execution-stage',
  WORKFLOW_VERSION_TABLE_NAME: 'mie-workflow-version',
  SLOT_TABLE_NAME: 'mie-slot',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:mie-workflow-runner',
  SCHEDULER_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:mie-workflow-scheduler',
  DATAPLANE_HANDLER_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:mie-dataplane-api',
  FRAMEWORK_VERSION: 'v5.1.8',
  DEFAULT_MAX_CONCURRENT_WORKFLOWS: '5',
  ENGINE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:mie-workflow-engine',
} as const;

/** The workflow tables as the stack creates them, from the schemas their modules declare. */
export async function provisionWorkflowTables(dynamo: DynamoDBClient): Promise<void> {
  Object.assign(process.env, WORKFLOW_ENV);
  await createTable(dynamo, WORKFLOW_ENV.SYSTEM_TABLE_NAME, SYSTEM_TABLE);
  await createTable(dynamo, WORKFLOW_ENV.OPERATION_TABLE_NAME, OPERATION_TABLE);
  await createTable(dynamo, WORKFLOW_ENV.STAGE_TABLE_NAME, STAGE_TABLE);
  await createTable(dynamo, WORKFLOW_ENV.WORKFLOW_TABLE_NAME, WORKFLOW_TABLE);
  await createTable(dynamo, WORKFLOW_ENV.WORKFLOW_EXECUTION_TABLE_NAME, EXECUTION_TABLE);
  await createTable(dynamo, WORKFLOW_ENV.WORKFLOW_EXECUTION_STAGE_TABLE_NAME, EXECUTION_STAGE_TABLE);
  await createTable(dynamo, WORKFLOW_ENV.WORKFLOW_VERSION_TABLE_NAME, WORKFLOW_VERSION_TABLE);
  await createTable(dynamo, WORKFLOW_ENV.SLOT_TABLE_NAME, SLOT_TABLE);
}

/** Removes every item of a table whose key is `keyName`. */
export async function clearTable(dynamo: DynamoDBClient, tableName: string, keyName: string): Promise<void> {
  const { Items } = await dynamo.send(new ScanCommand({ TableName: tableName }));
  for (const item of Items ?? []) {
    await dynamo.send(
      new DeleteItemCommand({ TableName: tableName, Key: { [keyName]: item[keyName] as AttributeValue } }),
    );
  }
}

type FunctionBody = (payload: unknown) => Promise<unknown>;

/**
 * Lambda invocations in this process: synchronous ones run the named function's handler (as Lambda would, on a
 * JSON copy of the payload); asynchronous ones are recorded, or refused while `failAsync` is set.
 */
export class InProcessInvoker implements FunctionInvoker {
  readonly asyncInvocations: { functionName: string; payload: unknown }[] = [];
  failAsync = false;

  constructor(private readonly functions: Readonly<Record<string, FunctionBody>>) {}

  async invoke(functionName: string, payload: unknown): Promise<unknown> {
    const body = this.functions[functionName];
    if (!body) throw new Error(`No function ${functionName} in this test`);
    return JSON.parse(JSON.stringify((await body(JSON.parse(JSON.stringify(payload)))) ?? null));
  }

  async invokeAsync(functionName: string, payload: unknown): Promise<void> {
    if (this.failAsync) throw new Error('Rate exceeded');
    this.asyncInvocations.push({ functionName, payload: JSON.parse(JSON.stringify(payload)) });
  }

  /** The scheduler requests made so far, in order. */
  scheduleRequests(): unknown[] {
    return this.asyncInvocations
      .filter(({ functionName }) => functionName === WORKFLOW_ENV.SCHEDULER_FUNCTION_ARN)
      .map(({ payload }) => payload);
  }
}

export class RecordingStateMachines implements StateMachineExecutions {
  readonly stopped: { executionArn: string; error: string; cause: string }[] = [];

  async stop(executionArn: string, error: string, cause: string): Promise<void> {
    this.stopped.push({ executionArn, error, cause });
  }
}

export interface WorkflowTestbed {
  readonly engines: LocalEngines;
  readonly controlPlane: WorkflowControlPlane;
  /** The workflow API handler on real DynamoDB tables, the real data plane, and recorded scheduler/SFN calls. */
  readonly handler: LambdaHandler;
  readonly dataplane: LambdaHandler;
  readonly invoker: InProcessInvoker;
  readonly stateMachines: RecordingStateMachines;
  stop(): Promise<void>;
}

/**
 * Starts dynalite and the local S3 engine, creates the data plane's and the workflow API's tables, and builds the workflow API
 * with its real DynamoDB adapters and a data plane reached through an in-process "Lambda invoke" of the data plane
 * handler. Modules that create SDK clients are loaded only now, after the endpoints are in the environment.
 */
export async function startWorkflowTestbed(): Promise<WorkflowTestbed> {
  const engines = await startLocalEngines();
  await provisionDataplane(engines);
  await provisionWorkflowTables(engines.dynamo);

  const { handler: dataplane } = await import('../../../../lambdas/media-insights/dataplane/handler');
  const { createWorkflowPorts } = await import('../../../../lambdas/media-insights/workflow/adapters');
  const { loadConfig } = await import('../../../../lambdas/media-insights/workflow/api/config');
  const { WorkflowControlPlane, settingsFromConfig } =
    await import('../../../../lambdas/media-insights/workflow/api/control-plane');
  const { createWorkflowApiHandler } = await import('../../../../lambdas/media-insights/workflow/api/app');
  const { ServiceProxy } = await import('../../../../lambdas/media-insights/workflow/api/service-proxy');

  const invoker = new InProcessInvoker({
    [WORKFLOW_ENV.DATAPLANE_HANDLER_ARN]: (event) => dataplane(event as APIGatewayProxyEvent),
  });
  const stateMachines = new RecordingStateMachines();
  const config = loadConfig();
  const controlPlane = new WorkflowControlPlane(
    { ...createWorkflowPorts(config, invoker), stateMachines },
    settingsFromConfig(config, { newId: randomUUID, now: () => new Date() }),
  );
  return {
    engines,
    controlPlane,
    // The control plane's tests do not reach the /service/* proxies (see service-proxy.test.ts).
    handler: createWorkflowApiHandler(controlPlane, new ServiceProxy({ transcribe: {}, translate: {} } as never)),
    dataplane,
    invoker,
    stateMachines,
    stop: () => engines.stop(),
  };
}

export { callApi, type ApiCall, type LambdaHandler };
