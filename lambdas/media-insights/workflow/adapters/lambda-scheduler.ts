import type { ScheduleReason, WorkflowScheduler } from '../api/ports';
import type { FunctionInvoker } from './lambda-invoker';

/** The scheduler function, invoked asynchronously with the event the engine's scheduler expects. */
export class LambdaWorkflowScheduler implements WorkflowScheduler {
  constructor(
    private readonly invoker: FunctionInvoker,
    private readonly functionName: string,
  ) {}

  requestSchedule(reason: ScheduleReason, executionId: string): Promise<void> {
    return this.invoker.invokeAsync(this.functionName, {
      action: 'schedule',
      reason,
      executionId,
      requestedAt: Date.now(),
    });
  }
}
