import type { StateMachine } from 'aws-local-stepfunctions';
import { TaskFailure } from './task-failure';

/**
 * Step Functions' hard quota on the input or output of a task, a state or an execution: 256 KiB of JSON as UTF-8.
 * StartExecution answers a larger input itself; inside an execution, exceeding it is `States.DataLimitExceeded`.
 */
export const MAX_PAYLOAD_BYTES = 262_144;

export const DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';

type ErrorLists = ReadonlyArray<{ readonly ErrorEquals?: readonly string[] }>;

interface StateErrorHandling {
  readonly Retry?: ErrorLists;
  readonly Catch?: ErrorLists;
}

/**
 * `States.DataLimitExceeded`. AWS calls it terminal: `States.ALL` (and `States.TaskFailed`) never retry or catch it,
 * yet a Retrier or Catcher that names it does. The interpreter has no such rule: it asks the error `isRetryable` once
 * per Retrier and `isCatchable` once per Catcher, in order, right after announcing the failure of the state that will
 * handle it (`dispatchStateFailedEvent`, seen by `installPayloadLimits`). So the error answers each question for the
 * Retrier or Catcher being tried: yes only where its ErrorEquals names the error.
 */
export class DataLimitExceeded extends TaskFailure {
  private retriers: readonly boolean[] = [];
  private catchers: readonly boolean[] = [];
  private retryReads = 0;
  private catchReads = 0;

  constructor(cause: string) {
    super(DATA_LIMIT_EXCEEDED, cause);
  }

  /** Called when a state is about to try its Retry and Catch fields on this error. */
  handledBy(state: StateErrorHandling | undefined): void {
    const namesIt = (list: ErrorLists | undefined) =>
      (list ?? []).map((entry) => (entry.ErrorEquals ?? []).includes(DATA_LIMIT_EXCEEDED));
    this.retriers = namesIt(state?.Retry);
    this.catchers = namesIt(state?.Catch);
    this.retryReads = 0;
    this.catchReads = 0;
  }

  get isRetryable(): boolean {
    return this.retriers[this.retryReads++] ?? false;
  }

  get isCatchable(): boolean {
    return this.catchers[this.catchReads++] ?? false;
  }
}

/** The UTF-8 size of a payload as Step Functions measures it: its JSON text. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null));
}

/** The Cause AWS reports when a task or state produced too much: `label` is the task's resource, or the state's name. */
export function resultTooLarge(label: string): DataLimitExceeded {
  return new DataLimitExceeded(
    `The state/task '${label}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  );
}

export function inputTooLarge(stateName: string): DataLimitExceeded {
  return new DataLimitExceeded(
    `The state/task '${stateName}' has an input with a size exceeding the maximum number of bytes service limit.`,
  );
}

interface InterpreterEventLogger {
  dispatchStateEnteredEvent(stateName: string, stateType: string, input: unknown): void;
  dispatchStateExitedEvent(stateName: string, stateType: string, input: unknown, output: unknown): void;
  dispatchStateFailedEvent(stateName: string, stateType: string, input: unknown, error: unknown): void;
}

interface InterpreterRunOptions {
  readonly eventLogger: InterpreterEventLogger;
}

type InterpreterExecute = (
  this: { readonly definition: { readonly States: Record<string, StateErrorHandling> } },
  input: unknown,
  options: InterpreterRunOptions,
  cleanup: () => void,
) => Promise<unknown>;

const INSTALLED = Symbol.for('mediaplane.local.stepfunctions.payloadLimits');

/**
 * Makes the interpreter enforce the quota on every state of every execution, Map iterations and Parallel branches
 * included (each runs as a machine of its own): a state entered with, or leaving with, more than 256 KiB fails the
 * execution (or the iteration or branch, whose Map or Parallel state then fails with the same error). The interpreter
 * reports each state's input and output through its event logger, synchronously between two states; that logger is
 * the one hook it has, so the check wraps it. Task inputs and results are checked by the service itself, where the
 * task's own Retry and Catch apply.
 */
export function installPayloadLimits(machine: typeof StateMachine): void {
  const prototype = machine.prototype as unknown as { execute: InterpreterExecute } & Record<symbol, boolean>;
  if (prototype[INSTALLED]) return;
  prototype[INSTALLED] = true;
  const execute = prototype.execute;
  prototype.execute = function (input, options, cleanup) {
    const states = this.definition.States;
    const logger = options.eventLogger;
    const checked: InterpreterEventLogger = {
      dispatchStateEnteredEvent: (stateName, stateType, stateInput) => {
        if (payloadBytes(stateInput) > MAX_PAYLOAD_BYTES) throw inputTooLarge(stateName);
        logger.dispatchStateEnteredEvent(stateName, stateType, stateInput);
      },
      dispatchStateExitedEvent: (stateName, stateType, stateInput, output) => {
        if (payloadBytes(output) > MAX_PAYLOAD_BYTES) throw resultTooLarge(stateName);
        logger.dispatchStateExitedEvent(stateName, stateType, stateInput, output);
      },
      dispatchStateFailedEvent: (stateName, stateType, stateInput, error) => {
        if (error instanceof DataLimitExceeded) error.handledBy(states[stateName]);
        logger.dispatchStateFailedEvent(stateName, stateType, stateInput, error);
      },
    };
    const eventLogger = new Proxy(logger, {
      get: (target, property) => {
        if (typeof property === 'string' && property in checked) return checked[property as keyof typeof checked];
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    return execute.call(this, input, { ...options, eventLogger }, cleanup);
  };
}
