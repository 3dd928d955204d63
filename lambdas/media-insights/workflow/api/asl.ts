/**
 * The Amazon States Language the original generates for operations and stages, reproduced so that the stored
 * `Operation.StateMachineAsl` and `Stage.Definition` read as they do in the original (§8.1, §8.2 of
 * docs/research/mie-workflow-api.md). mediaplane does not deploy these definitions: one shared runner state machine
 * executes every workflow. They are records for clients that display or inspect them.
 */
import { pythonJsonDumps } from '../../dataplane/domain/python-compat';
import { MONITOR_POLL_SECONDS, OperationStatus, type JsonObject, type OperationType } from '../domain/types';

/** Left in an operation's ASL until the operation is placed in a stage, exactly as the original leaves it. */
export const STAGE_NAME_PLACEHOLDER = '%%STAGE_NAME%%';

/** The engine functions the original's ASL calls besides the operator's own Lambdas. */
export interface EngineFunctionArns {
  readonly filterOperation: string;
  readonly operatorFailed: string;
  readonly completeStage: string;
}

/** What an operation's ASL is built from. */
export interface OperationAslInput {
  readonly Name: string;
  readonly Type: OperationType;
  readonly Configuration: { readonly MediaType: string };
  readonly StartLambdaArn: string;
  readonly MonitorLambdaArn?: string;
}

// The retry policy every task of the original's branch uses: Lambda service errors and the operator's own
// MasExecutionError are retried twice, after 2 s and 4 s.
const RETRY = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.Unknown',
      'MasExecutionError',
    ],
    IntervalSeconds: 2,
    MaxAttempts: 2,
    BackoffRate: 2,
  },
];

/**
 * The operation's branch as a JSON string (Python's `json.dumps` layout), with the operation filled in and the stage
 * name still a placeholder. State names end with ` (<stage>)` so one operation can appear in several stages of a
 * workflow. Key order follows the original's dictionaries.
 */
export function operationAsl(operation: OperationAslInput, engine: EngineFunctionArns): string {
  const stage = STAGE_NAME_PLACEHOLDER;
  const name = operation.Name;
  const isAsync = operation.Type === 'Async';
  const filter = `Filter ${name} Media Type? (${stage})`;
  const skip = `Skip ${name}? (${stage})`;
  const notStarted = `${name} Not Started (${stage})`;
  const execute = `Execute ${name} (${stage})`;
  const wait = `${name} Wait (${stage})`;
  const getStatus = `Get ${name} Status (${stage})`;
  const didComplete = `Did ${name} Complete (${stage})`;
  const failed = `${name} Failed (${stage})`;
  const succeeded = `${name} Succeeded (${stage})`;
  const catchAll = [{ ErrorEquals: ['States.ALL'], Next: failed, ResultPath: '$.Outputs' }];

  const states: JsonObject = {
    [filter]: {
      Type: 'Task',
      Parameters: {
        'StageName.$': '$.Name',
        Name: name,
        'Input.$': '$.Input',
        'Configuration.$': `$.Configuration.${name}`,
        'AssetId.$': '$.AssetId',
        'WorkflowExecutionId.$': '$.WorkflowExecutionId',
        Type: operation.Configuration.MediaType,
        // The original's key lacks the `.$` suffix, so the filter receives this literal text (and overwrites it).
        Status: '$.Status',
      },
      Resource: engine.filterOperation,
      ResultPath: '$.Outputs',
      OutputPath: '$.Outputs',
      Next: skip,
      Retry: RETRY,
      Catch: catchAll,
    },
    [skip]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.Status', StringEquals: OperationStatus.Started, Next: execute }],
      Default: notStarted,
    },
    [notStarted]: { Type: 'Succeed' },
    [execute]: {
      Type: 'Task',
      Resource: operation.StartLambdaArn,
      ResultPath: '$.Outputs',
      OutputPath: '$.Outputs',
      Next: isAsync ? wait : didComplete,
      Retry: RETRY,
      Catch: catchAll,
    },
  };
  if (isAsync) {
    states[wait] = { Type: 'Wait', Seconds: MONITOR_POLL_SECONDS, Next: getStatus };
    states[getStatus] = {
      Type: 'Task',
      Resource: operation.MonitorLambdaArn ?? '',
      Next: didComplete,
      Retry: RETRY,
      Catch: catchAll,
    };
  }
  const completeChoice = { Variable: '$.Status', StringEquals: OperationStatus.Complete, Next: succeeded };
  states[didComplete] = {
    Type: 'Choice',
    Choices: isAsync
      ? [{ Variable: '$.Status', StringEquals: OperationStatus.Executing, Next: wait }, completeChoice]
      : [completeChoice],
    Default: failed,
  };
  states[failed] = { Type: 'Task', End: true, Resource: engine.operatorFailed, ResultPath: '$', Retry: RETRY };
  states[succeeded] = { Type: 'Succeed' };

  return pythonJsonDumps({ StartAt: filter, States: states });
}

/**
 * A stage's ASL as a JSON string: a Parallel state with one branch per operation (each operation's ASL with the stage
 * name filled in), then the complete-stage task. `operationAsls` are the operations' stored `StateMachineAsl` strings
 * in stage order.
 */
export function stageDefinition(
  stageName: string,
  operationAsls: readonly string[],
  engine: EngineFunctionArns,
): string {
  const completeStage = `Complete Stage ${stageName}`;
  // The original replaces the placeholder in the JSON text; replacing inside parsed strings gives the same result
  // without breaking the JSON when a name contains a quote or a backslash.
  const branches = operationAsls.map((asl) => withStageName(JSON.parse(asl), stageName));
  return pythonJsonDumps({
    StartAt: stageName,
    States: {
      [completeStage]: { Type: 'Task', Resource: engine.completeStage, End: true },
      [stageName]: {
        Type: 'Parallel',
        Next: completeStage,
        ResultPath: '$.Outputs',
        Branches: branches,
        Catch: [{ ErrorEquals: ['States.ALL'], Next: completeStage, ResultPath: '$.Outputs' }],
      },
    },
  });
}

function withStageName(value: unknown, stageName: string): unknown {
  if (typeof value === 'string') return value.split(STAGE_NAME_PLACEHOLDER).join(stageName);
  if (Array.isArray(value)) return value.map((entry) => withStageName(entry, stageName));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [
        key.split(STAGE_NAME_PLACEHOLDER).join(stageName),
        withStageName(entry, stageName),
      ]),
    );
  }
  return value;
}

/** The original has three engine Lambdas here; mediaplane has one runner, so one ARN (possibly empty) fills all. */
export function engineFunctionArns(engineFunctionArn: string): EngineFunctionArns {
  return { filterOperation: engineFunctionArn, operatorFailed: engineFunctionArn, completeStage: engineFunctionArn };
}
