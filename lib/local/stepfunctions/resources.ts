import { isLambdaFunctionArn } from './arn';

/** The Task `Resource` forms local mode can run; every other resource is refused by `validateDefinition`. */
export type TaskResource =
  | { readonly kind: 'lambdaInvoke'; readonly waitForTaskToken: boolean }
  | { readonly kind: 'lambdaFunction'; readonly functionArn: string }
  | { readonly kind: 'startExecution'; readonly pattern: StartExecutionPattern };

export type StartExecutionPattern = 'requestResponse' | 'sync' | 'sync:2' | 'waitForTaskToken';

const LAMBDA_INVOKE = /^arn:[^:]+:states:::lambda:invoke(\.waitForTaskToken)?$/;
const START_EXECUTION = /^arn:[^:]+:states:::states:startExecution(?:\.(sync:2|sync|waitForTaskToken))?$/;

export function parseTaskResource(resource: string): TaskResource | undefined {
  const lambdaInvoke = LAMBDA_INVOKE.exec(resource);
  if (lambdaInvoke) return { kind: 'lambdaInvoke', waitForTaskToken: lambdaInvoke[1] !== undefined };
  const startExecution = START_EXECUTION.exec(resource);
  if (startExecution) {
    const pattern = (startExecution[1] ?? 'requestResponse') as StartExecutionPattern;
    return { kind: 'startExecution', pattern };
  }
  if (isLambdaFunctionArn(resource)) return { kind: 'lambdaFunction', functionArn: resource };
  return undefined;
}

/** `arn:aws:states:::lambda:invoke` → `lambda` / `invoke`, as history events name a service integration. */
export function describeTaskResource(resource: string): { resourceType: string; resource: string } {
  const integration = /^arn:[^:]+:states:::([^:]+):(.+)$/.exec(resource);
  if (integration) return { resourceType: integration[1], resource: integration[2] };
  return { resourceType: 'lambda', resource };
}
