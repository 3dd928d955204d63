import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ExecutionControl, StartedExecution } from '../ports';

export class SfnExecutions implements ExecutionControl {
  constructor(private readonly client: SFNClient) {}

  async start(stateMachineArn: string, input: unknown): Promise<StartedExecution> {
    const started = await this.client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
    );
    return { executionArn: started.executionArn!, startDate: started.startDate ?? new Date() };
  }

  async describe(executionArn: string): Promise<{ status: string; input: string } | undefined> {
    try {
      const { status, input } = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return { status: status ?? 'RUNNING', input: input ?? '{}' };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }

  async stop(executionArn: string, cause: string): Promise<'stopped' | 'not-running'> {
    try {
      const { status } = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      if (status !== 'RUNNING') return 'not-running';
      await this.client.send(new StopExecutionCommand({ executionArn, cause, error: 'AssetRemoved' }));
      return 'stopped';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return 'not-running';
      throw error;
    }
  }
}
