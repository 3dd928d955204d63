import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SchedulerNotifier } from './operator';

/** The scheduler function, invoked asynchronously with `{"action": "executionWaiting", "executionId"}`. */
export class LambdaSchedulerNotifier implements SchedulerNotifier {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async executionWaiting(executionId: string): Promise<void> {
    await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.functionArn,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ action: 'executionWaiting', executionId })),
      }),
    );
  }
}
