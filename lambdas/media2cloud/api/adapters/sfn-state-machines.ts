import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { StateMachines } from '../domain/ports';
import type { StartedExecution } from '../domain/records';

export class SfnStateMachines implements StateMachines {
  constructor(private readonly client: SFNClient) {}

  /** No execution name: Step Functions makes one up, as for the original's executions. */
  async start(stateMachineArn: string, input: unknown): Promise<StartedExecution> {
    const { executionArn, startDate } = await this.client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
    );
    if (!executionArn || !startDate) throw new Error(`StartExecution of ${stateMachineArn} returned no execution`);
    return { executionArn, startDate };
  }
}
