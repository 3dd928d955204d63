import { randomUUID } from 'node:crypto';
import { InvalidArn, InvalidName } from './errors';
import type { StateMachineType } from './types';

const STATE_MACHINE_ARN = /^arn:([^:]+):states:([^:]+):([^:]+):stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:([^:]+):states:([^:]+):([^:]+):(?:execution|express):([^:]+):([^:]+)(?::[^:]+)?$/;
const LAMBDA_FUNCTION_ARN = /^arn:([^:]+):lambda:([^:]+):([^:]+):function:([^:]+)(?::([^:]+))?$/;
const PARTIAL_LAMBDA_FUNCTION_ARN = /^([^:]+):function:([^:]+)(?::([^:]+))?$/;
const LAMBDA_FUNCTION_NAME = /^([^:]+)(?::([^:]+))?$/;
// What AWS refuses in state machine and execution names: whitespace, brackets, wildcards, punctuation, controls.
// eslint-disable-next-line no-control-regex -- control characters are among what AWS refuses
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export interface StateMachineArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly name: string;
}

export function formatStateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
}

export function parseStateMachineArn(arn: string): StateMachineArnParts {
  const match = STATE_MACHINE_ARN.exec(arn);
  if (!match) throw new InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  const [, partition, region, accountId, name] = match;
  return { partition, region, accountId, name };
}

/** Express executions are not addressable by name alone in AWS: their ARN carries an extra unique id. */
export function formatExecutionArn(stateMachineArn: string, executionName: string, type: StateMachineType): string {
  const { partition, region, accountId, name } = parseStateMachineArn(stateMachineArn);
  const prefix = `arn:${partition}:states:${region}:${accountId}`;
  return type === 'EXPRESS'
    ? `${prefix}:express:${name}:${executionName}:${randomUUID()}`
    : `${prefix}:execution:${name}:${executionName}`;
}

export function assertExecutionArn(arn: string): void {
  if (!EXECUTION_ARN.test(arn)) throw new InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}

export function assertValidName(name: string, what: 'state machine' | 'execution'): void {
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new InvalidName(`Invalid Name: '${name}' is not a valid ${what} name`);
  }
}

export interface LambdaFunctionReference {
  /** Unqualified: local mode runs one version of each function, so aliases and versions resolve to it. */
  readonly functionArn: string;
  readonly qualifier?: string;
}

/** Accepts every form Lambda's `FunctionName` accepts: name, partial ARN, full ARN, each with or without qualifier. */
export function parseLambdaFunction(
  functionName: string,
  region: string,
  accountId: string,
): LambdaFunctionReference | undefined {
  const full = LAMBDA_FUNCTION_ARN.exec(functionName);
  if (full) {
    const [, partition, arnRegion, arnAccount, name, qualifier] = full;
    return { functionArn: `arn:${partition}:lambda:${arnRegion}:${arnAccount}:function:${name}`, qualifier };
  }
  const partial = PARTIAL_LAMBDA_FUNCTION_ARN.exec(functionName);
  if (partial) {
    const [, arnAccount, name, qualifier] = partial;
    return { functionArn: `arn:aws:lambda:${region}:${arnAccount}:function:${name}`, qualifier };
  }
  const plain = LAMBDA_FUNCTION_NAME.exec(functionName);
  if (plain) {
    const [, name, qualifier] = plain;
    return { functionArn: `arn:aws:lambda:${region}:${accountId}:function:${name}`, qualifier };
  }
  return undefined;
}

export function isLambdaFunctionArn(resource: string): boolean {
  return LAMBDA_FUNCTION_ARN.test(resource);
}
