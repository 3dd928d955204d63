import type { Operation, WorkflowExecution } from '../../../../lambdas/media-insights/workflow/domain/types';

export function operation(name: string, type: 'Sync' | 'Async', mediaType = 'Video', enabled = true): Operation {
  return {
    Name: name,
    Type: type,
    Configuration: { MediaType: mediaType, Enabled: enabled },
    StartLambdaArn: `arn:start:${name}`,
    MonitorLambdaArn: type === 'Async' ? `arn:monitor:${name}` : undefined,
    StateMachineAsl: '{}',
    StageName: `_${name}`,
    Version: 'v0',
    Id: `id-${name}`,
    Created: '1700000000.0',
    ResourceType: 'OPERATION',
    ApiVersion: '3.0.0',
  };
}

/** An execution of a workflow whose stages run in the order given, each with its operations. */
export function execution(
  id: string,
  stages: Array<[string, Operation[]]>,
  status: WorkflowExecution['Status'] = 'Queued',
  created = '1700000000.0',
): WorkflowExecution {
  const media = { Video: { S3Bucket: 'b', S3Key: 'k.mp4' } };
  const stageRecords = Object.fromEntries(
    stages.map(([name, operations], index) => [
      name,
      {
        Name: name,
        Operations: operations.map((op) => op.Name),
        Configuration: Object.fromEntries(operations.map((op) => [op.Name, op.Configuration])),
        Definition: '{}',
        Version: 'v0',
        Id: `stage-${name}`,
        Created: '1700000000.0',
        ResourceType: 'STAGE' as const,
        ApiVersion: '3.0.0',
        ...(index === stages.length - 1 ? { End: true } : { Next: stages[index + 1]?.[0] }),
        Status: index === 0 ? ('Started' as const) : ('Not Started' as const),
        Metrics: {},
        AssetId: 'asset-1',
        WorkflowExecutionId: id,
        MetaData: {},
        ...(index === 0 ? { Input: { Media: media, MetaData: {} } } : {}),
      },
    ]),
  );
  return {
    Id: id,
    Trigger: 'api',
    CurrentStage: stages[0]?.[0] ?? 'End',
    Globals: { Media: media, MetaData: {} },
    Configuration: {},
    AssetId: 'asset-1',
    Version: 'v0',
    Created: created,
    ResourceType: 'WORKFLOW_EXECUTION',
    ApiVersion: '3.0.0',
    Status: status,
    Workflow: {
      Name: 'wf',
      StartAt: stages[0]?.[0] ?? '',
      Stages: stageRecords,
      Trigger: 'api',
      Operations: [],
      StaleOperations: [],
      StaleStages: [],
      Version: 'v0',
      Id: 'wf-id',
      Created: '1700000000.0',
      Revisions: '1',
      ResourceType: 'WORKFLOW',
      ApiVersion: '3.0.0',
      StateMachineArn: 'arn:runner',
    },
  };
}
