import type { Operation, WorkflowExecution, WorkflowStatus } from '../domain/types';

/** What the engine reads and writes of workflow executions. */
export interface ExecutionStore {
  get(id: string): Promise<WorkflowExecution | undefined>;
  /** Replaces the record only while its status is still `expectedStatus`; false when it is not (or is gone). */
  replaceIf(execution: WorkflowExecution, expectedStatus: WorkflowStatus): Promise<boolean>;
  /** Sets the status (and message) only while it is one of `from`; false when it is not. */
  transition(
    id: string,
    from: readonly WorkflowStatus[],
    to: WorkflowStatus,
    extra?: { Message?: string; StateMachineExecutionArn?: string },
  ): Promise<boolean>;
  /** Executions in one status, oldest `Created` first. */
  listByStatus(status: WorkflowStatus): Promise<WorkflowExecution[]>;
}

export interface OperationStore {
  get(name: string): Promise<Operation | undefined>;
}

/** `MaxConcurrentWorkflows` as configured now (system table, else the stack default). */
export interface SystemConfiguration {
  maxConcurrentWorkflows(): Promise<number>;
}

/** A running-workflow slot held by one execution. */
export interface Slot {
  readonly slot: number;
  readonly executionId: string;
  readonly claimedAt: number;
}

/**
 * Slots for running workflows. Each slot is one item claimed with a conditional write, so two schedulers can never
 * hand the same slot out twice, and a release names its holder, so it is idempotent.
 */
export interface SlotStore {
  list(): Promise<Slot[]>;
  claim(slot: number, executionId: string, now: number): Promise<boolean>;
  release(slot: number, executionId: string): Promise<void>;
}

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
