import { accessDenied, invalid, notFound } from './errors';
import type { ExecutionDescription, ExecutionHistory } from './console-ports';

/**
 * `GET /execution?executionArn=`: a pipeline execution's status, as the original's step operation answers it — the
 * input, output and cause parsed from their JSON text, the cause without its stack trace.
 */

/** The original's `validateStateMachineArn`: an execution named by a uuid, as the pipeline's executions are. */
const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:[a-z\d-]+:\d{12}:execution:[a-zA-Z\d_-]+:[a-fA-F\d]{8}(-[a-fA-F\d]{4}){3}-[a-fA-F\d]{12}$/;

/** The original web app URL-encodes the value before its signer encodes the query again: decode once more. */
export function parseExecutionArn(value: string | undefined): string {
  if (value === undefined || value === '') throw invalid('missing executionArn');
  let arn: string;
  try {
    arn = decodeURIComponent(value);
  } catch {
    throw invalid('invalid executionArn');
  }
  if (!EXECUTION_ARN.test(arn)) throw invalid('invalid executionArn');
  return arn;
}

export interface ExecutionStatus {
  readonly executionArn: string;
  readonly name?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly status?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly cause?: unknown;
  readonly error?: string;
}

export async function executionStatus(executions: ExecutionHistory, executionArn: string): Promise<ExecutionStatus> {
  const execution = await executions.describe(executionArn);
  if (execution === 'missing') throw notFound(`execution ${executionArn} not found`);
  if (execution === 'denied') throw accessDenied(`execution ${executionArn} is not one of this deployment's`);
  return shape(execution);
}

function shape(execution: ExecutionDescription): ExecutionStatus {
  const cause = execution.cause === undefined ? undefined : withoutTrace(parsed(execution.cause));
  return {
    executionArn: execution.executionArn,
    name: execution.name,
    startDate: execution.startDate,
    stopDate: execution.stopDate,
    status: execution.status,
    input: execution.input === undefined ? undefined : parsed(execution.input),
    ...(execution.output === undefined ? {} : { output: parsed(execution.output) }),
    ...(cause === undefined ? {} : { cause }),
    ...(execution.error === undefined ? {} : { error: execution.error }),
  };
}

/**
 * Input and output are JSON by Step Functions' contract; a cause is JSON when a Lambda task failed (`errorMessage`,
 * `errorType`, `trace`) and free text otherwise, which the original fails on and we pass through as text.
 */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function withoutTrace(cause: unknown): unknown {
  if (typeof cause !== 'object' || cause === null || Array.isArray(cause)) return cause;
  const { trace: _trace, ...rest } = cause as Record<string, unknown>;
  return rest;
}
