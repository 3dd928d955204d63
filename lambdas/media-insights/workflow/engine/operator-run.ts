import { filterOperation } from '../domain/records';
import {
  OperationStatus,
  type Operation,
  type OperationConfiguration,
  type OperatorObject,
  type StageContext,
} from '../domain/types';
import type { FunctionInvoker, InvokeResult } from './ports';

/** The error name the engine raises when an async operator outlives one engine invocation; the ASL loops on it. */
export const STILL_RUNNING_ERROR = 'MediaInsights.OperatorStillRunning';

export class OperatorStillRunning extends Error {
  constructor(readonly operator: OperatorObject) {
    super(JSON.stringify(operator));
    this.name = STILL_RUNNING_ERROR;
  }
}

export interface OperatorRunOptions {
  readonly invoker: FunctionInvoker;
  /** Milliseconds this invocation may still spend polling before handing over to the next one. */
  readonly budgetMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * The original polls an async operator's monitor every 10 s through Wait states (3 state transitions a poll). The
 * engine polls inside one invocation instead, quickly at first and then once a second, so a finished job is noticed
 * within a second and waiting costs no state transitions at all.
 */
export const POLL_DELAYS_MS: readonly number[] = [100, 200, 400, 800];
export const MAX_POLL_DELAY_MS = 1000;

/**
 * Runs one operation of a stage as the original's operation branch does: filter (Skipped by media type or
 * `Enabled`), start, and for async operators monitor until the status is no longer `Executing`. Operator failures
 * become an `Error` output with a message, never an exception; only "still running" escapes, to be continued.
 */
export async function runOperation(
  execution: StageContext,
  stageName: string,
  operation: Operation,
  options: OperatorRunOptions,
  continuation?: OperatorObject,
): Promise<OperatorObject> {
  let current = continuation ?? startingObject(execution, stageName, operation);
  if (!continuation) {
    if (current.Status === OperationStatus.Skipped) return current;
    current = await call(operation.StartLambdaArn, current, operation, options.invoker);
    if (operation.Type === 'Sync') return settle(current);
  }
  if (!operation.MonitorLambdaArn) return failed(current, `${operation.Name}Error`, 'Async operation has no monitor');

  for (let attempt = 0; current.Status === OperationStatus.Executing; attempt += 1) {
    const delay = POLL_DELAYS_MS[attempt] ?? MAX_POLL_DELAY_MS;
    if (options.budgetMs() < delay) throw new OperatorStillRunning(current);
    await options.sleep(delay);
    current = await call(operation.MonitorLambdaArn, current, operation, options.invoker);
  }
  return settle(current);
}

/** The operator object a branch starts with: the stage input, this execution's configuration, Started or Skipped. */
export function startingObject(execution: StageContext, stageName: string, operation: Operation): OperatorObject {
  const stage: StageContext['Workflow']['Stages'][string] | undefined = execution.Workflow.Stages[stageName];
  if (!stage) throw new Error(`Stage ${stageName} is not part of workflow execution ${execution.Id}`);
  const configuration: OperationConfiguration = stage.Configuration[operation.Name] ?? operation.Configuration;
  return filterOperation({
    Name: operation.Name,
    AssetId: execution.AssetId,
    WorkflowExecutionId: execution.Id,
    Input: stage.Input ?? execution.Globals,
    Configuration: configuration,
  });
}

async function call(
  functionArn: string,
  input: OperatorObject,
  operation: Operation,
  invoker: FunctionInvoker,
): Promise<OperatorObject> {
  let result: InvokeResult;
  try {
    result = await invoker.invoke(functionArn, input);
  } catch (error) {
    return failed(input, `${operation.Name}Error`, `Unable to invoke ${functionArn}: ${(error as Error).message}`);
  }
  if (result.ok) {
    const payload = result.payload;
    if (
      typeof payload !== 'object' ||
      payload === null ||
      typeof (payload as { Status?: unknown }).Status !== 'string'
    ) {
      return failed(input, `${operation.Name}Error`, `Operator returned no Status: ${JSON.stringify(payload)}`);
    }
    return { ...input, ...(payload as Partial<OperatorObject>) } as OperatorObject;
  }
  return fromOperatorError(input, result.errorType, result.errorMessage);
}

/**
 * The original's convention: an operator raises `MasExecutionError` whose message is its output object, so the
 * metadata it recorded (its error description) survives. Any other error is recorded as `<Name>Error`.
 */
export function fromOperatorError(input: OperatorObject, errorType: string, errorMessage: string): OperatorObject {
  if (errorType === 'MasExecutionError') {
    const parsed = parseObject(errorMessage);
    if (parsed) {
      return {
        ...input,
        Status: OperationStatus.Error,
        MetaData: { ...input.MetaData, ...((parsed.MetaData as Record<string, unknown> | undefined) ?? {}) },
        Media: (parsed.Media as OperatorObject['Media'] | undefined) ?? input.Media,
      };
    }
  }
  return failed(input, `${input.Name}Error`, `${errorType}: ${errorMessage}`);
}

function settle(output: OperatorObject): OperatorObject {
  // Anything but Complete fails the stage, exactly as the original's "Did <op> Complete" choice.
  if (output.Status === OperationStatus.Complete || output.Status === OperationStatus.Error) return output;
  return failed(output, `${output.Name}Error`, `Operator ended with status ${output.Status}`, output.Status);
}

function failed(
  input: OperatorObject,
  key: string,
  message: string,
  status: string = OperationStatus.Error,
): OperatorObject {
  return { ...input, Status: status, MetaData: { ...input.MetaData, [key]: message } };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
