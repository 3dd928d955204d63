import { randomUUID } from 'node:crypto';
import type { StackResolver } from '../intrinsics';
import {
  asResourceProperties,
  customResourceChange,
  customResourceKey,
  CustomResourceStateFile,
  propertiesHash,
  removedCustomResources,
  type CustomResourceState,
} from './custom-resource-state';
import type { CloudFormationResponses, CustomResourceResponse } from './responses';

/** The function behind a ServiceToken, as far as sending it a request goes. */
export interface CustomResourceProvider {
  readonly timeoutSeconds: number;
  invoke(event: unknown): Promise<unknown>;
}

export interface CustomResourceDeployerOptions {
  readonly region: string;
  readonly accountId: string;
  readonly dataDir: string;
  readonly responses: CloudFormationResponses;
  /** The local provider behind a ServiceToken; `undefined` when local mode does not run it. */
  readonly findProvider: (serviceToken: string) => CustomResourceProvider | undefined;
  readonly log: (message: string) => void;
}

/** A custom resource request that failed, as a failed deployment reports it; stops local mode from starting. */
export class CustomResourceFailed extends Error {
  override readonly name = 'CustomResourceFailed';
}

type RequestType = 'Create' | 'Update' | 'Delete';

// Beyond the provider's own timeout, the time its PUT to the ResponseURL may take.
const RESPONSE_GRACE_SECONDS = 5;

/**
 * Runs custom resources the way a deployment does: Create the first time, Update when the resolved properties
 * changed since the last start, nothing when they did not, and Delete for resources no template declares any more.
 * The provider is invoked with CloudFormation's request and answers by PUTting to the ResponseURL; its answer is kept
 * in `<dataDir>/custom-resources.json` so a restart neither re-creates nor loses the resource's attributes.
 */
export class CustomResourceDeployer {
  private readonly state: CustomResourceStateFile;
  private readonly declared = new Set<string>();

  constructor(private readonly options: CustomResourceDeployerOptions) {
    this.state = new CustomResourceStateFile(options.dataDir);
  }

  /** Brings one custom resource up to date and gives its Ref and attributes to `resolver`. */
  async deploy(resolver: StackResolver, logicalId: string): Promise<void> {
    const { stackName } = resolver.stack;
    const resource = resolver.resource(logicalId);
    const key = customResourceKey(stackName, logicalId);
    this.declared.add(key);
    const properties = asResourceProperties(resolver.resolve(resource.Properties ?? {})) as Record<string, unknown>;
    const change = customResourceChange(this.state.get(key), properties);
    // Unchanged since a provider answered for it: no request, so no provider to look up (recognising CDK's own
    // providers reads aws-cdk-lib's handlers).
    if (change.requestType === 'None') {
      resolver.setCustomResourceResult(logicalId, change.previous);
      return;
    }
    const serviceToken = String(properties.ServiceToken);
    const provider = this.options.findProvider(serviceToken);
    if (!provider) {
      this.options.log(`Skipping custom resource ${key} (${resource.Type}): ${notRunHere(serviceToken)}`);
      return;
    }
    const previous = change.requestType === 'Update' ? change.previous : undefined;
    const response = await this.send(provider, {
      RequestType: change.requestType,
      stackName,
      logicalId,
      resourceType: resource.Type,
      properties,
      previous,
    });
    if (response.Status === 'FAILED') {
      throw new CustomResourceFailed(
        `${key} (${resource.Type}) ${change.requestType} failed: Received response status [FAILED] from custom ` +
          `resource. Message returned: ${response.Reason ?? '(no reason)'}`,
      );
    }
    const state: CustomResourceState = {
      stackName,
      logicalId,
      resourceType: resource.Type,
      properties,
      propertiesHash: propertiesHash(properties),
      physicalResourceId: response.PhysicalResourceId as string,
      data: response.Data ?? {},
    };
    this.state.set(key, state);
    resolver.setCustomResourceResult(logicalId, state);
    // A new physical id on Update means the provider replaced the resource: CloudFormation deletes the old one.
    if (previous && previous.physicalResourceId !== state.physicalResourceId) await this.delete(previous);
  }

  /** Sends Delete for every resource of an earlier start that no template declares now. Failures are only logged. */
  async deleteRemoved(): Promise<void> {
    for (const state of removedCustomResources(this.state.all(), this.declared).reverse()) {
      await this.delete(state);
      this.state.delete(customResourceKey(state.stackName, state.logicalId));
    }
  }

  /** CloudFormation does not fail a deployment for a resource it could not clean up; neither does local mode. */
  private async delete(state: CustomResourceState): Promise<void> {
    const key = customResourceKey(state.stackName, state.logicalId);
    const serviceToken = String(state.properties.ServiceToken);
    const provider = this.options.findProvider(serviceToken);
    if (!provider) {
      this.options.log(`Skipping Delete of custom resource ${key}: ${notRunHere(serviceToken)}`);
      return;
    }
    try {
      const response = await this.send(provider, {
        RequestType: 'Delete',
        stackName: state.stackName,
        logicalId: state.logicalId,
        resourceType: state.resourceType,
        properties: state.properties,
        previous: state,
      });
      if (response.Status === 'FAILED') {
        this.options.log(`Delete of custom resource ${key} failed: ${response.Reason ?? '(no reason)'}`);
      }
    } catch (error) {
      this.options.log(`Delete of custom resource ${key} failed: ${(error as Error).message}`);
    }
  }

  private async send(
    provider: CustomResourceProvider,
    request: {
      RequestType: RequestType;
      stackName: string;
      logicalId: string;
      resourceType: string;
      properties: Readonly<Record<string, unknown>>;
      previous?: CustomResourceState;
    },
  ): Promise<CustomResourceResponse> {
    const { region, accountId } = this.options;
    const where = `${customResourceKey(request.stackName, request.logicalId)} (${request.resourceType}) ${request.RequestType}`;
    const StackId = `arn:aws:cloudformation:${region}:${accountId}:stack/${request.stackName}/local`;
    const RequestId = randomUUID();
    const pending = this.options.responses.expect({ StackId, RequestId, LogicalResourceId: request.logicalId });
    const event = {
      RequestType: request.RequestType,
      ServiceToken: request.properties.ServiceToken,
      ResponseURL: pending.responseUrl,
      StackId,
      RequestId,
      LogicalResourceId: request.logicalId,
      ResourceType: request.resourceType,
      ResourceProperties: request.properties,
      ...(request.previous ? { PhysicalResourceId: request.previous.physicalResourceId } : {}),
      ...(request.RequestType === 'Update' && request.previous
        ? { OldResourceProperties: request.previous.properties }
        : {}),
    };
    const timeoutSeconds = provider.timeoutSeconds + RESPONSE_GRACE_SECONDS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CustomResourceFailed(
              `${where} failed: no response from the custom resource within ${timeoutSeconds} seconds ` +
                `(RequestId ${RequestId})`,
            ),
          ),
        timeoutSeconds * 1000,
      );
    });
    // CloudFormation invokes the provider asynchronously and waits for the PUT alone; a provider that fails outright
    // would leave it waiting for an hour, which local mode reports at once instead.
    const invocation = provider.invoke(event).then(
      () => new Promise<never>(() => undefined),
      (error: Error) => {
        throw new CustomResourceFailed(`${where} failed: the provider failed: ${error.name}: ${error.message}`);
      },
    );
    const response = pending.response.catch((error: Error) => {
      throw new CustomResourceFailed(`${where} failed: ${error.message}`);
    });
    try {
      return await Promise.race([response, timedOut, invocation]);
    } finally {
      clearTimeout(timer);
      pending.cancel();
    }
  }
}

function notRunHere(serviceToken: string): string {
  return `its provider ${serviceToken} is not one local mode runs (only the project's own functions are)`;
}
