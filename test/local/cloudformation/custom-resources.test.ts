import { LOCAL_RESOURCE_TYPES } from '../../../lib/local/services';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AssemblyStack } from '../../../lib/local/assembly';
import {
  CustomResourceDeployer,
  CustomResourceFailed,
  type CustomResourceProvider,
} from '../../../lib/local/cloudformation/custom-resources';
import { CloudFormationResponses } from '../../../lib/local/cloudformation/responses';
import { StackResolver } from '../../../lib/local/intrinsics';

const PROVIDER_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Deploy-Provider';

const stack: AssemblyStack = {
  id: 'Deploy',
  stackName: 'Deploy',
  template: {
    Resources: {
      Provider: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'Deploy-Provider' } },
      Greeting: {
        Type: 'Custom::Greeting',
        Properties: { ServiceToken: { 'Fn::GetAtt': ['Provider', 'Arn'] }, Name: 'world' },
      },
      Foreign: {
        Type: 'Custom::Foreign',
        Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:cdk-framework-onEvent' },
      },
    },
  },
};

type Answer = (event: any) => Record<string, unknown> | undefined;

/** A provider that PUTs what `answer` returns (built from the request) to its ResponseURL, or nothing. */
function provider(responses: CloudFormationResponses, answer: Answer, timeoutSeconds = 1) {
  const requests: any[] = [];
  const fake: CustomResourceProvider = {
    timeoutSeconds,
    invoke: async (event: any) => {
      requests.push(event);
      const body = answer(event);
      if (body === undefined) return null;
      const response = responses.handle({
        method: 'PUT',
        rawPath: new URL(event.ResponseURL).pathname,
        rawQuery: '',
        headers: [],
        body: Buffer.from(JSON.stringify(body)),
      });
      return response?.statusCode;
    },
  };
  return { fake, requests };
}

const success: Answer = (event) => ({
  Status: 'SUCCESS',
  PhysicalResourceId: 'greeting-1',
  StackId: event.StackId,
  RequestId: event.RequestId,
  LogicalResourceId: event.LogicalResourceId,
  Data: { Greeting: 'hello' },
});

describe('custom resource deployment', () => {
  let dataDir: string;
  let responses: CloudFormationResponses;
  let logs: string[];

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-cr-'));
    responses = new CloudFormationResponses('http://127.0.0.1:4000');
    logs = [];
  });
  afterEach(() => {
    jest.useRealTimers();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function deployer(fake: CustomResourceProvider) {
    return new CustomResourceDeployer({
      region: 'us-east-1',
      accountId: '000000000000',
      dataDir,
      responses,
      log: (message) => logs.push(message),
      findProvider: (serviceToken) => (serviceToken === PROVIDER_ARN ? fake : undefined),
    });
  }

  it("gives GetAtt the response's Data and Ref its PhysicalResourceId", async () => {
    const { fake } = provider(responses, success);
    const resolver = new StackResolver(stack, {
      region: 'us-east-1',
      accountId: '000000000000',
      resourceTypes: LOCAL_RESOURCE_TYPES,
    });

    await deployer(fake).deploy(resolver, 'Greeting');

    expect(resolver.resolve({ 'Fn::GetAtt': ['Greeting', 'Greeting'] })).toBe('hello');
    expect(resolver.resolve({ Ref: 'Greeting' })).toBe('greeting-1');
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Greeting', 'Missing'] })).toThrow(/doesn't contain Missing/);
  });

  it("fails with the provider's Reason when it answers FAILED, and remembers nothing", async () => {
    const { fake } = provider(responses, (event) => ({ ...success(event), Status: 'FAILED', Reason: 'quota' }));
    const resolver = new StackResolver(stack, {
      region: 'us-east-1',
      accountId: '000000000000',
      resourceTypes: LOCAL_RESOURCE_TYPES,
    });

    const deploying = deployer(fake).deploy(resolver, 'Greeting');

    await expect(deploying).rejects.toThrow(CustomResourceFailed);
    await expect(deploying).rejects.toThrow(/Create failed: .*Message returned: quota/);
    expect(fs.existsSync(path.join(dataDir, 'custom-resources.json'))).toBe(false);
  });

  it('fails at once when the provider function itself fails', async () => {
    const { fake } = provider(responses, () => {
      const error = new Error('cannot import');
      error.name = 'Runtime.ImportModuleError';
      throw error;
    });
    const resolver = new StackResolver(stack, {
      region: 'us-east-1',
      accountId: '000000000000',
      resourceTypes: LOCAL_RESOURCE_TYPES,
    });

    await expect(deployer(fake).deploy(resolver, 'Greeting')).rejects.toThrow(
      /the provider failed: Runtime.ImportModuleError: cannot import/,
    );
  });

  it("fails once the provider's timeout and a grace period pass without a response", async () => {
    jest.useFakeTimers();
    const { fake } = provider(responses, () => undefined, 10);
    const resolver = new StackResolver(stack, {
      region: 'us-east-1',
      accountId: '000000000000',
      resourceTypes: LOCAL_RESOURCE_TYPES,
    });

    const deploying = deployer(fake).deploy(resolver, 'Greeting');
    const outcome = expect(deploying).rejects.toThrow(/no response from the custom resource within 15 seconds/);
    await jest.advanceTimersByTimeAsync(15_000);

    await outcome;
  });

  it('refuses a SUCCESS response without a PhysicalResourceId, as CloudFormation does', async () => {
    const { fake } = provider(responses, (event) => ({ ...success(event), PhysicalResourceId: undefined }));
    const resolver = new StackResolver(stack, {
      region: 'us-east-1',
      accountId: '000000000000',
      resourceTypes: LOCAL_RESOURCE_TYPES,
    });

    await expect(deployer(fake).deploy(resolver, 'Greeting')).rejects.toThrow(/Invalid PhysicalResourceId/);
  });

  it('accepts one response per ResponseURL', async () => {
    const statuses: unknown[] = [];
    const { fake } = provider(responses, success);
    const twice: CustomResourceProvider = {
      timeoutSeconds: 1,
      invoke: async (event) => {
        statuses.push(await fake.invoke(event), await fake.invoke(event));
      },
    };
    const resolver = new StackResolver(stack, {
      region: 'us-east-1',
      accountId: '000000000000',
      resourceTypes: LOCAL_RESOURCE_TYPES,
    });

    await deployer(twice).deploy(resolver, 'Greeting');

    expect(statuses).toEqual([200, 403]);
  });

  it('skips a custom resource whose provider is not a local function, with one log line', async () => {
    const { fake, requests } = provider(responses, success);
    const resolver = new StackResolver(stack, {
      region: 'us-east-1',
      accountId: '000000000000',
      resourceTypes: LOCAL_RESOURCE_TYPES,
    });

    await deployer(fake).deploy(resolver, 'Foreign');

    expect(requests).toEqual([]);
    expect(logs).toEqual([
      "Skipping custom resource Deploy/Foreign (Custom::Foreign): its provider arn:aws:lambda:us-east-1:000000000000:function:cdk-framework-onEvent is not one local mode runs (only the project's own functions are)",
    ]);
  });
});
