import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** The ARN pattern of every execution of `machine` (what `states:DescribeExecution` and `StopExecution` act on). */
export function executionsOf(scope: Construct, machine: sfn.StateMachine): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${machine.stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** How cdk-nag spells `executionsOf(machine)` in an IAM5 finding. */
export function executionsFinding(machine: sfn.StateMachine): string {
  const logicalId = Stack.of(machine).getLogicalId(machine.node.defaultChild as sfn.CfnStateMachine);
  return `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${logicalId}.Name>:*`;
}
