import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { StateMachineRunner } from '../ports';
import { sfnClient as sfn } from '../../../clients';

export class StepFunctionsRunner implements StateMachineRunner {
  constructor(private readonly stateMachineArn: string) {}

  async start(name: string, input: unknown): Promise<string> {
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return executionArn ?? this.executionArn(name);
    } catch (error) {
      // A scheduler retried after it had already started this execution: the execution name is its idempotency key.
      if (error instanceof ExecutionAlreadyExists) return this.executionArn(name);
      throw error;
    }
  }

  async stop(executionArn: string, error: string, cause: string): Promise<void> {
    try {
      await sfn.send(new StopExecutionCommand({ executionArn, error, cause }));
    } catch (failure) {
      if (!(failure instanceof ExecutionDoesNotExist)) throw failure;
    }
  }

  async startDate(executionArn: string): Promise<Date | undefined> {
    try {
      return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).startDate;
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }

  private executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}
