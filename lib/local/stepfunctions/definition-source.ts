import * as fs from 'node:fs';
import { assetFileForKey } from '../assembly';
import { UnresolvableError, type StackResolver } from '../intrinsics';
import type { RegisterStateMachineInput, StateMachineType } from './index';

/**
 * An `AWS::StepFunctions::StateMachine` as local mode registers it: the definition from `DefinitionString`,
 * `Definition` or the `DefinitionS3Location` asset (`DefinitionBody.fromFile`), with `DefinitionSubstitutions`
 * applied as CloudFormation applies them, under the ARN and name the StackResolver gives its Ref and GetAtt.
 */
export function readStateMachine(
  resolver: StackResolver,
  logicalId: string,
  assemblyDir: string,
): RegisterStateMachineInput {
  const props = resolver.resource(logicalId).Properties ?? {};
  const arn = resolver.physicalId(logicalId);
  const substitutions = resolver.resolve(props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  const definition = Object.entries(substitutions).reduce(
    (text, [name, value]) => text.split(`\${${name}}`).join(String(value)),
    definitionText(resolver, logicalId, assemblyDir),
  );
  return {
    arn,
    name: arn.slice(arn.lastIndexOf(':') + 1),
    definition,
    roleArn: resolver.resolveString(props.RoleArn),
    type: (props.StateMachineType === undefined
      ? 'STANDARD'
      : resolver.resolveString(props.StateMachineType)) as StateMachineType,
  };
}

function definitionText(resolver: StackResolver, logicalId: string, assemblyDir: string): string {
  const props = resolver.resource(logicalId).Properties ?? {};
  if (props.DefinitionString !== undefined) return resolver.resolveString(props.DefinitionString);
  if (props.Definition !== undefined) return JSON.stringify(resolver.resolve(props.Definition));
  const location = resolver.resolve(props.DefinitionS3Location) as { Key?: unknown } | undefined;
  const file = typeof location?.Key === 'string' ? assetFileForKey(assemblyDir, location.Key) : undefined;
  if (!file) {
    throw new UnresolvableError(`${resolver.stack.stackName}/${logicalId}: no local copy of its definition`);
  }
  return fs.readFileSync(file, 'utf8');
}
