import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { PackagerState } from '../domain/packagers';
import type { StateNotifications } from '../domain/ports';

/**
 * Hands a callback to the orchestration worker as an asynchronous invocation: the API answers at once and the
 * callbacks' 10 s connect and read timeouts run elsewhere.
 */
export class LambdaStateNotifications implements StateNotifications {
  constructor(
    private readonly client: LambdaClient,
    private readonly workerFunctionArn: string,
  ) {}

  async packagerChanged(packagerId: string, state: PackagerState): Promise<void> {
    await this.client.send(
      new InvokeCommand({
        FunctionName: this.workerFunctionArn,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ task: 'notify', packagerId, state })),
      }),
    );
  }
}
