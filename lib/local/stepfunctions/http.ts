import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { HttpError } from '../../../lambdas/shared/http/errors';
import { SerializationException, StepFunctionsApiError, UnknownOperationException } from './errors';
import type { LocalStepFunctions } from './service';

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
// A definition may reach 1 MB and an input 256 KB; anything far beyond is not a Step Functions request.
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const SERVICE_ERROR_NAMESPACE = 'com.amazonaws.swf.service.v2.model';
const PROTOCOL_ERROR_NAMESPACE = 'com.amazon.coral.service';

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
 * and out, timestamps as epoch seconds. Signatures are not verified: any credentials are accepted.
 */
export function createRequestListener(
  service: LocalStepFunctions,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void handle(service, request, response);
  };
}

async function handle(service: LocalStepFunctions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let status = 200;
  let body: unknown;
  try {
    const target = request.headers['x-amz-target'];
    const name =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const operation = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
    if (request.method !== 'POST' || !operation) {
      throw new UnknownOperationException(`Unknown operation: ${request.method} ${String(target)}`);
    }
    const input = parseInput(await readBody(request), operation.members);
    body = await operation.invoke(service, input);
  } catch (error) {
    ({ status, body } = toWireError(error));
  }
  response.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': randomUUID() });
  response.end(JSON.stringify(body ?? {}, epochSeconds));
}

/** The one place a failure becomes the AWS JSON error body the SDK maps back to its exception class. */
function toWireError(error: unknown): { status: number; body: { __type: string; message: string } } {
  if (error instanceof StepFunctionsApiError) {
    return {
      status: error.statusCode,
      body: { __type: `${SERVICE_ERROR_NAMESPACE}#${error.code}`, message: error.message },
    };
  }
  if (error instanceof HttpError) {
    return {
      status: error.statusCode,
      body: { __type: `${PROTOCOL_ERROR_NAMESPACE}#${error.code}`, message: error.message },
    };
  }
  console.error('local stepfunctions: unhandled error', error);
  return {
    status: 500,
    body: { __type: `${PROTOCOL_ERROR_NAMESPACE}#InternalFailure`, message: 'An internal error occurred' },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SerializationException('Request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseInput(text: string, members: Readonly<Record<string, MemberType>>): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new SerializationException('Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SerializationException('Request body must be a JSON object');
  }
  // The SDK never sends null members; other clients may, and they mean "absent".
  const input = Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== null));
  for (const [member, type] of Object.entries(members)) {
    if (member in input && !hasType(input[member], type)) {
      throw new SerializationException(`Member '${member}' must be of type ${type}`);
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

/** JSON 1.0 sends timestamps as epoch seconds; `Date#toJSON` would already have made them ISO strings. */
function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Date ? original.getTime() / 1000 : value;
}
