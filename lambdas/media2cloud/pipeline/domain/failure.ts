/** What a Catch puts at its ResultPath: the failed state's error name and cause. */
export interface CaughtError {
  readonly Error?: string;
  readonly Cause?: string;
}

const MAX_DEPTH = 8;

/**
 * The message a person should read for a caught failure. A Lambda failure's cause is the runtime's JSON
 * (`{errorType, errorMessage}`); a failed nested execution's cause is its DescribeExecution view, whose own
 * `Cause` holds the failure inside it, possibly nested again. The innermost `errorMessage` wins; an execution
 * that was stopped says so.
 */
export function failureMessage(error: CaughtError | undefined): string {
  return describe(error?.Error, error?.Cause, 0) ?? 'the workflow failed without saying why';
}

function describe(name: string | undefined, cause: string | undefined, depth: number): string | undefined {
  if (cause === undefined || cause.length === 0) return name;
  let parsed: unknown;
  try {
    parsed = JSON.parse(cause);
  } catch {
    return cause;
  }
  if (typeof parsed !== 'object' || parsed === null || depth >= MAX_DEPTH) return cause;
  const view = parsed as Record<string, unknown>;
  if (typeof view.errorMessage === 'string') return view.errorMessage;
  if (view.Status === 'ABORTED') return `${String(view.ExecutionArn ?? 'a nested execution')} was stopped`;
  if (view.Status === 'TIMED_OUT') return `${String(view.ExecutionArn ?? 'a nested execution')} timed out`;
  const innerName = typeof view.Error === 'string' ? view.Error : undefined;
  const innerCause = typeof view.Cause === 'string' ? view.Cause : undefined;
  if (innerName !== undefined || innerCause !== undefined) return describe(innerName, innerCause, depth + 1) ?? name;
  return cause;
}
