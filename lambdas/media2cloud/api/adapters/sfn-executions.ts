import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionDescription, ExecutionHistory } from '../domain/console-ports';

/** The pipeline's executions, as Step Functions describes them. */
export class SfnExecutions implements ExecutionHistory {
  constructor(private readonly client: SFNClient) {}

  async describe(executionArn: string): Promise<ExecutionDescription | 'missing' | 'denied'> {
    try {
      const execution = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return {
        executionArn: execution.executionArn ?? executionArn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate,
        stopDate: execution.stopDate,
        input: execution.input,
        output: execution.output,
        error: execution.error,
        cause: execution.cause,
      };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ExecutionDoesNotExist') return 'missing';
      // The role may describe the pipeline's executions only; another state machine's is not ours to show.
      if (name === 'AccessDeniedException') return 'denied';
      throw error;
    }
  }
}
