import {
  ExecutionAlreadyExists,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { IngestionInput, ProcessingInput, Workflows } from '../domain/ports';

/** Ingestion and processing runs on their state machines; a run's name is its video's, so a retry cannot fork it. */
export class SfnWorkflows implements Workflows {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachines: { readonly ingest: string; readonly process: string },
  ) {}

  startIngestion(input: IngestionInput, name: string): Promise<string> {
    return this.start(this.stateMachines.ingest, input, name);
  }

  startProcessing(input: ProcessingInput, name: string): Promise<string> {
    return this.start(this.stateMachines.process, input, name);
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    try {
      await this.client.send(new StopExecutionCommand({ executionArn, cause }));
    } catch (error) {
      // Already finished: nothing left to stop.
      if ((error as { name?: string }).name !== 'ExecutionDoesNotExist') throw error;
    }
  }

  private async start(stateMachineArn: string, input: object, name: string): Promise<string> {
    try {
      const { executionArn } = await this.client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return executionArn as string;
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    }
  }
}
