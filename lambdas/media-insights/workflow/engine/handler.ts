import type { Context } from 'aws-lambda';
import { NamedRecordTable } from '../../tables/definitions';
import { documentClient } from '../../tables/document-client';
import { ExecutionTable } from '../../tables/executions';
import { SlotTable } from '../../tables/slots';
import { isObject } from '../domain/validation';
import type { Operation, OperatorObject } from '../domain/types';
import { LambdaFunctionInvoker } from './adapters/functions';
import { requiredEnv } from './config';
import { WorkflowEngine } from './engine';

/** Time kept back from each invocation so a long-running operator hands over cleanly instead of timing out. */
const SAFETY_MARGIN_MS = 15_000;

const invoker = new LambdaFunctionInvoker();
const schedulerFunctionArn = requiredEnv('SCHEDULER_FUNCTION_ARN');
const engine = new WorkflowEngine({
  executions: new ExecutionTable(documentClient, {
    executions: requiredEnv('WORKFLOW_EXECUTION_TABLE_NAME'),
    stages: requiredEnv('WORKFLOW_EXECUTION_STAGE_TABLE_NAME'),
  }),
  operations: new NamedRecordTable<Operation>(documentClient, requiredEnv('OPERATION_TABLE_NAME')),
  invoker,
  slots: new SlotTable(documentClient, requiredEnv('SLOT_TABLE_NAME')),
  requestScheduling: (reason) =>
    invoker.invokeAsync(schedulerFunctionArn, { action: 'schedule', reason, requestedAt: Date.now() }),
});

type EngineEvent =
  | { action: 'runOperation'; ExecutionId: string; StageName: string; Name: string; Continuation?: { Cause?: string } }
  | { action: 'completeStage'; ExecutionId: string; StageName: string; Outputs: unknown };

/** The workflow runner state machine's tasks: run one operation, complete one stage. */
export async function handler(event: EngineEvent, context: Context): Promise<unknown> {
  switch (event.action) {
    case 'runOperation':
      return engine.runOperation(
        { ...event, Continuation: continuation(event.Continuation) },
        {
          budgetMs: () => context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        },
      );
    case 'completeStage':
      return engine.completeStage(event);
    default:
      throw new Error(`Unknown engine action ${(event as { action?: unknown }).action as string}`);
  }
}

/**
 * The state machine loops on "still running" by catching the error into `$.Continuation`: its Cause is the Lambda
 * error JSON whose message is the operator object to continue monitoring.
 */
function continuation(caught: { Cause?: string } | undefined): OperatorObject | undefined {
  if (!caught?.Cause) return undefined;
  const cause: unknown = JSON.parse(caught.Cause);
  const message = isObject(cause) && typeof cause.errorMessage === 'string' ? cause.errorMessage : caught.Cause;
  const operator: unknown = JSON.parse(message);
  return isObject(operator) ? (operator as unknown as OperatorObject) : undefined;
}
