import type { ControlPlanePorts } from '../api/control-plane';
import type { WorkflowApiConfig } from '../api/config';
import { lambdaClient, sfnClient } from '../../clients';
import { documentClient } from '../../tables/document-client';
import { NamedRecordTable, StageTable, WorkflowTable } from '../../tables/definitions';
import { ExecutionTable } from '../../tables/executions';
import { SystemTable } from '../../tables/system';
import { LambdaDataplaneAssets } from './lambda-dataplane';
import { LambdaFunctionInvoker, type FunctionInvoker } from './lambda-invoker';
import { LambdaWorkflowScheduler } from './lambda-scheduler';
import { SfnStateMachineExecutions } from './sfn-executions';

/** Everything the control plane talks to, on the module-scope SDK clients. */
export function createWorkflowPorts(
  config: WorkflowApiConfig,
  invoker: FunctionInvoker = new LambdaFunctionInvoker(lambdaClient),
): ControlPlanePorts {
  return {
    operations: new NamedRecordTable(documentClient, config.operationTableName),
    stages: new StageTable(documentClient, config.stageTableName),
    workflows: new WorkflowTable(documentClient, config.workflowTableName),
    executions: new ExecutionTable(documentClient, {
      executions: config.executionTableName,
      stages: config.executionStageTableName,
      versions: config.workflowVersionTableName,
    }),
    system: new SystemTable(documentClient, config.systemTableName),
    dataplane: new LambdaDataplaneAssets(invoker, config.dataplaneHandlerArn),
    scheduler: new LambdaWorkflowScheduler(invoker, config.schedulerFunctionArn),
    stateMachines: new SfnStateMachineExecutions(sfnClient),
  };
}
