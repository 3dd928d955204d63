import { engineFunctionArns, operationAsl, stageDefinition } from '../../../../lambdas/media-insights/workflow/api/asl';
import {
  buildExecutionRecord,
  buildOperationRecord,
  buildStageRecord,
  buildWorkflowRecord,
  singletonStageRequest,
} from '../../../../lambdas/media-insights/workflow/domain/records';
import type {
  Operation,
  OperationConfiguration,
  Stage,
  Workflow,
  WorkflowExecution,
} from '../../../../lambdas/media-insights/workflow/domain/types';
import type { WorkflowStageLink } from '../../../../lambdas/media-insights/workflow/domain/validation';

export const CREATED = '1700000000.5';

export function anOperation(
  name: string,
  configuration: Partial<OperationConfiguration> = {},
  type: 'Sync' | 'Async' = 'Sync',
): Operation {
  return buildOperationRecord(
    {
      Name: name,
      Type: type,
      Configuration: { MediaType: 'Video', Enabled: true, ...configuration },
      StartLambdaArn: `arn:aws:lambda:us-east-1:111122223333:function:${name}-start`,
      ...(type === 'Async'
        ? { MonitorLambdaArn: `arn:aws:lambda:us-east-1:111122223333:function:${name}-monitor` }
        : {}),
    },
    { id: `op-${name}`, created: CREATED, stateMachineAsl: `{"op":"${name}"}` },
  );
}

export function aStage(name: string, operations: readonly Operation[]): Stage {
  return buildStageRecord({ Name: name, Operations: operations.map((operation) => operation.Name) }, operations, {
    id: `stage-${name}`,
    created: CREATED,
    definition: `{"stage":"${name}"}`,
  });
}

export function aSingletonStage(operation: Operation): Stage {
  return buildStageRecord(singletonStageRequest(operation.Name), [operation], {
    id: `stage-_${operation.Name}`,
    created: CREATED,
    definition: '{}',
  });
}

export function stageMap(...stages: Stage[]): Map<string, Stage> {
  return new Map(stages.map((stage) => [stage.Name, stage]));
}

/** A workflow running the given stages one after the other. */
export function aWorkflow(name: string, stages: readonly Stage[]): Workflow {
  const links: Record<string, WorkflowStageLink> = {};
  stages.forEach((stage, index) => {
    links[stage.Name] = index === stages.length - 1 ? { End: true } : { Next: stages[index + 1].Name };
  });
  const draft = buildWorkflowRecord({ Name: name, StartAt: stages[0].Name, Stages: links }, stageMap(...stages), {
    id: `wf-${name}`,
    created: CREATED,
  });
  return { ...draft, StateMachineArn: `arn:aws:states:us-east-1:111122223333:stateMachine:${name}-abc123` };
}

export function anExecution(workflow: Workflow, overrides: Partial<WorkflowExecution> = {}): WorkflowExecution {
  const execution = buildExecutionRecord(
    workflow,
    {
      AssetId: 'asset-1',
      Media: { Video: { S3Bucket: 'dataplane', S3Key: 'private/assets/asset-1/input/v.mp4' } },
      Configuration: {},
    },
    { id: 'exec-1', created: CREATED },
  );
  return { ...execution, ...overrides };
}

/** The ASL the control plane generates for a stage of `count` operations: ~2.4 KB each, so 200 pass 400 KB. */
export function generatedStageAsl(stageName: string, count: number): string {
  const engine = engineFunctionArns('arn:aws:lambda:us-east-1:111122223333:function:engine');
  const asls = Array.from({ length: count }, (_, index) =>
    operationAsl(
      {
        Name: `operator${index}`,
        Type: index % 2 === 0 ? 'Async' : 'Sync',
        Configuration: { MediaType: 'Video' },
        StartLambdaArn: `arn:aws:lambda:us-east-1:111122223333:function:operator${index}-start`,
        MonitorLambdaArn: `arn:aws:lambda:us-east-1:111122223333:function:operator${index}-monitor`,
      },
      engine,
    ),
  );
  return stageDefinition(stageName, asls, engine);
}
