import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { AssetRemoval, RemovalRequest } from '../domain/ports';

/** The removal function, invoked asynchronously: `DELETE /assets/{uuid}` answers before the asset is gone. */
export class LambdaAssetRemoval implements AssetRemoval {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async request(removal: RemovalRequest): Promise<void> {
    await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(removal)),
      }),
    );
  }
}
