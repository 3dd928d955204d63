import * as http from 'node:http';
import { rawRequest, readBody } from '../http-request';
import type { LambdaService } from '../lambda/module';
import { closeServer, listen, send } from '../protocol/endpoint';
import type { LocalService, LocalServiceModule } from '../service-module';
import { isCdkProviderHandler } from './cdk-providers';
import { CustomResourceDeployer } from './custom-resources';
import { CloudFormationResponses } from './responses';

/**
 * CloudFormation's part of a deployment: custom resources backed by the app's own functions run on start (Create,
 * then Update only when their properties change, Delete once no template declares them; state in
 * `custom-resources.json`), and their providers answer on a one-time ResponseURL served here, as the presigned S3
 * URLs CloudFormation hands them. Custom resources of CDK's own providers are not run (see `cdk-providers.ts`).
 */
export const cloudFormationModule: LocalServiceModule = {
  name: 'cloudformation',
  listens: true,
  resourceTypes: {
    'AWS::CloudFormation::CustomResource': {},
    'Custom::*': {},
    'AWS::CDK::Metadata': {},
    'AWS::CloudFormation::WaitConditionHandle': {},
  },
  async start({ cloud, port }): Promise<LocalService> {
    let responses: CloudFormationResponses | undefined;
    const server = http.createServer((request, response) => {
      readBody(request, 64 * 1024).then(
        (body) => {
          const answer = body === undefined ? undefined : responses?.handle(rawRequest(request, body));
          send(response, answer ?? { statusCode: 404, headers: {}, body: Buffer.alloc(0) });
        },
        () => response.destroy(),
      );
    });
    const endpoint = await listen(server, port);
    responses = new CloudFormationResponses(endpoint);
    const deployer = new CustomResourceDeployer({
      region: cloud.region,
      accountId: cloud.accountId,
      // Kept where earlier versions of local mode kept it, so an existing data directory keeps its resources.
      dataDir: cloud.dataDir,
      responses,
      log: cloud.log,
      findProvider: (serviceToken) => {
        const fn = cloud.service<LambdaService>('lambda').find(serviceToken);
        if (!fn || isCdkProviderHandler(fn.spec.codeDir, fn.spec.handler)) return undefined;
        return { timeoutSeconds: fn.spec.timeoutSeconds, invoke: (event) => fn.invoke(event) };
      },
    });
    return {
      endpoint,
      deploy: ({ resolver, logicalId, resource }) =>
        resource.Type === 'AWS::CDK::Metadata' || resource.Type === 'AWS::CloudFormation::WaitConditionHandle'
          ? undefined
          : deployer.deploy(resolver, logicalId),
      deployed: () => deployer.deleteRemoved(),
      close: () => closeServer(server),
    };
  },
};
