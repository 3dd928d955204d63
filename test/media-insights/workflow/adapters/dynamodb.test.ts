import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  DynamoDbNamedRecords as NamedRecords,
  DynamoDbWorkflowStore as WorkflowStore,
} from '../../../../lambdas/media-insights/workflow/adapters/dynamodb-definitions';
import type { DynamoDbExecutionStore as ExecutionStore } from '../../../../lambdas/media-insights/workflow/adapters/dynamodb-executions';
import type { DynamoDbSystemConfiguration as SystemConfiguration } from '../../../../lambdas/media-insights/workflow/adapters/dynamodb-system';
import { aStage, aWorkflow, anExecution, anOperation } from '../domain/fixtures';
import type { Operation, Workflow } from '../../../../lambdas/media-insights/workflow/domain/types';
import { startLocalEngines, type LocalEngines } from '../../dataplane/support';
import { WORKFLOW_ENV, provisionWorkflowTables } from '../api/support';

let engines: LocalEngines;
let client: DynamoDBDocumentClient;
let operations: NamedRecords<Operation>;
let pagedOperations: NamedRecords<Operation>;
let workflows: WorkflowStore;
let executions: ExecutionStore;
let system: SystemConfiguration;

beforeAll(async () => {
  engines = await startLocalEngines();
  await provisionWorkflowTables(engines.dynamo);
  // Loaded only now: the clients module reads the endpoint from the environment set above.
  ({ documentClient: client } = await import('../../../../lambdas/media-insights/workflow/adapters/clients'));
  const definitions = await import('../../../../lambdas/media-insights/workflow/adapters/dynamodb-definitions');
  const { DynamoDbExecutionStore } =
    await import('../../../../lambdas/media-insights/workflow/adapters/dynamodb-executions');
  const { DynamoDbSystemConfiguration } =
    await import('../../../../lambdas/media-insights/workflow/adapters/dynamodb-system');
  operations = new definitions.DynamoDbNamedRecords(client, WORKFLOW_ENV.OPERATION_TABLE_NAME);
  pagedOperations = new definitions.DynamoDbNamedRecords(client, WORKFLOW_ENV.OPERATION_TABLE_NAME, {
    scanPageSize: 1,
  });
  workflows = new definitions.DynamoDbWorkflowStore(client, WORKFLOW_ENV.WORKFLOW_TABLE_NAME);
  executions = new DynamoDbExecutionStore(client, WORKFLOW_ENV.WORKFLOW_EXECUTION_TABLE_NAME);
  system = new DynamoDbSystemConfiguration(client, WORKFLOW_ENV.SYSTEM_TABLE_NAME);
});

afterAll(async () => {
  await engines.stop();
});

function workflowWith(name: string, stageName: string, operationName: string): Workflow {
  return { ...aWorkflow(name, [aStage(stageName, [anOperation(operationName)])]), Name: name };
}

describe('DynamoDbNamedRecords', () => {
  it('reads back what it stores, and refuses to create over a taken name', async () => {
    // Prepare
    const operation = anOperation('Stored');
    await operations.create(operation);

    // Act
    const again = await operations.create({ ...operation, Id: 'other' });

    // Assess
    expect(again).toBe(false);
    expect(await operations.get('Stored')).toEqual(operation);
  });

  it('finds the existing records among several names, ignoring repeats and unstorable names', async () => {
    // Prepare
    await operations.create(anOperation('ManyA'));
    await operations.create(anOperation('ManyB'));

    // Act
    const found = await operations.getMany(['ManyA', 'ManyB', 'ManyA', 'Missing', '', 'x'.repeat(2049)]);

    // Assess
    expect([...found.keys()].sort()).toEqual(['ManyA', 'ManyB']);
  });

  it('answers names DynamoDB cannot store as not found instead of failing', async () => {
    // Act
    const empty = await operations.get('');
    const tooLong = await operations.delete('é'.repeat(1025));

    // Assess
    expect(empty).toBeUndefined();
    expect(tooLong).toBeUndefined();
  });

  it('lists every record across Scan pages', async () => {
    // Prepare
    for (const name of ['PageA', 'PageB', 'PageC']) await operations.create(anOperation(name));

    // Act
    const listed = await pagedOperations.list();

    // Assess
    expect(listed.map((operation) => operation.Name)).toEqual(expect.arrayContaining(['PageA', 'PageB', 'PageC']));
  });

  it('deletes a record and returns what it held', async () => {
    // Prepare
    const operation = anOperation('Deleted');
    await operations.create(operation);

    // Act
    const deleted = await operations.delete('Deleted');
    const again = await operations.delete('Deleted');

    // Assess
    expect(deleted).toEqual(operation);
    expect(again).toBeUndefined();
  });
});

describe('DynamoDbWorkflowStore', () => {
  it('finds workflows by stage, whatever characters the stage name holds', async () => {
    // Prepare
    await workflows.create(workflowWith('OddStageWorkflow', 'Stage. #1 :x', 'OddOp'));
    await workflows.create(workflowWith('PlainStageWorkflow', 'Stage', 'PlainOp'));

    // Act
    const odd = await workflows.listByStage('Stage. #1 :x');
    const plain = await workflows.listByStage('Stage');

    // Assess
    expect(odd.map((workflow) => workflow.Name)).toEqual(['OddStageWorkflow']);
    expect(plain.map((workflow) => workflow.Name)).toEqual(['PlainStageWorkflow']);
  });

  it('finds workflows by operation name, not by part of one', async () => {
    // Prepare
    await workflows.create(workflowWith('UsesLabel', 'LabelStage', 'Label'));
    await workflows.create(workflowWith('UsesLabelFaces', 'LabelFacesStage', 'LabelFaces'));

    // Act
    const found = await workflows.listByOperation('Label');

    // Assess
    expect(found.map((workflow) => workflow.Name)).toEqual(['UsesLabel']);
  });

  it('appends stale names, repeats included, and leaves a deleted workflow deleted', async () => {
    // Prepare
    await workflows.create(workflowWith('Flagged', 'FlaggedStage', 'FlaggedOp'));

    // Act
    await workflows.appendStale('Flagged', 'StaleOperations', 'FlaggedOp');
    await workflows.appendStale('Flagged', 'StaleOperations', 'FlaggedOp');
    await workflows.appendStale('NeverThere', 'StaleStages', 'Any');

    // Assess
    expect((await workflows.get('Flagged'))?.StaleOperations).toEqual(['FlaggedOp', 'FlaggedOp']);
    expect(await workflows.get('NeverThere')).toBeUndefined();
  });

  it('replaces a revision only while the stored workflow is still at it', async () => {
    // Prepare
    const workflow = workflowWith('Revised', 'RevisedStage', 'RevisedOp');
    await workflows.create(workflow);
    const next = { ...workflow, Revisions: '2', Version: 'v2' };

    // Act
    const first = await workflows.replaceRevision(next, '1');
    const stale = await workflows.replaceRevision({ ...workflow, Revisions: '2', Version: 'stale' }, '1');

    // Assess
    expect([first, stale]).toEqual([true, false]);
    expect((await workflows.get('Revised'))?.Version).toBe('v2');
  });
});

describe('DynamoDbExecutionStore', () => {
  const workflow = workflowWith('ExecWorkflow', 'ExecStage', 'ExecOp');

  it('lists by status and by asset with the projected fields only', async () => {
    // Prepare
    const execution = { ...anExecution(workflow), Id: 'exec-projected', AssetId: 'asset-projected' };
    await executions.create({ ...execution, Status: 'Error', StateMachineExecutionArn: 'arn:exec' });

    // Act
    const byStatus = await executions.listByStatus('Error');
    const byAsset = await executions.listByAsset('asset-projected');

    // Assess
    const projected = {
      Id: 'exec-projected',
      AssetId: 'asset-projected',
      CurrentStage: 'ExecStage',
      Created: execution.Created,
      StateMachineExecutionArn: 'arn:exec',
      Status: 'Error',
      Workflow: { Name: 'ExecWorkflow' },
    };
    expect(byStatus).toContainEqual(projected);
    expect(byAsset).toEqual([projected]);
  });

  it('answers index keys DynamoDB cannot query with []', async () => {
    // Act
    const byStatus = await executions.listByStatus('');
    const byAsset = await executions.listByAsset('');

    // Assess
    expect([byStatus, byAsset]).toEqual([[], []]);
  });

  it('refuses to create over an existing id', async () => {
    // Prepare
    const execution = { ...anExecution(workflow), Id: 'exec-twice' };
    await executions.create(execution);

    // Act
    const again = await executions.create({ ...execution, Status: 'Error' });

    // Assess
    expect(again).toBe(false);
    expect((await executions.get('exec-twice'))?.Status).toBe('Queued');
  });

  it('marks a waiting execution resumed and reports what it was', async () => {
    // Prepare
    await executions.create({ ...anExecution(workflow), Id: 'exec-waiting', Status: 'Waiting' });

    // Act
    const before = await executions.markResumed('exec-waiting', 'ExecStage');

    // Assess
    expect(before).toEqual({ Status: 'Waiting', CurrentStage: 'ExecStage' });
    expect((await executions.get('exec-waiting'))?.Status).toBe('Resumed');
  });

  it('leaves an execution at another stage, or not waiting, alone, and never creates one', async () => {
    // Prepare
    await executions.create({ ...anExecution(workflow), Id: 'exec-elsewhere', Status: 'Waiting' });
    await executions.create({ ...anExecution(workflow), Id: 'exec-running', Status: 'Started' });

    // Act
    const outcomes = [
      await executions.markResumed('exec-elsewhere', 'OtherStage'),
      await executions.markResumed('exec-running', 'ExecStage'),
      await executions.markResumed('exec-unknown', 'ExecStage'),
      await executions.markResumed('', 'ExecStage'),
    ];

    // Assess
    expect(outcomes).toEqual([undefined, undefined, undefined, undefined]);
    expect((await executions.get('exec-elsewhere'))?.Status).toBe('Waiting');
    expect(await executions.get('exec-unknown')).toBeUndefined();
  });
});

describe('DynamoDbSystemConfiguration', () => {
  it('seeds a value only when none is stored', async () => {
    // Prepare
    await system.put({ Name: 'Seeded', Value: 7 });

    // Act
    const seeded = await system.putIfAbsent({ Name: 'Seeded', Value: 5 });
    const fresh = await system.putIfAbsent({ Name: 'Fresh', Value: 5 });

    // Assess
    expect([seeded, fresh]).toEqual([false, true]);
    expect(await system.list()).toEqual(
      expect.arrayContaining([
        { Name: 'Seeded', Value: 7 },
        { Name: 'Fresh', Value: 5 },
      ]),
    );
  });
});
