import { BadRequestError, ConflictError, NotFoundError } from '../../../../lambdas/shared/http/errors';
import {
  applyConfigurationOverrides,
  assertConfigurationOverrides,
  assertNoActiveExecution,
  assertOperationIsNew,
  assertStageIsNew,
  buildExecutionRecord,
  buildWorkflowRecord,
  canDeleteExecution,
  canDeleteOperation,
  canDeleteStage,
  canDeleteWorkflow,
  executionSummary,
  markOperationStale,
  markStageStale,
  newestFirst,
  pythonTimestamp,
  rebuildWorkflowRecord,
  resolveOperations,
  singletonStageRequest,
  workflowConfiguration,
  workflowUsesOperation,
  workflowUsesStage,
} from '../../../../lambdas/media-insights/workflow/domain/records';
import { CREATED, aSingletonStage, aStage, aWorkflow, anExecution, anOperation, stageMap } from './fixtures';

describe('pythonTimestamp', () => {
  it('writes seconds with a fraction like str(datetime.timestamp())', () => {
    // Act
    const created = pythonTimestamp(new Date(1_700_000_000_250));

    // Assess
    expect(created).toBe('1700000000.25');
  });

  it('keeps the ".0" Python prints for a whole second', () => {
    // Act
    const created = pythonTimestamp(new Date(1_700_000_000_000));

    // Assess
    expect(created).toBe('1700000000.0');
  });
});

describe('operation and stage records', () => {
  it('builds an operation record with its singleton stage name and version fields', () => {
    // Act
    const operation = anOperation('Mediainfo');

    // Assess
    expect(operation).toMatchObject({
      Name: 'Mediainfo',
      StageName: '_Mediainfo',
      Version: 'v0',
      Id: 'op-Mediainfo',
      Created: CREATED,
      ResourceType: 'OPERATION',
      ApiVersion: '3.0.0',
      StateMachineAsl: '{"op":"Mediainfo"}',
    });
  });

  it('names the singleton stage after the operation', () => {
    // Act
    const request = singletonStageRequest('Thumbnail');

    // Assess
    expect(request).toEqual({ Name: '_Thumbnail', Operations: ['Thumbnail'] });
  });

  it("copies each operation's default configuration into the stage", () => {
    // Prepare
    const mediainfo = anOperation('Mediainfo', { MediaType: 'Video', Enabled: true });
    const transcribe = anOperation('Transcribe', { MediaType: 'Audio', Enabled: false, LanguageCode: 'en-US' });

    // Act
    const stage = aStage('Analysis', [mediainfo, transcribe]);

    // Assess
    expect(stage.Configuration).toEqual({
      Mediainfo: { MediaType: 'Video', Enabled: true },
      Transcribe: { MediaType: 'Audio', Enabled: false, LanguageCode: 'en-US' },
    });
    expect(stage.Configuration.Mediainfo).not.toBe(mediainfo.Configuration);
  });

  it('reports an unknown operation of a stage as a bad request with the original message', () => {
    // Prepare
    const lookup = new Map([['Mediainfo', anOperation('Mediainfo')]]);

    // Act
    const act = () => resolveOperations(['Mediainfo', 'Missing'], lookup);

    // Assess
    expect(act).toThrow(new BadRequestError("Exception: operation 'Missing' not found"));
  });

  it('answers a duplicate operation or stage name with a conflict', () => {
    // Prepare
    const operation = anOperation('Mediainfo');

    // Act
    const operationConflict = () => assertOperationIsNew('Mediainfo', operation);
    const stageConflict = () => assertStageIsNew('_Mediainfo', aSingletonStage(operation));

    // Assess
    expect(operationConflict).toThrow(new ConflictError("A operation with the name 'Mediainfo' already exists"));
    expect(stageConflict).toThrow(new ConflictError("A stage with the name '_Mediainfo' already exists"));
  });
});

describe('workflow records', () => {
  const mediainfo = anOperation('Mediainfo');
  const thumbnail = anOperation('Thumbnail');
  const preprocess = aStage('Preprocess', [mediainfo]);
  const analysis = aStage('Analysis', [thumbnail, mediainfo]);

  it('embeds the full stage records with their links and lists every operation', () => {
    // Act
    const workflow = aWorkflow('wf', [preprocess, analysis]);

    // Assess
    expect(workflow.Stages.Preprocess).toEqual({ ...preprocess, Next: 'Analysis' });
    expect(workflow.Stages.Analysis).toEqual({ ...analysis, End: true });
    expect(workflow.Operations).toEqual(['Mediainfo', 'Thumbnail', 'Mediainfo']);
    expect(workflow).toMatchObject({
      Trigger: 'api',
      StaleOperations: [],
      StaleStages: [],
      Version: 'v0',
      Revisions: '1',
      ResourceType: 'WORKFLOW',
      ApiVersion: '3.0.0',
    });
  });

  it('lets the stored stage win over fields of the same name in the request', () => {
    // Prepare
    const request = {
      Name: 'wf',
      StartAt: 'Preprocess',
      Stages: { Preprocess: { End: true as const, Operations: [] } },
    };

    // Act
    const draft = buildWorkflowRecord(request, stageMap(preprocess), { id: 'w', created: CREATED });

    // Assess
    expect(draft.Stages.Preprocess.Operations).toEqual(['Mediainfo']);
  });

  it('reports an unknown stage with the original message as a bad request', () => {
    // Prepare
    const request = { Name: 'wf', StartAt: 'Preprocess', Stages: { Preprocess: { End: true as const } } };

    // Act
    const act = () => buildWorkflowRecord(request, stageMap(), { id: 'w', created: CREATED });

    // Assess
    expect(act).toThrow(new BadRequestError("Exception: stage 'Preprocess' not found"));
  });

  it('rejects a stage without operations, which Step Functions cannot run', () => {
    // Prepare
    const empty = aStage('Empty', []);
    const request = { Name: 'wf', StartAt: 'Empty', Stages: { Empty: { End: true as const } } };

    // Act
    const act = () => buildWorkflowRecord(request, stageMap(empty), { id: 'w', created: CREATED });

    // Assess
    expect(act).toThrow(new BadRequestError('Stage Empty has no operations'));
  });

  it('rejects a stage listing one operation twice', () => {
    // Prepare
    const twice = aStage('Twice', [mediainfo, mediainfo]);
    const request = { Name: 'wf', StartAt: 'Twice', Stages: { Twice: { End: true as const } } };

    // Act
    const act = () => buildWorkflowRecord(request, stageMap(twice), { id: 'w', created: CREATED });

    // Assess
    expect(act).toThrow(new BadRequestError('Stage Twice lists operation Mediainfo more than once'));
  });

  it('rebuilds a workflow from current stage definitions, clears stale marks and counts the revision', () => {
    // Prepare
    const workflow = markStageStale(markOperationStale(aWorkflow('wf', [preprocess, analysis]), 'Thumbnail'), 'X');
    const newerAnalysis = aStage('Analysis', [thumbnail]);

    // Act
    const first = rebuildWorkflowRecord(workflow, { Name: 'wf' }, stageMap(preprocess, newerAnalysis));
    const second = rebuildWorkflowRecord(first, { Name: 'wf' }, stageMap(preprocess, newerAnalysis));

    // Assess
    expect(first.Stages.Analysis.Operations).toEqual(['Thumbnail']);
    expect(first.Stages.Analysis.End).toBe(true);
    expect(first.Operations).toEqual(['Mediainfo', 'Thumbnail']);
    expect(first).toMatchObject({ StaleOperations: [], StaleStages: [], Version: 'v2', Revisions: '2' });
    expect(first).toMatchObject({
      Id: workflow.Id,
      Created: workflow.Created,
      StateMachineArn: workflow.StateMachineArn,
    });
    expect(second.Version).toBe('v3');
  });

  it('replaces the stage chain on update when Stages and StartAt are given', () => {
    // Prepare
    const workflow = aWorkflow('wf', [preprocess, analysis]);

    // Act
    const updated = rebuildWorkflowRecord(
      workflow,
      { Name: 'wf', StartAt: 'Analysis', Stages: { Analysis: { End: true } } },
      stageMap(preprocess, analysis),
    );

    // Assess
    expect(Object.keys(updated.Stages)).toEqual(['Analysis']);
    expect(updated.StartAt).toBe('Analysis');
  });

  it("returns each stage's configuration for GET /workflow/configuration/{Name}", () => {
    // Prepare
    const workflow = aWorkflow('wf', [preprocess, analysis]);

    // Act
    const configuration = workflowConfiguration(workflow);

    // Assess
    expect(configuration).toEqual({ Preprocess: preprocess.Configuration, Analysis: analysis.Configuration });
  });

  it('finds the workflows depending on an operation or a stage', () => {
    // Prepare
    const workflow = aWorkflow('wf', [preprocess]);

    // Act
    const usage = [
      workflowUsesOperation(workflow, 'Mediainfo'),
      workflowUsesOperation(workflow, 'Thumbnail'),
      workflowUsesStage(workflow, 'Preprocess'),
      workflowUsesStage(workflow, 'toString'),
    ];

    // Assess
    expect(usage).toEqual([true, false, true, false]);
  });

  it('appends stale marks, keeping repeats as the original list_append does', () => {
    // Prepare
    const workflow = aWorkflow('wf', [preprocess]);

    // Act
    const flagged = markOperationStale(markOperationStale(workflow, 'Mediainfo'), 'Mediainfo');

    // Assess
    expect(flagged.StaleOperations).toEqual(['Mediainfo', 'Mediainfo']);
    expect(workflow.StaleOperations).toEqual([]);
  });
});

describe('deletion rules', () => {
  const operation = anOperation('Mediainfo');
  const stage = aSingletonStage(operation);

  it('answers deleting a missing operation, stage or workflow with a 200 message', () => {
    // Act
    const decisions = [
      canDeleteOperation('Gone', undefined, [], false),
      canDeleteStage('Gone', undefined, [], false),
      canDeleteWorkflow('Gone', undefined),
    ];

    // Assess
    expect(decisions).toEqual([
      { action: 'warn', response: { Message: "Warning: operation 'Gone' not found" } },
      { action: 'warn', response: { Message: "Warning: stage 'Gone' not found" } },
      { action: 'warn', response: { Message: "Workflow 'Gone' not found" } },
    ]);
  });

  it('refuses to delete an operation used by a workflow unless forced, with the exact original message', () => {
    // Act
    const act = () => canDeleteOperation('Mediainfo', operation, [{ Name: 'wf' }], false);

    // Assess
    expect(act).toThrow(
      new BadRequestError(
        'Dependent workflows were found for operation Mediainfo.\n' +
          '                    Either delete the dependent workflows or set the query parameter\n' +
          '                    force=true to delete the stage anyhow.  Undeleted dependent workflows\n' +
          '                    will be kept but will contain the deleted definition of the stage.  To\n' +
          '                    find the workflow that depend on a stage use the following endpoint:\n' +
          '                    GET /workflow/list/operation/',
      ),
    );
  });

  it('deletes a used operation or stage when forced', () => {
    // Act
    const decisions = [
      canDeleteOperation('Mediainfo', operation, [{ Name: 'wf' }], true),
      canDeleteStage('_Mediainfo', stage, [{ Name: 'wf' }], true),
    ];

    // Assess
    expect(decisions).toEqual([
      { action: 'delete', record: operation },
      { action: 'delete', record: stage },
    ]);
  });

  it('refuses to delete a used stage unless forced, pointing at the stage listing', () => {
    // Act
    const act = () => canDeleteStage('_Mediainfo', stage, [{ Name: 'wf' }], false);

    // Assess
    expect(act).toThrow(
      /^Dependent workflows were found for stage _Mediainfo\.\n[\s\S]*GET \/workflow\/list\/stage\/$/,
    );
  });

  it('answers deleting a missing execution with a 404', () => {
    // Act
    const act = () => canDeleteExecution('nope', undefined);

    // Assess
    expect(act).toThrow(new NotFoundError("Exception: workflow execution 'nope' not found"));
  });
});

describe('execution records', () => {
  const wait = anOperation('Wait', { MediaType: 'MetadataOnly', Enabled: false }, 'Async');
  const mediainfo = anOperation('Mediainfo');
  const workflow = aWorkflow('wf', [aStage('Preprocess', [mediainfo]), aStage('Review', [wait])]);
  const media = { Video: { S3Bucket: 'dataplane', S3Key: 'private/assets/a/input/v.mp4' } };

  it('queues a new execution with the first stage started and the others not started', () => {
    // Act
    const execution = buildExecutionRecord(
      workflow,
      { AssetId: 'a', Media: media, Configuration: {} },
      { id: 'e', created: CREATED },
    );

    // Assess
    expect(execution).toMatchObject({
      Id: 'e',
      Trigger: 'api',
      CurrentStage: 'Preprocess',
      Status: 'Queued',
      AssetId: 'a',
      Globals: { Media: media, MetaData: {} },
      Version: 'v0',
      ResourceType: 'WORKFLOW_EXECUTION',
      ApiVersion: '3.0.0',
    });
    expect(execution.Workflow.Stages.Preprocess).toMatchObject({
      Status: 'Started',
      Input: { Media: media, MetaData: {} },
      Name: 'Preprocess',
      AssetId: 'a',
      WorkflowExecutionId: 'e',
      Metrics: {},
      MetaData: {},
    });
    expect(execution.Workflow.Stages.Review.Status).toBe('Not Started');
    expect(execution.Workflow.Stages.Review.Input).toBeUndefined();
    expect(execution.Workflow.StateMachineArn).toBe(workflow.StateMachineArn);
  });

  it('applies configuration overrides key by key to the execution copy only', () => {
    // Prepare
    const configuration = { Review: { Wait: { Enabled: true, Note: 'check captions' } } };

    // Act
    const execution = buildExecutionRecord(
      workflow,
      { AssetId: 'a', Media: media, Configuration: configuration },
      {
        id: 'e',
        created: CREATED,
      },
    );

    // Assess
    expect(execution.Workflow.Stages.Review.Configuration.Wait).toEqual({
      MediaType: 'MetadataOnly',
      Enabled: true,
      Note: 'check captions',
    });
    expect(workflow.Stages.Review.Configuration.Wait.Enabled).toBe(false);
    expect(execution.Configuration).toEqual(configuration);
  });

  it('rejects an override for a stage the workflow does not have', () => {
    // Prepare
    const stages = structuredClone(workflow.Stages);

    // Act
    const act = () => applyConfigurationOverrides(stages, { Nope: {} });

    // Assess
    expect(act).toThrow(new BadRequestError("Exception: Invalid stage found in Configuration 'Nope'"));
  });

  it('rejects an override for an operation the stage does not have', () => {
    // Prepare
    const stages = structuredClone(workflow.Stages);

    // Act
    const act = () => applyConfigurationOverrides(stages, { Review: { Mediainfo: { Enabled: false } } });

    // Assess
    expect(act).toThrow(new BadRequestError("Exception: Invalid operation 'Mediainfo'"));
  });

  it('checks overrides without touching the workflow', () => {
    // Prepare
    const before = structuredClone(workflow);

    // Act
    const valid = () => assertConfigurationOverrides(workflow, { Review: { Wait: { Enabled: true } } });
    const invalid = () => assertConfigurationOverrides(workflow, { Review: { Nope: {} } });

    // Assess
    expect(valid).not.toThrow();
    expect(invalid).toThrow(new BadRequestError("Exception: Invalid operation 'Nope'"));
    expect(workflow).toEqual(before);
  });

  it('allows a new execution on an asset whose executions are all finished', () => {
    // Act
    const act = () =>
      assertNoActiveExecution('a', [
        { Id: '1', Status: 'Complete' },
        { Id: '2', Status: 'Error' },
      ]);

    // Assess
    expect(act).not.toThrow();
  });

  it.each(['Queued', 'Started', 'Waiting', 'Resumed'] as const)(
    'answers a new execution on an asset with a %s one with a conflict',
    (status) => {
      // Act
      const act = () =>
        assertNoActiveExecution('a', [
          { Id: '1', Status: 'Complete' },
          { Id: '2', Status: status },
        ]);

      // Assess
      expect(act).toThrow(
        new ConflictError('There is currently another workflow execution(Id = 2) active on AssetId a.'),
      );
    },
  );

  it('projects executions for the listings, with Created only for the asset listing', () => {
    // Prepare
    const execution = anExecution(workflow, { StateMachineExecutionArn: 'arn:exec' });

    // Act
    const byAsset = executionSummary(execution, { withCreated: true });
    const byStatus = executionSummary(anExecution(workflow), { withCreated: false });

    // Assess
    expect(byAsset).toEqual({
      Id: 'exec-1',
      AssetId: 'asset-1',
      CurrentStage: 'Preprocess',
      Created: CREATED,
      StateMachineExecutionArn: 'arn:exec',
      Status: 'Queued',
      Workflow: { Name: 'wf' },
    });
    expect(byStatus).toEqual({
      Id: 'exec-1',
      AssetId: 'asset-1',
      CurrentStage: 'Preprocess',
      Status: 'Queued',
      Workflow: { Name: 'wf' },
    });
  });

  it('lists the executions of an asset newest first', () => {
    // Act
    const sorted = newestFirst([{ Created: '1700000000.5' }, { Created: '1700000100.0' }, { Created: '1699999999.9' }]);

    // Assess
    expect(sorted.map((execution) => execution.Created)).toEqual(['1700000100.0', '1700000000.5', '1699999999.9']);
  });
});
