import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ExecutionControl, StartedExecution, TaskCallbacks } from '../ports';

export class SfnExecutions implements ExecutionControl {
  constructor(private readonly client: SFNClient) {}

  async start(stateMachineArn: string, input: unknown): Promise<StartedExecution> {
    const started = await this.client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
    );
    return { executionArn: started.executionArn!, startDate: started.startDate ?? new Date() };
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

/** Task tokens: a task that no longer waits (its execution stopped, failed or timed out) answers `false`. */
export class SfnTaskCallbacks implements TaskCallbacks {
  constructor(private readonly client: SFNClient) {}

  succeed(token: string, output: unknown): Promise<boolean> {
    return this.send(() =>
      this.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })),
    );
  }

  fail(token: string, error: string, cause: string): Promise<boolean> {
    return this.send(() =>
      this.client.send(
        // Step Functions caps `error` at 256 and `cause` at 32768 characters.
        new SendTaskFailureCommand({ taskToken: token, error: error.slice(0, 256), cause: cause.slice(0, 32768) }),
      ),
    );
  }

  private async send(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken) {
        return false;
      }
      throw error;
    }
  }
}
