/**
 * What a Task state reports to the interpreter when it fails: `name` is the error Retry/Catch match (`ErrorEquals`)
 * and `message` becomes the `Cause`. Never set `cause` on it: the interpreter would prefer it to `message`.
 */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * AWS never lets Retry or Catch (not even `States.ALL`) handle `States.Runtime`; the interpreter honours these two
 * flags on any error, so this behaves like its own non-exported StatesRuntimeError.
 */
export class TaskRuntimeFailure extends TaskFailure {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(cause: string) {
    super('States.Runtime', cause);
  }
}
