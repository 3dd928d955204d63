import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionOutput,
} from '@aws-sdk/client-sfn';
import {
  createLocalStepFunctions,
  startStepFunctionsEndpoint,
  type ExecutionStatusChangeEvent,
  type LocalStepFunctions,
} from '../../../lib/local/stepfunctions';
import { principalsFor } from '../../support/principals';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/local-states`;

export type LocalFunction = (payload: unknown) => Promise<unknown>;

export function functionArn(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
}

export function stateMachineArn(name: string): string {
  return `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${name}`;
}

/** A rejection shaped like a Lambda FunctionError, as the local Lambda adapter reports one. */
export function functionError(errorType: string, message: string): Error {
  const error = new Error(message);
  error.name = errorType;
  return error;
}

/** The service on a real HTTP port, driven by the real AWS SDK client, with Lambda functions faked at the adapter. */
export interface Harness {
  readonly service: LocalStepFunctions;
  readonly client: SFNClient;
  readonly endpoint: string;
  readonly dataDir: string;
  /** Functions by unqualified ARN; tests add to it freely. */
  readonly functions: Map<string, LocalFunction>;
  /** Every payload each function received, by unqualified ARN. */
  readonly invocations: Map<string, unknown[]>;
  readonly statusEvents: ExecutionStatusChangeEvent[];
  /** A client for StartSyncExecution (see `syncClient`). */
  syncClient(): SFNClient;
  /** Stops the server and the service; the data directory stays unless `removeData`. */
  stop(options?: { removeData?: boolean }): Promise<void>;
}

export async function startHarness(options: { dataDir?: string } = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'local-sfn-')));
  const functions = new Map<string, LocalFunction>();
  const invocations = new Map<string, unknown[]>();
  const statusEvents: ExecutionStatusChangeEvent[] = [];
  const service = await createLocalStepFunctions({
    region: REGION,
    accountId: ACCOUNT_ID,
    dataDir,
    invokeLambda: async (arn, payload) => {
      invocations.set(arn, [...(invocations.get(arn) ?? []), payload]);
      const fn = functions.get(arn);
      if (!fn) throw functionError('Lambda.ResourceNotFoundException', `Function not found: ${arn}`);
      return fn(payload);
    },
    onExecutionStatusChange: (event) => statusEvents.push(event),
  });
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const server = await startStepFunctionsEndpoint(
    service,
    { region: REGION, principals: principalsFor(credentials) },
    0,
  );
  const { endpoint } = server;
  const clientConfig = { endpoint, region: REGION, credentials };
  const client = new SFNClient(clientConfig);
  const clients = [client];
  return {
    service,
    client,
    endpoint,
    dataDir,
    functions,
    invocations,
    statusEvents,
    // The SDK sends StartSyncExecution to `sync-<host>`, which does not resolve for an IP endpoint.
    syncClient: () => {
      const syncClient = new SFNClient({ ...clientConfig, disableHostPrefix: true });
      clients.push(syncClient);
      return syncClient;
    },
    stop: async ({ removeData = false } = {}) => {
      clients.forEach((each) => each.destroy());
      await server.close();
      await service.close();
      if (removeData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createStateMachine(
  client: SFNClient,
  name: string,
  definition: object,
  type: 'STANDARD' | 'EXPRESS' = 'STANDARD',
): Promise<string> {
  const created = await client.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN, type }),
  );
  return created.stateMachineArn!;
}

export async function startExecution(client: SFNClient, stateMachineArn: string, input: unknown = {}): Promise<string> {
  const started = await client.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  return started.executionArn!;
}

/** Polls DescribeExecution over HTTP until the execution leaves RUNNING. */
export async function waitForExecution(
  client: SFNClient,
  executionArn: string,
  timeoutMs = 10_000,
): Promise<DescribeExecutionOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once `condition` holds, checking every 10 ms. */
export async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function runToCompletion(
  client: SFNClient,
  name: string,
  definition: object,
  input: unknown = {},
): Promise<DescribeExecutionOutput> {
  const arn = await createStateMachine(client, name, definition);
  return waitForExecution(client, await startExecution(client, arn, input));
}
