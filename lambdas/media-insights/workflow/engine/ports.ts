import type { OperationTable } from '../../tables/definitions';
import type { ExecutionTable } from '../../tables/executions';
import type { SlotTable } from '../../tables/slots';

export type { Slot } from '../../tables/slots';

/** What the engine reads and writes of workflow executions. */
export type ExecutionStore = Pick<
  ExecutionTable,
  | 'header'
  | 'stageContext'
  | 'stageOperations'
  | 'recordOutput'
  | 'stageOutputs'
  | 'stageState'
  | 'completeStage'
  | 'transition'
  | 'recordsInStatus'
>;

export type OperationStore = Pick<OperationTable, 'get'>;

/** `MaxConcurrentWorkflows` as configured now (system table, else the stack default). */
export interface SystemConfiguration {
  maxConcurrentWorkflows(): Promise<number>;
}

/** Slots for running workflows (see `SlotTable`). */
export type SlotStore = Pick<SlotTable, 'list' | 'claim' | 'release'>;

export type InvokeResult =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

/** Calls operator functions (start and monitor Lambdas) and the engine's own functions. */
export interface FunctionInvoker {
  invoke(functionArn: string, payload: unknown): Promise<InvokeResult>;
  /** Fire-and-forget (Lambda `Event` invocation). */
  invokeAsync(functionArn: string, payload: unknown): Promise<void>;
}

export interface StateMachineRunner {
  /** Starts the workflow runner; an execution of that name already running counts as started. */
  start(name: string, input: unknown): Promise<string>;
  stop(executionArn: string, error: string, cause: string): Promise<void>;
  startDate(executionArn: string): Promise<Date | undefined>;
}
