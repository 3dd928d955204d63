import { randomUUID } from 'node:crypto';
import { parseLambdaFunction, type LambdaFunctionReference } from './arn';
import { MAX_TIMER_SECONDS, type TaskStateDefinition } from './definition';
import { StepFunctionsApiError } from './errors';
import { parseTaskResource, type StartExecutionPattern } from './resources';
import { TaskFailure, TaskRuntimeFailure } from './task-failure';
import type { TaskTokenRegistry } from './task-tokens';
import type { ExecutionRecord, InvokeLambda, JsonValue } from './types';

/**
 * The interpreter enforces a Task's TimeoutSeconds itself (with the error Retry/Catch expect). Work it abandons is
 * cleaned up this long afterwards, so the interpreter's timeout always wins the race.
 */
const ABANDONED_TASK_GRACE_MS = 250;

/** What the task runner needs from the service hosting it. */
export interface TaskEnvironment {
  readonly region: string;
  readonly accountId: string;
  readonly invokeLambda: InvokeLambda;
  readonly invokeLambdaAsync: (functionArn: string, payload: unknown) => void;
  readonly taskTokens: TaskTokenRegistry;
  startExecution(input: ChildExecutionInput): Promise<{ executionArn: string; startDate: Date }>;
  /** Resolves with the execution's record once it is no longer RUNNING. */
  waitForExecution(executionArn: string): Promise<ExecutionRecord>;
  /** Stops a child whose parent gave up on it, as AWS does for `.sync` children. */
  stopChildExecution(executionArn: string, cause: string): void;
}

export interface ChildExecutionInput {
  readonly stateMachineArn: string;
  readonly name?: string;
  readonly input: string;
  readonly traceHeader?: string;
}

/** One attempt of one Task state, as the interpreter hands it over. */
export interface TaskInvocation {
  readonly executionArn: string;
  readonly stateName: string;
  readonly state: TaskStateDefinition;
  /** The effective input: the state input after InputPath and Parameters. */
  readonly input: JsonValue;
  /** What `$$.Task.Token` evaluated to; replaced by a fresh token in callback tasks. */
  readonly taskTokenPlaceholder: string;
  /** Registers cleanup to run if the execution ends while this attempt is still pending. */
  track(cancel: (reason: Error) => void): () => void;
}

export async function runTask(env: TaskEnvironment, invocation: TaskInvocation): Promise<JsonValue> {
  const resource = parseTaskResource(invocation.state.Resource);
  if (!resource) {
    throw new TaskRuntimeFailure(`Task resource ${invocation.state.Resource} is not supported in local mode`);
  }
  switch (resource.kind) {
    case 'lambdaFunction': {
      const target = resolveFunction(env, resource.functionArn);
      return toJson(await invokeFunction(env, target.functionArn, invocation.input));
    }
    case 'lambdaInvoke':
      return resource.waitForTaskToken
        ? waitForTaskToken(env, invocation, (input) => startLambdaInvoke(env, input).then(() => undefined))
        : lambdaInvokeResult(await startLambdaInvoke(env, invocation.input));
    case 'startExecution':
      return runStartExecution(env, invocation, resource.pattern);
  }
}

interface LambdaInvocation {
  readonly target: LambdaFunctionReference;
  readonly statusCode: number;
  readonly payload: unknown;
}

async function startLambdaInvoke(env: TaskEnvironment, input: JsonValue): Promise<LambdaInvocation> {
  const parameters = requireObject(input, 'lambda:invoke');
  if (typeof parameters.FunctionName !== 'string') {
    throw new TaskRuntimeFailure('The Parameters of a lambda:invoke task must include a FunctionName string');
  }
  const target = resolveFunction(env, parameters.FunctionName);
  // Lambda receives no payload when none is given; its runtimes then hand the handler an empty object.
  const payload = parameters.Payload ?? {};
  if (parameters.InvocationType === 'Event') {
    // An asynchronous invocation reports only that it was queued: function errors never reach the state machine; they
    // are Lambda's to retry and send to the function's on-failure destination.
    try {
      env.invokeLambdaAsync(target.functionArn, payload);
    } catch (error) {
      throw toLambdaFailure(error);
    }
    return { target, statusCode: 202, payload: '' };
  }
  return { target, statusCode: 200, payload: await invokeFunction(env, target.functionArn, payload) };
}

/** The `lambda:invoke` integration wraps the function's result the way the Lambda Invoke API response looks. */
function lambdaInvokeResult({ target, statusCode, payload }: LambdaInvocation): JsonValue {
  const executedVersion =
    target.qualifier !== undefined && /^\d+$/.test(target.qualifier) ? target.qualifier : '$LATEST';
  const requestId = randomUUID();
  const headers = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': executedVersion,
    'x-amzn-RequestId': requestId,
  };
  return {
    ExecutedVersion: executedVersion,
    Payload: toJson(payload),
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}

async function invokeFunction(env: TaskEnvironment, functionArn: string, payload: unknown): Promise<unknown> {
  try {
    return await env.invokeLambda(functionArn, payload);
  } catch (error) {
    throw toLambdaFailure(error);
  }
}

/**
 * Shapes a function error as Step Functions reports it: the error type as `Error`, and as `Cause` the JSON error
 * payload the Lambda runtime produced (`{"errorType","errorMessage",...}`).
 */
function toLambdaFailure(error: unknown): TaskFailure {
  if (!(error instanceof Error)) return new TaskFailure('Lambda.Unknown', `The function failed: ${String(error)}`);
  const errorType = error.name || 'Error';
  if (errorType.startsWith('Lambda.') || isLambdaErrorPayload(error.message)) {
    return new TaskFailure(errorType, error.message);
  }
  const trace = (error as { trace?: unknown }).trace;
  const payload = { errorType, errorMessage: error.message, ...(Array.isArray(trace) ? { trace } : {}) };
  return new TaskFailure(errorType, JSON.stringify(payload));
}

function isLambdaErrorPayload(message: string): boolean {
  try {
    const parsed = JSON.parse(message) as unknown;
    return typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed;
  } catch {
    return false;
  }
}

async function runStartExecution(
  env: TaskEnvironment,
  invocation: TaskInvocation,
  pattern: StartExecutionPattern,
): Promise<JsonValue> {
  if (pattern === 'waitForTaskToken') {
    return waitForTaskToken(env, invocation, (input) => startChild(env, input).then(() => undefined));
  }
  const child = await startChild(env, invocation.input);
  if (pattern === 'requestResponse') {
    return { ExecutionArn: child.executionArn, StartDate: child.startDate.getTime() };
  }
  let cancel!: (reason: Error) => void;
  const cancelled = new Promise<never>((_, reject) => (cancel = reject));
  // A cancel that lands after the child finished has nobody left to tell.
  cancelled.catch(() => undefined);
  const release = whenAbandoned(invocation, (reason) => {
    env.stopChildExecution(child.executionArn, `The parent execution ${invocation.executionArn} stopped waiting`);
    cancel(reason);
  });
  try {
    const record = await Promise.race([env.waitForExecution(child.executionArn), cancelled]);
    const description = describeChild(record, pattern === 'sync:2');
    // A failed child fails the parent's task with its whole description as the Cause, as AWS reports it.
    if (record.status !== 'SUCCEEDED') throw new TaskFailure('States.TaskFailed', JSON.stringify(description));
    return description;
  } finally {
    release();
  }
}

async function startChild(env: TaskEnvironment, input: JsonValue): Promise<{ executionArn: string; startDate: Date }> {
  const parameters = requireObject(input, 'states:startExecution');
  if (typeof parameters.StateMachineArn !== 'string') {
    throw new TaskRuntimeFailure(
      'The Parameters of a states:startExecution task must include a StateMachineArn string',
    );
  }
  const childInput = parameters.Input;
  try {
    return await env.startExecution({
      stateMachineArn: parameters.StateMachineArn,
      name: typeof parameters.Name === 'string' ? parameters.Name : undefined,
      input: childInput === undefined ? '{}' : typeof childInput === 'string' ? childInput : JSON.stringify(childInput),
      traceHeader: typeof parameters.TraceHeader === 'string' ? parameters.TraceHeader : undefined,
    });
  } catch (error) {
    if (!(error instanceof StepFunctionsApiError)) throw error;
    const exception = error.code.endsWith('Exception') ? error.code : `${error.code}Exception`;
    throw new TaskFailure(`StepFunctions.${exception}`, error.message);
  }
}

/** The DescribeExecution view a `.sync` task returns; `.sync:2` parses Input and Output instead of leaving strings. */
function describeChild(record: ExecutionRecord, parseJson: boolean): JsonValue {
  const data = (value: string | undefined): JsonValue | undefined =>
    value === undefined || !parseJson ? value : (JSON.parse(value) as JsonValue);
  const description: Record<string, JsonValue | undefined> = {
    ExecutionArn: record.executionArn,
    Input: data(record.input),
    InputDetails: { Included: true },
    Name: record.name,
    Output: data(record.output),
    OutputDetails: record.output === undefined ? undefined : { Included: true },
    StartDate: record.startDate,
    StateMachineArn: record.stateMachineArn,
    Status: record.status,
    StopDate: record.stopDate,
    Error: record.error,
    Cause: record.cause,
  };
  return toJson(description);
}

/**
 * The callback pattern: hand a fresh token to the worker (through the effective input, where `$$.Task.Token`
 * put a placeholder) and complete the task when SendTaskSuccess/SendTaskFailure arrives for it. A failure to start
 * the worker fails the task at once.
 */
async function waitForTaskToken(
  env: TaskEnvironment,
  invocation: TaskInvocation,
  start: (input: JsonValue) => Promise<void>,
): Promise<JsonValue> {
  const issued = env.taskTokens.issue({
    executionArn: invocation.executionArn,
    stateName: invocation.stateName,
    heartbeatSeconds: invocation.state.HeartbeatSeconds,
  });
  const release = whenAbandoned(invocation, (reason) => issued.cancel(reason));
  try {
    start(replaceInStrings(invocation.input, invocation.taskTokenPlaceholder, issued.token)).catch((error: Error) =>
      issued.cancel(error),
    );
    return await issued.result;
  } finally {
    release();
  }
}

/** Runs `cancel` if the execution ends, or the interpreter's TimeoutSeconds fires, while the task still waits. */
function whenAbandoned(invocation: TaskInvocation, cancel: (reason: Error) => void): () => void {
  const untrack = invocation.track(cancel);
  const timeoutSeconds = invocation.state.TimeoutSeconds;
  const timer =
    timeoutSeconds !== undefined && timeoutSeconds < MAX_TIMER_SECONDS
      ? setTimeout(
          () => cancel(new TaskFailure('States.Timeout', 'The task timed out')),
          timeoutSeconds * 1000 + ABANDONED_TASK_GRACE_MS,
        )
      : undefined;
  return () => {
    untrack();
    clearTimeout(timer);
  };
}

function resolveFunction(env: TaskEnvironment, functionName: string): LambdaFunctionReference {
  const target = parseLambdaFunction(functionName, env.region, env.accountId);
  if (!target) throw new TaskRuntimeFailure(`${functionName} is not a Lambda function name or ARN`);
  return target;
}

function requireObject(input: JsonValue, integration: string): Record<string, JsonValue> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TaskRuntimeFailure(`The Parameters of a ${integration} task must be a JSON object`);
  }
  return input;
}

function replaceInStrings(value: JsonValue, search: string, replacement: string): JsonValue {
  if (typeof value === 'string') return value.split(search).join(replacement);
  if (Array.isArray(value)) return value.map((item) => replaceInStrings(item, search, replacement));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceInStrings(item, search, replacement)]),
    );
  }
  return value;
}

/** Results cross into the interpreter as plain JSON, exactly what a real service response would deserialize to. */
function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
