import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LambdaSchedulerNotifier } from '../../../lambdas/media-insights/operators/wait/adapters';
import { ExecutionTable } from '../../../lambdas/media-insights/tables/executions';
import {
  runWaitCheck,
  runWaitStart,
  type WaitDependencies,
} from '../../../lambdas/media-insights/operators/wait/operator';
import { captureLogs } from '../../support/logs';
import { startLocalEngines, type LocalEngines } from '../dataplane/support';
import { failureOf, LocalLambdaEndpoint, operatorEvent } from './support';

const TABLE = 'mie-operators-workflow-executions';
const SCHEDULER_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:mie-workflow-scheduler';

describe('Wait operator', () => {
  let engines: LocalEngines;
  let documents: DynamoDBDocumentClient;
  let lambda: LocalLambdaEndpoint;
  let deps: WaitDependencies;

  beforeAll(async () => {
    engines = await startLocalEngines();
    await engines.dynamo.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'Id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'Id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    documents = DynamoDBDocumentClient.from(engines.dynamo);
    lambda = new LocalLambdaEndpoint();
    deps = {
      executions: new ExecutionTable(documents, { executions: TABLE }),
      scheduler: new LambdaSchedulerNotifier(await lambda.start(), SCHEDULER_ARN),
    };
  });

  afterAll(async () => {
    await lambda.stop();
    await engines.stop();
  });

  async function execution(id: string, status: string): Promise<void> {
    await documents.send(
      new PutCommand({ TableName: TABLE, Item: { Id: id, Status: status, CurrentStage: 'Review' } }),
    );
  }

  async function stored(id: string): Promise<Record<string, unknown> | undefined> {
    return (await documents.send(new GetCommand({ TableName: TABLE, Key: { Id: id }, ConsistentRead: true }))).Item;
  }

  const waitEvent = (executionId: string) =>
    operatorEvent({
      Name: 'Wait',
      WorkflowExecutionId: executionId,
      Configuration: { MediaType: 'MetadataOnly', Enabled: true },
    });

  describe('start', () => {
    it('sets the execution to Waiting and tells the scheduler, asynchronously, that its slot is free', async () => {
      // Prepare
      await execution('exec-pause', 'Started');
      const event = waitEvent('exec-pause');

      // Act
      const output = await runWaitStart(event, deps);

      // Assess
      expect(output).toEqual({ ...event, Status: 'Executing' });
      expect(await stored('exec-pause')).toEqual({ Id: 'exec-pause', Status: 'Waiting', CurrentStage: 'Review' });
      expect(lambda.invocations).toContainEqual({
        functionName: SCHEDULER_ARN,
        invocationType: 'Event',
        payload: { action: 'executionWaiting', executionId: 'exec-pause' },
      });
    });

    it('fails without creating an execution or calling the scheduler when the execution does not exist', async () => {
      // Prepare
      const before = lambda.invocations.length;

      // Act
      const output = await failureOf(() => runWaitStart(waitEvent('exec-unknown'), deps));

      // Assess
      expect(output.Status).toBe('Error');
      expect(output.MetaData).toEqual({
        WaitError: 'Unable to set workflow status to Waiting workflow execution exec-unknown not found',
      });
      expect(await stored('exec-unknown')).toBeUndefined();
      expect(lambda.invocations).toHaveLength(before);
    });

    it('still waits when the scheduler cannot be told, leaving the slot to its next round', async () => {
      // Prepare
      await execution('exec-lost-call', 'Started');
      const logs = captureLogs();
      const unreachable = { executionWaiting: () => Promise.reject(new Error('throttled')) };

      // Act
      const output = await runWaitStart(waitEvent('exec-lost-call'), { ...deps, scheduler: unreachable });
      logs.restore();

      // Assess
      expect(output.Status).toBe('Executing');
      expect((await stored('exec-lost-call'))?.['Status']).toBe('Waiting');
      expect(logs.entries()).toEqual([
        expect.objectContaining({
          level: 'ERROR',
          message: 'Telling the scheduler that the execution is waiting failed',
          executionId: 'exec-lost-call',
          error: expect.objectContaining({ message: 'throttled' }),
        }),
      ]);
    });
  });

  describe('monitor', () => {
    it.each([
      ['Waiting', 'Executing'],
      ['Resumed', 'Executing'],
      ['Started', 'Complete'],
    ])('answers %s with %s', async (status, operatorStatus) => {
      // Prepare
      await execution(`exec-${status}`, status);
      const event = { ...waitEvent(`exec-${status}`), Status: 'Executing' };

      // Act
      const output = await runWaitCheck(event, deps);

      // Assess
      expect(output).toEqual({ ...event, Status: operatorStatus });
    });

    it.each([['Complete'], ['Error'], ['Queued']])('fails with the original message on %s', async (status) => {
      // Prepare
      await execution(`exec-end-${status}`, status);

      // Act
      const output = await failureOf(() => runWaitCheck(waitEvent(`exec-end-${status}`), deps));

      // Assess
      expect(output.MetaData).toEqual({ WaitError: `Unexpected workflow execution status ${status}` });
    });

    it('fails with the original message when the execution is gone', async () => {
      // Act
      const output = await failureOf(() => runWaitCheck(waitEvent('exec-deleted'), deps));

      // Assess
      expect(output.MetaData).toEqual({ WaitError: 'Unable to find Waiting workflow execution exec-deleted' });
    });
  });
});
