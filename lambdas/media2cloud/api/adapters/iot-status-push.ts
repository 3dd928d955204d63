import { AttachPolicyCommand, type IoTClient } from '@aws-sdk/client-iot';
import type { StatusPush } from '../domain/console-ports';
import { ServiceRefusal } from '../domain/errors';
import { statusOf } from './service-errors';

/** The stack's AWS IoT policy, attached to a web portal identity. */
export class IotStatusPush implements StatusPush {
  constructor(
    private readonly client: IoTClient,
    private readonly policyName: string,
  ) {}

  async attachPolicy(cognitoIdentityId: string): Promise<Record<string, unknown>> {
    try {
      const { $metadata: _metadata, ...answer } = await this.client.send(
        new AttachPolicyCommand({ policyName: this.policyName, target: cognitoIdentityId }),
      );
      return answer;
    } catch (error) {
      const { name, message } = error as Error;
      // Where the service cannot do it (local mode has no MQTT broker) its 501 says why; passed on as it is.
      if (statusOf(error) === 501) throw new ServiceRefusal(name, message, 501);
      if (name === 'InvalidRequestException' || name === 'LimitExceededException') {
        throw new ServiceRefusal(name, message, 400);
      }
      throw error;
    }
  }
}
