import { startAwsEndpoint } from '../protocol/endpoint';
import { restRouter } from '../protocol/rest';
import { AwsError } from '../protocol/wire';
import type { LocalService, LocalServiceModule } from '../service-module';

/**
 * AWS IoT Core's control plane, as far as local mode can honestly serve it: policies are named (their `Ref` and
 * ARN), and attaching one is refused with a message that says why — local mode has no MQTT broker, so an identity
 * given a policy would still receive nothing. The refusal is a 501, which SDK clients do not retry.
 */
export const iotModule: LocalServiceModule = {
  name: 'iot',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_IOT',
  outputKey: 'IotEndpoint',
  resourceTypes: {
    'AWS::IoT::Policy': {
      physicalId: ({ explicit, generated }) => explicit('PolicyName') ?? generated.slice(0, 128),
      arn: ({ name, region, accountId }) => `arn:aws:iot:${region}:${accountId}:policy/${name}`,
      attributes: { Id: ({ name }) => name },
    },
  },
  async start({ cloud, port }): Promise<LocalService> {
    const policies = new Set<string>();
    const running = await startAwsEndpoint(
      {
        protocol: 'rest-json',
        signingName: 'iot',
        region: cloud.region,
        principals: cloud.principals,
        handle: restRouter([
          {
            method: 'PUT',
            path: '/target-policies/{policyName}',
            handle: ({ params }) => {
              if (!policies.has(params.policyName ?? '')) {
                throw new AwsError('ResourceNotFoundException', `Policy ${params.policyName} does not exist`, 404);
              }
              throw new AwsError(
                'NotImplementedException',
                'AWS IoT is not available in local mode: there is no MQTT broker to deliver status messages, so ' +
                  'no policy is attached. Poll GET /assets/{uuid} for status instead.',
                501,
              );
            },
          },
        ]),
      },
      port,
    );
    return {
      endpoint: running.endpoint,
      deploy({ resolver, logicalId }) {
        policies.add(resolver.physicalId(logicalId));
      },
      close: () => running.close(),
    };
  },
};
