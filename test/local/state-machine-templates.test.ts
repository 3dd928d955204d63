import { LOCAL_RESOURCE_TYPES } from '../../lib/local/services';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AssemblyStack } from '../../lib/local/assembly';
import { StackResolver } from '../../lib/local/intrinsics';
import { readStateMachine } from '../../lib/local/stepfunctions/definition-source';

const ENV = { region: 'us-east-1', accountId: '000000000000', resourceTypes: LOCAL_RESOURCE_TYPES };
const DEFINITION = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: '${WorkerArn}', End: true } } };

function stackWith(properties: Record<string, unknown>): AssemblyStack {
  return {
    id: 'Media',
    stackName: 'Media',
    template: {
      Resources: {
        Worker: { Type: 'AWS::Lambda::Function', Properties: {} },
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
        Workflow: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: { RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] }, ...properties },
        },
      },
    },
  };
}

describe('state machines read from templates', () => {
  it('applies DefinitionSubstitutions to a DefinitionString CDK rendered as Fn::Join', () => {
    const text = JSON.stringify(DEFINITION);
    const resolver = new StackResolver(
      stackWith({
        DefinitionString: { 'Fn::Join': ['', [text.slice(0, 10), text.slice(10)]] },
        DefinitionSubstitutions: { WorkerArn: { 'Fn::GetAtt': ['Worker', 'Arn'] } },
      }),
      ENV,
    );

    const input = readStateMachine(resolver, 'Workflow', os.tmpdir());

    expect(JSON.parse(input.definition as string).States.Work.Resource).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:Media-Worker',
    );
    expect(input).toMatchObject({
      roleArn: 'arn:aws:iam::000000000000:role/Media-Role',
      type: 'STANDARD',
    });
  });

  it('registers under the ARN and name Ref and GetAtt give the state machine', () => {
    const resolver = new StackResolver(
      stackWith({ StateMachineName: 'Ingest', StateMachineType: 'EXPRESS', Definition: DEFINITION }),
      ENV,
    );

    const input = readStateMachine(resolver, 'Workflow', os.tmpdir());

    expect(input.arn).toBe(resolver.resolve({ Ref: 'Workflow' }));
    expect(input.arn).toBe(resolver.resolve({ 'Fn::GetAtt': ['Workflow', 'Arn'] }));
    expect(input.name).toBe(resolver.resolve({ 'Fn::GetAtt': ['Workflow', 'Name'] }));
    expect(input).toMatchObject({
      arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Ingest',
      name: 'Ingest',
      type: 'EXPRESS',
    });
  });

  it('reads a DefinitionBody.fromFile definition from its asset in the cloud assembly', () => {
    const assemblyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-sm-asset-'));
    fs.writeFileSync(path.join(assemblyDir, 'asset.abc123.json'), JSON.stringify(DEFINITION));
    const resolver = new StackResolver(
      stackWith({
        DefinitionS3Location: { Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}' }, Key: 'abc123.json' },
        DefinitionSubstitutions: { WorkerArn: 'arn:aws:lambda:us-east-1:000000000000:function:Other' },
      }),
      ENV,
    );

    const input = readStateMachine(resolver, 'Workflow', assemblyDir);
    fs.rmSync(assemblyDir, { recursive: true, force: true });

    expect(JSON.parse(input.definition as string).States.Work.Resource).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:Other',
    );
  });
});
