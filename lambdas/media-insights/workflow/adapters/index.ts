import type { ControlPlanePorts } from '../api/control-plane';
import type { WorkflowApiConfig } from '../api/config';
import { documentClient, lambdaClient, sfnClient } from './clients';
import { DynamoDbNamedRecords, DynamoDbWorkflowStore } from './dynamodb-definitions';
import { DynamoDbExecutionStore } from './dynamodb-executions';
import { DynamoDbSystemConfiguration } from './dynamodb-system';
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
    operations: new DynamoDbNamedRecords(documentClient, config.operationTableName),
    stages: new DynamoDbNamedRecords(documentClient, config.stageTableName),
    workflows: new DynamoDbWorkflowStore(documentClient, config.workflowTableName),
    executions: new DynamoDbExecutionStore(documentClient, config.executionTableName),
    system: new DynamoDbSystemConfiguration(documentClient, config.systemTableName),
    dataplane: new LambdaDataplaneAssets(invoker, config.dataplaneHandlerArn),
    scheduler: new LambdaWorkflowScheduler(invoker, config.schedulerFunctionArn),
    stateMachines: new SfnStateMachineExecutions(sfnClient),
  };
}
