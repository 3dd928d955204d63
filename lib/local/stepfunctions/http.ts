import type {
  CreateStateMachineInput,
  DeleteStateMachineInput,
  DescribeExecutionInput,
  DescribeStateMachineForExecutionInput,
  DescribeStateMachineInput,
  GetExecutionHistoryInput,
  ListExecutionsInput,
  ListStateMachinesInput,
  ListTagsForResourceInput,
  SendTaskFailureInput,
  SendTaskHeartbeatInput,
  SendTaskSuccessInput,
  StartExecutionInput,
  StartSyncExecutionInput,
  StopExecutionInput,
  TagResourceInput,
  UntagResourceInput,
  UpdateStateMachineInput,
} from '@aws-sdk/client-sfn';
import type { Principals } from '../principals';
import { startAwsEndpoint, type AwsRequest, type RunningEndpoint } from '../protocol/endpoint';
import { jsonRpc } from '../protocol/json-rpc';
import { AwsError, CORAL_NAMESPACE, type AwsResponse } from '../protocol/wire';
import type { LocalStepFunctions } from './service';

const TARGET_PREFIX = 'AWSStepFunctions';
const SERVICE_ERROR_NAMESPACE = 'com.amazonaws.swf.service.v2.model';

type MemberType = 'string' | 'integer' | 'boolean' | 'tags' | 'strings';

interface Action {
  /** The top-level members whose JSON type is checked before the action runs; others pass through unchecked. */
  readonly members: Readonly<Record<string, MemberType>>;
  invoke(service: LocalStepFunctions, input: Record<string, unknown>): Promise<unknown>;
}

function action<I>(
  members: Readonly<Record<string, MemberType>>,
  invoke: (service: LocalStepFunctions, input: I) => Promise<unknown>,
): Action {
  // The member check below makes the body match `I` as far as the domain relies on it.
  return { members, invoke: (service, input) => invoke(service, input as I) };
}

const stateMachineArn = { stateMachineArn: 'string' } as const;
const executionArn = { executionArn: 'string' } as const;
const page = { maxResults: 'integer', nextToken: 'string' } as const;

const ACTIONS: Readonly<Record<string, Action>> = {
  CreateStateMachine: action<CreateStateMachineInput>(
    { name: 'string', definition: 'string', roleArn: 'string', type: 'string', tags: 'tags' },
    (service, input) => service.createStateMachine(input),
  ),
  UpdateStateMachine: action<UpdateStateMachineInput>(
    { ...stateMachineArn, definition: 'string', roleArn: 'string' },
    (service, input) => service.updateStateMachine(input),
  ),
  DeleteStateMachine: action<DeleteStateMachineInput>(stateMachineArn, (service, input) =>
    service.deleteStateMachine(input),
  ),
  DescribeStateMachine: action<DescribeStateMachineInput>(stateMachineArn, (service, input) =>
    service.describeStateMachine(input),
  ),
  DescribeStateMachineForExecution: action<DescribeStateMachineForExecutionInput>(executionArn, (service, input) =>
    service.describeStateMachineForExecution(input),
  ),
  ListStateMachines: action<ListStateMachinesInput>(page, (service, input) => service.listStateMachines(input)),
  StartExecution: action<StartExecutionInput>(
    { ...stateMachineArn, name: 'string', input: 'string', traceHeader: 'string' },
    (service, input) => service.startExecution(input),
  ),
  StartSyncExecution: action<StartSyncExecutionInput>(
    { ...stateMachineArn, name: 'string', input: 'string', traceHeader: 'string' },
    (service, input) => service.startSyncExecution(input),
  ),
  StopExecution: action<StopExecutionInput>({ ...executionArn, error: 'string', cause: 'string' }, (service, input) =>
    service.stopExecution(input),
  ),
  DescribeExecution: action<DescribeExecutionInput>(executionArn, (service, input) => service.describeExecution(input)),
  ListExecutions: action<ListExecutionsInput>(
    { ...stateMachineArn, ...page, statusFilter: 'string', mapRunArn: 'string' },
    (service, input) => service.listExecutions(input),
  ),
  GetExecutionHistory: action<GetExecutionHistoryInput>(
    { ...executionArn, ...page, reverseOrder: 'boolean', includeExecutionData: 'boolean' },
    (service, input) => service.getExecutionHistory(input),
  ),
  SendTaskSuccess: action<SendTaskSuccessInput>({ taskToken: 'string', output: 'string' }, (service, input) =>
    service.sendTaskSuccess(input),
  ),
  SendTaskFailure: action<SendTaskFailureInput>(
    { taskToken: 'string', error: 'string', cause: 'string' },
    (service, input) => service.sendTaskFailure(input),
  ),
  SendTaskHeartbeat: action<SendTaskHeartbeatInput>({ taskToken: 'string' }, (service, input) =>
    service.sendTaskHeartbeat(input),
  ),
  TagResource: action<TagResourceInput>({ resourceArn: 'string', tags: 'tags' }, (service, input) =>
    service.tagResource(input),
  ),
  UntagResource: action<UntagResourceInput>({ resourceArn: 'string', tagKeys: 'strings' }, (service, input) =>
    service.untagResource(input),
  ),
  ListTagsForResource: action<ListTagsForResourceInput>({ resourceArn: 'string' }, (service, input) =>
    service.listTagsForResource(input),
  ),
};

/**
 * The Step Functions JSON 1.0 protocol: `POST /`, the action in `X-Amz-Target: AWSStepFunctions.<Action>`, JSON in
 * and out, timestamps as epoch seconds. Requests arrive verified by the SigV4 front end (`startAwsEndpoint`).
 */
export function stepFunctionsApi(service: LocalStepFunctions): (request: AwsRequest) => Promise<AwsResponse> {
  return jsonRpc({
    targetPrefix: TARGET_PREFIX,
    operations: Object.fromEntries(
      Object.entries(ACTIONS).map(([name, operation]) => [
        name,
        (input: Record<string, unknown>) => operation.invoke(service, checkMembers(input, operation.members)),
      ]),
    ),
  });
}

/** The Step Functions wire options: service errors in the swf namespace, JSON 1.0. */
export const STEP_FUNCTIONS_WIRE = { protocol: 'json', errorNamespace: SERVICE_ERROR_NAMESPACE } as const;

function checkMembers(
  input: Record<string, unknown>,
  members: Readonly<Record<string, MemberType>>,
): Record<string, unknown> {
  for (const [member, type] of Object.entries(members)) {
    if (member in input && !hasType(input[member], type)) {
      throw new AwsError('SerializationException', `Member '${member}' must be of type ${type}`, 400, {
        namespace: CORAL_NAMESPACE,
      });
    }
  }
  return input;
}

function hasType(value: unknown, type: MemberType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'strings':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'tags':
      return (
        Array.isArray(value) &&
        value.every(
          (tag) => typeof tag === 'object' && tag !== null && typeof (tag as { key?: unknown }).key === 'string',
        )
      );
  }
}

/** Serves `service` over HTTP on 127.0.0.1 (`port` 0 picks one) behind the SigV4 front end (signing name `states`). */
export function startStepFunctionsEndpoint(
  service: LocalStepFunctions,
  options: { readonly region: string; readonly principals: Principals },
  port: number,
): Promise<RunningEndpoint> {
  return startAwsEndpoint(
    {
      ...STEP_FUNCTIONS_WIRE,
      signingName: 'states',
      region: options.region,
      principals: options.principals,
      // A definition may reach 1 MB and an input 256 KB; anything far beyond is not a Step Functions request.
      maxBodyBytes: 8 * 1024 * 1024,
      handle: stepFunctionsApi(service),
    },
    port,
  );
}
