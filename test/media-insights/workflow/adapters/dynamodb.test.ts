import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NamedRecordTable, WorkflowTable } from '../../../../lambdas/media-insights/tables/definitions';
import type { ExecutionTable } from '../../../../lambdas/media-insights/tables/executions';
import type { SlotTable } from '../../../../lambdas/media-insights/tables/slots';
import type { SystemTable } from '../../../../lambdas/media-insights/tables/system';
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { FakeFunctions, MemorySlots } from '../engine/fakes';
import { PACKED_ATTRIBUTE, pack } from '../../../../lambdas/media-insights/tables/packing';
import { itemSize, MAX_ITEM_BYTES } from '../../../../lambdas/shared/dynamodb/item-size';
import { aStage, aWorkflow, anExecution, anOperation, generatedStageAsl } from '../domain/fixtures';
import {
  WorkflowStatus,
  type Operation,
  type Workflow,
  type WorkflowExecution,
} from '../../../../lambdas/media-insights/workflow/domain/types';
import { completeStage } from '../../../../lambdas/media-insights/workflow/domain/records';
import { startLocalEngines, type LocalEngines } from '../../dataplane/support';
import { WORKFLOW_ENV, provisionWorkflowTables } from '../api/support';

let engines: LocalEngines;
let client: DynamoDBDocumentClient;
let operations: NamedRecordTable<Operation>;
let pagedOperations: NamedRecordTable<Operation>;
let workflows: WorkflowTable;
let executions: ExecutionTable;
let system: SystemTable;
let slots: SlotTable;

beforeAll(async () => {
  engines = await startLocalEngines();
  await provisionWorkflowTables(engines.dynamo);
  // Loaded only now: the clients module reads the endpoint from the environment set above.
  ({ documentClient: client } = await import('../../../../lambdas/media-insights/tables/document-client'));
  const definitions = await import('../../../../lambdas/media-insights/tables/definitions');
  const { ExecutionTable } = await import('../../../../lambdas/media-insights/tables/executions');
  const { SystemTable } = await import('../../../../lambdas/media-insights/tables/system');
  const { SlotTable } = await import('../../../../lambdas/media-insights/tables/slots');
  operations = new definitions.NamedRecordTable(client, WORKFLOW_ENV.OPERATION_TABLE_NAME);
  pagedOperations = new definitions.NamedRecordTable(client, WORKFLOW_ENV.OPERATION_TABLE_NAME, {
    scanPageSize: 1,
  });
  workflows = new definitions.WorkflowTable(client, WORKFLOW_ENV.WORKFLOW_TABLE_NAME);
  executions = new ExecutionTable(client, {
    executions: WORKFLOW_ENV.WORKFLOW_EXECUTION_TABLE_NAME,
    stages: WORKFLOW_ENV.WORKFLOW_EXECUTION_STAGE_TABLE_NAME,
    versions: WORKFLOW_ENV.WORKFLOW_VERSION_TABLE_NAME,
  });
  system = new SystemTable(client, WORKFLOW_ENV.SYSTEM_TABLE_NAME);
  slots = new SlotTable(client, WORKFLOW_ENV.SLOT_TABLE_NAME);
});

afterAll(async () => {
  await engines.stop();
});

/** Stores an execution as records were stored before stages had items of their own: one item, packed. */
async function putWholeRecord(execution: WorkflowExecution): Promise<void> {
  const paths = ['Workflow.Stages.*.Definition', 'Workflow.Stages.*.Input', 'Workflow.Stages.*.Outputs'];
  await client.send(
    new PutCommand({ TableName: WORKFLOW_ENV.WORKFLOW_EXECUTION_TABLE_NAME, Item: pack(execution, paths) }),
  );
}

function workflowWith(name: string, stageName: string, operationName: string): Workflow {
  return { ...aWorkflow(name, [aStage(stageName, [anOperation(operationName)])]), Name: name };
}

describe('NamedRecordTable', () => {
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

describe('WorkflowTable', () => {
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

describe('ExecutionTable', () => {
  const workflow = workflowWith('ExecWorkflow', 'ExecStage', 'ExecOp');

  it('lists by status and by asset with the projected fields only', async () => {
    // Prepare
    const execution = { ...anExecution(workflow), Id: 'exec-projected', AssetId: 'asset-projected' };
    await executions.create({ ...execution, Status: 'Error', StateMachineExecutionArn: 'arn:exec' }, workflow);

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
    await executions.create(execution, workflow);

    // Act
    const again = await executions.create({ ...execution, Status: 'Error' }, workflow);

    // Assess
    expect(again).toBe(false);
    expect((await executions.get('exec-twice'))?.Status).toBe('Queued');
  });

  it('marks a waiting execution resumed and reports what it was', async () => {
    // Prepare
    await executions.create({ ...anExecution(workflow), Id: 'exec-waiting', Status: 'Waiting' }, workflow);

    // Act
    const before = await executions.markResumed('exec-waiting', 'ExecStage');

    // Assess
    expect(before).toEqual({ Status: 'Waiting', CurrentStage: 'ExecStage' });
    expect((await executions.get('exec-waiting'))?.Status).toBe('Resumed');
  });

  it('leaves an execution at another stage, or not waiting, alone, and never creates one', async () => {
    // Prepare
    await executions.create({ ...anExecution(workflow), Id: 'exec-elsewhere', Status: 'Waiting' }, workflow);
    await executions.create({ ...anExecution(workflow), Id: 'exec-running', Status: 'Started' }, workflow);

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

  it('gives the scheduler the records of one status, oldest first, without their stages', async () => {
    // Prepare
    const late = { ...anExecution(workflow), Id: 'exec-late', Status: 'Resumed' as const, Created: '1700000002.0' };
    const early = { ...anExecution(workflow), Id: 'exec-early', Status: 'Resumed' as const, Created: '1700000001.0' };
    await executions.create(late, workflow);
    await executions.create(early, workflow);

    // Act
    const resumed = await executions.recordsInStatus('Resumed');

    // Assess
    // Other tests leave resumed executions of their own in the table.
    const mine = resumed.filter((execution) => [early.Id, late.Id].includes(execution.Id));
    expect(mine.map((execution) => execution.Id)).toEqual([early.Id, late.Id]);
    expect(mine[0]?.Workflow).not.toHaveProperty('Stages');
    expect(await executions.stageOperations(mine[0]!, 'ExecStage')).toEqual(['ExecOp']);
  });

  it('moves an execution between states only from the states it is allowed to leave', async () => {
    // Prepare
    await executions.create({ ...anExecution(workflow), Id: 'exec-moving', Status: 'Queued' }, workflow);

    // Act
    const started = await executions.transition('exec-moving', ['Queued'], 'Started', {
      StateMachineExecutionArn: 'arn:run',
    });
    const again = await executions.transition('exec-moving', ['Queued'], 'Started');
    const unknown = await executions.transition('exec-nowhere', ['Queued'], 'Started');

    // Assess
    expect([started, again, unknown]).toEqual([true, false, false]);
    expect(await executions.get('exec-moving')).toMatchObject({
      Status: 'Started',
      StateMachineExecutionArn: 'arn:run',
    });
    expect(await executions.get('exec-nowhere')).toBeUndefined();
  });

  it('replaces a whole (older) record only while it keeps the status it was read with', async () => {
    // Prepare
    const execution = { ...anExecution(workflow), Id: 'exec-replaced', Status: 'Started' as const };
    await putWholeRecord(execution);

    // Act
    const first = await executions.replaceIf({ ...execution, Status: 'Complete' }, 'Started');
    const stale = await executions.replaceIf({ ...execution, Status: 'Error' }, 'Started');

    // Assess
    expect([first, stale]).toEqual([true, false]);
    expect((await executions.get('exec-replaced'))?.Status).toBe('Complete');
  });

  it('parks an execution as Waiting for the Wait operator and reads its status alone, never creating one', async () => {
    // Prepare
    await executions.create({ ...anExecution(workflow), Id: 'exec-parked', Status: 'Started' }, workflow);

    // Act
    const parked = await executions.markWaiting('exec-parked');
    const unknown = await executions.markWaiting('exec-not-there');

    // Assess
    expect([parked, unknown]).toEqual([true, false]);
    expect([await executions.status('exec-parked'), await executions.status('exec-not-there')]).toEqual([
      'Waiting',
      undefined,
    ]);
  });
});

describe('SlotTable', () => {
  it('hands a slot to one execution at a time and frees it only for its holder', async () => {
    // Act
    const claimed = await slots.claim(1, 'exec-a', 1000);
    const taken = await slots.claim(1, 'exec-b', 1001);
    await slots.release(1, 'exec-b');
    const held = await slots.list();
    await slots.release(1, 'exec-a');

    // Assess
    expect([claimed, taken]).toEqual([true, false]);
    expect(held).toEqual([{ slot: 1, executionId: 'exec-a', claimedAt: 1000 }]);
    expect(await slots.list()).toEqual([]);
  });
});

describe('SystemTable', () => {
  it('seeds a value only when none is stored', async () => {
    // Prepare
    await system.put({ Name: 'Seeded', Value: 7 });

    // Act
    const seeded = await system.putIfAbsent({ Name: 'Seeded', Value: 5 });
    const fresh = await system.putIfAbsent({ Name: 'Fresh', Value: 5 });

    // Assess
    expect([seeded, fresh]).toEqual([false, true]);
    expect(await system.get('Seeded')).toEqual({ Name: 'Seeded', Value: 7 });
    expect(await system.get('Never')).toBeUndefined();
    expect(await system.list()).toEqual(
      expect.arrayContaining([
        { Name: 'Seeded', Value: 7 },
        { Name: 'Fresh', Value: 5 },
      ]),
    );
  });
});

describe('records larger than one item unpacked', () => {
  it('stores a stage of 200 operations and reads back its generated ASL unchanged', async () => {
    // Prepare
    const { StageTable } = await import('../../../../lambdas/media-insights/tables/definitions');
    const stages = new StageTable(client, WORKFLOW_ENV.STAGE_TABLE_NAME);
    const stage = { ...aStage('Huge', [anOperation('HugeOp')]), Definition: generatedStageAsl('Huge', 200) };
    expect(itemSize(stage)).toBeGreaterThan(MAX_ITEM_BYTES);

    // Act
    const created = await stages.create(stage);

    // Assess
    expect(created).toBe(true);
    expect(await stages.get('Huge')).toEqual(stage);
    expect(await stages.list()).toContainEqual(stage);
    const { Item } = await client.send(
      new GetCommand({ TableName: WORKFLOW_ENV.STAGE_TABLE_NAME, Key: { Name: 'Huge' } }),
    );
    expect(Item).not.toHaveProperty('Definition');
    expect(Item).toHaveProperty(PACKED_ATTRIBUTE);
  });

  it('answers an execution of large stages as built, keeping each stage apart and the definitions once', async () => {
    // Prepare
    const big = ['W1', 'W2'].map((name) => ({
      ...aStage(name, [anOperation(`${name}Op`)]),
      Definition: generatedStageAsl(name, 120),
    }));
    const workflow = { ...aWorkflow('HugeWorkflow', big), Name: 'HugeWorkflow' };
    const execution = { ...anExecution(workflow), Id: 'exec-huge', Status: WorkflowStatus.Started };
    await workflows.create(workflow);

    // Act
    const created = await executions.create(execution, workflow);

    // Assess
    expect(created).toBe(true);
    expect(await workflows.get('HugeWorkflow')).toEqual(workflow);
    expect(await executions.get('exec-huge')).toEqual(execution);
    expect((await executions.list()).find((e) => e.Id === 'exec-huge')).toEqual(execution);
    const { Item } = await client.send(
      new GetCommand({ TableName: WORKFLOW_ENV.WORKFLOW_EXECUTION_TABLE_NAME, Key: { Id: 'exec-huge' } }),
    );
    expect(Item?.Workflow).not.toHaveProperty('Stages');
    expect(itemSize(Item ?? {})).toBeLessThan(2_000);
  });

  it('completes a stage by its own items, answering what completing the whole record answers', async () => {
    // Prepare
    const { WorkflowEngine } = await import('../../../../lambdas/media-insights/workflow/engine/engine');
    const operators = Array.from({ length: 30 }, (_, index) => anOperation(`Wide${index}`));
    const workflow = { ...aWorkflow('SplitWorkflow', [aStage('S1', operators), aStage('S2', [operators[0]!])]) };
    const execution = { ...anExecution(workflow), Id: 'exec-split', Status: WorkflowStatus.Started };
    await executions.create(execution, workflow);
    const outputs = operators.map((operation, index) => ({
      Name: operation.Name,
      AssetId: execution.AssetId,
      WorkflowExecutionId: execution.Id,
      Input: execution.Globals,
      Configuration: operation.Configuration,
      Status: 'Complete',
      MetaData: { [`Label${index}`]: `label ${index}` },
      Media: {},
    }));
    for (const output of outputs) await executions.recordOutput(execution.Id, 'S1', output, execution.Globals);
    const engine = new WorkflowEngine({
      executions,
      operations: { get: async () => undefined },
      invoker: new FakeFunctions({}),
      slots: new MemorySlots(),
      requestScheduling: async () => {},
    });

    // Act
    const next = await engine.completeStage({ ExecutionId: execution.Id, StageName: 'S1' });

    // Assess
    expect(next).toEqual({ ExecutionId: execution.Id, StageName: 'S2', Operations: ['Wide0'] });
    expect(await executions.get(execution.Id)).toEqual(completeStage(execution, 'S1', outputs).execution);
  });

  it('still reads, and completes stages of, records stored whole before stages had their own items', async () => {
    // Prepare
    const big = ['L1', 'L2'].map((name) => ({
      ...aStage(name, [anOperation(`${name}Op`)]),
      Definition: generatedStageAsl(name, 120),
    }));
    const workflow = { ...aWorkflow('LegacyWorkflow', big), Name: 'LegacyWorkflow' };
    const execution = { ...anExecution(workflow), Id: 'exec-legacy', Status: WorkflowStatus.Started };
    await putWholeRecord(execution);
    const { WorkflowEngine } = await import('../../../../lambdas/media-insights/workflow/engine/engine');
    const engine = new WorkflowEngine({
      executions,
      operations: { get: async () => undefined },
      invoker: new FakeFunctions({}),
      slots: new MemorySlots(),
      requestScheduling: async () => {},
    });
    const output = { Name: 'L1Op', Status: 'Complete', MetaData: { Found: true }, Media: {} };

    // Act
    const read = await executions.get('exec-legacy');
    const next = await engine.completeStage({ ExecutionId: 'exec-legacy', StageName: 'L1', Outputs: [output] });

    // Assess
    expect(read).toEqual(execution);
    expect(next).toEqual({ ExecutionId: 'exec-legacy', StageName: 'L2', Operations: ['L2Op'] });
    expect(await executions.get('exec-legacy')).toEqual(completeStage(execution, 'L1', [output]).execution);
  });

  it('ends an execution in Error, keeping what it had, when a stage outputs more than one record can hold', async () => {
    // Prepare
    const { WorkflowEngine } = await import('../../../../lambdas/media-insights/workflow/engine/engine');
    const operators = Array.from({ length: 100 }, (_, index) => anOperation(`Overflow${index}`));
    const workflow = { ...aWorkflow('OverflowWorkflow', [aStage('OverflowStage', operators)]) };
    const execution = { ...anExecution(workflow), Id: 'exec-overflow', Status: WorkflowStatus.Started };
    await executions.create(execution, workflow);
    const engine = new WorkflowEngine({
      executions,
      operations: { get: async () => undefined },
      invoker: new FakeFunctions({}),
      slots: new MemorySlots(),
      requestScheduling: async () => {},
    });
    for (const [index, operation] of operators.entries()) {
      await executions.recordOutput(
        execution.Id,
        'OverflowStage',
        {
          Name: operation.Name,
          Status: 'Complete',
          MetaData: { [`Noise${index}`]: randomBytes(4_500).toString('base64') },
        },
        execution.Globals,
      );
    }

    // Act
    const result = await engine.completeStage({ ExecutionId: 'exec-overflow', StageName: 'OverflowStage' });

    // Assess
    expect(result).toEqual({ ExecutionId: 'exec-overflow', Status: 'Error' });
    const stored = await executions.get('exec-overflow');
    expect(stored?.Status).toBe('Error');
    expect(stored?.Message).toMatch(/^Stage OverflowStage outputs take \d+ bytes stored/);
    expect(stored?.Workflow.Stages['OverflowStage']).toMatchObject({ Status: 'Error', Outputs: [] });
    expect(stored?.Globals).toEqual(execution.Globals);
  });

  it('reads what running an operation needs, its configuration and the globals, without the rest', async () => {
    // Prepare
    const big = ['C1', 'C2'].map((name) => ({
      ...aStage(name, [anOperation(`${name}Op`), anOperation(`${name}Other`)]),
      Definition: generatedStageAsl(name, 50),
    }));
    const workflow = { ...aWorkflow('ContextWorkflow', big), Name: 'ContextWorkflow' };
    const execution = { ...anExecution(workflow), Id: 'exec-context' };
    await executions.create(execution, workflow);

    // Act
    const context = await executions.stageContext('exec-context', 'C2', 'C2Op');
    const unknownStage = await executions.stageContext('exec-context', 'Nope', 'C2Op');
    const unknownExecution = await executions.stageContext('exec-none', 'C2', 'C2Op');

    // Assess
    expect(context).toEqual({
      Id: 'exec-context',
      AssetId: execution.AssetId,
      Globals: execution.Globals,
      Workflow: { Stages: { C2: { Configuration: { C2Op: execution.Workflow.Stages['C2'].Configuration['C2Op'] } } } },
    });
    expect(unknownStage?.Workflow.Stages).toEqual({});
    expect(unknownExecution).toBeUndefined();
  });
});
