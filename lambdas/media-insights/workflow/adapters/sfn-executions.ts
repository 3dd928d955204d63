import { ExecutionDoesNotExist, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { StateMachineExecutions } from '../api/ports';

export class SfnStateMachineExecutions implements StateMachineExecutions {
  constructor(private readonly client: SFNClient) {}

  async stop(executionArn: string, error: string, cause: string): Promise<void> {
    try {
      await this.client.send(new StopExecutionCommand({ executionArn, error, cause }));
    } catch (failure) {
      // Already gone (expired from the history, or never started): there is nothing left to stop.
      if (failure instanceof ExecutionDoesNotExist) return;
      throw failure;
    }
  }
}
