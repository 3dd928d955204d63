import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { PackagerAction } from '../domain/packagers';
import type { Orchestration } from '../domain/ports';

/**
 * One orchestration execution per packager action, named after both: a packager STARTs and STOPs at most once, and
 * Step Functions treats a repeated start with the same name and input as the same execution.
 */
export class SfnOrchestration implements Orchestration {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(packagerId: string, action: PackagerAction): Promise<void> {
    await this.client.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: `${packagerId}-${action}`,
        input: JSON.stringify({ packagerId, action }),
      }),
    );
  }
}
