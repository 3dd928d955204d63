export type StateMachineType = 'STANDARD' | 'EXPRESS';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * Dispatches a Lambda task to a local function. Resolves with the function's result. Rejects like a Lambda
 * FunctionError: an `Error` whose `name` is the error type (e.g. `MasExecutionError`) and whose `message` is the
 * error message. A name starting with `Lambda.` (e.g. `Lambda.ResourceNotFoundException`) reports a failure of the
 * Lambda service itself; its message becomes the state's `Cause` verbatim.
 */
export type InvokeLambda = (functionArn: string, payload: unknown) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  /** e.g. `us-east-1`. */
  readonly region: string;
  /** e.g. `000000000000`. */
  readonly accountId: string;
  /** Where state machines, execution records and histories are kept as JSON files, so they survive restarts. */
  readonly dataDir: string;
  /** Receives every Lambda task; `functionArn` is always the unqualified function ARN. */
  readonly invokeLambda: InvokeLambda;
  /**
   * Queues an asynchronous invocation (a `lambda:invoke` task with `InvocationType: Event`) on Lambda's own queue:
   * retried and sent to the function's on-failure destination as its EventInvokeConfig says. Throws at once only for
   * a function that does not exist.
   * @default - the function is invoked once and its result or error ignored (no Lambda service to queue it)
   */
  readonly invokeLambdaAsync?: (functionArn: string, payload: unknown) => void;
  /**
   * Called when any execution (STANDARD or EXPRESS) starts and when it ends, with its record: what Step Functions
   * reports to CloudWatch (`AWS/States` metrics).
   */
  readonly onExecutionRecord?: (record: ExecutionRecord) => void;
  /** Called on every status change of a STANDARD execution, with the event EventBridge would deliver. */
  readonly onExecutionStatusChange?: (event: ExecutionStatusChangeEvent) => void;
  /**
   * For kill -9 tests only: executions it accepts (by state machine name and input text) are started — recorded
   * RUNNING, their start event sent — but never run, so a test can stop local mode at an exact point of one run, e.g.
   * while a parent waits on a child that has done nothing yet.
   * @default - every execution runs
   */
  readonly holdExecutions?: (stateMachineName: string, input: string) => boolean;
}

/** The EventBridge event `aws.states` emits for a STANDARD execution (`Step Functions Execution Status Change`). */
export interface ExecutionStatusChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly source: 'aws.states';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: ExecutionStatus;
    /** Milliseconds since the epoch, as EventBridge sends it. */
    readonly startDate: number;
    readonly stopDate: number | null;
    readonly input: string;
    readonly output: string | null;
    readonly inputDetails: { readonly included: boolean };
    readonly outputDetails: { readonly included: boolean } | null;
    readonly error: string | null;
    readonly cause: string | null;
  };
}

/** How local mode declares a state machine found in a CloudFormation template. */
export interface RegisterStateMachineInput {
  readonly name: string;
  readonly arn: string;
  /** The ASL document, as a JSON string or already parsed. */
  readonly definition: string | object;
  readonly roleArn: string;
  /** @default 'STANDARD' */
  readonly type?: StateMachineType;
}

/** What is kept on disk for a state machine. Dates are milliseconds since the epoch. */
export interface StateMachineRecord {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly definition: string;
  readonly roleArn: string;
  readonly type: StateMachineType;
  readonly creationDate: number;
  readonly updateDate: number;
  readonly revisionId: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What is kept on disk for an execution. Dates are milliseconds since the epoch. */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly status: ExecutionStatus;
  readonly startDate: number;
  readonly stopDate?: number;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly traceHeader?: string;
}

/** One entry of an execution's history, as persisted. The wire format adds Date conversion only. */
export interface HistoryEventRecord {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
