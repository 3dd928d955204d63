import { ItemTooLargeError } from '../../tables/packing';
import { Messages } from '../domain/messages';
import { completeStage, failStage } from '../domain/records';
import { WorkflowStatus, type OperatorObject, type WorkflowExecution } from '../domain/types';
import { runOperation, type OperatorRunOptions } from './operator-run';
import type { ExecutionStore, FunctionInvoker, OperationStore, SlotStore } from './ports';
import { releaseSlots } from './slots';

/** What the workflow runner state machine carries from one stage to the next: small, never the records. */
export interface StageInput {
  readonly ExecutionId: string;
  readonly StageName: string;
  readonly Operations: readonly string[];
}

/** What "Complete Stage" returns: the next stage, or the workflow's final status. */
export type StageResult = StageInput | { readonly ExecutionId: string; readonly Status: WorkflowStatus };

export interface EngineDependencies {
  readonly executions: ExecutionStore;
  readonly operations: OperationStore;
  readonly invoker: FunctionInvoker;
  readonly slots: SlotStore;
  /** Asks the scheduler function to fill freed slots now (asynchronously). */
  readonly requestScheduling: (reason: string) => Promise<void>;
}

export class WorkflowEngine {
  constructor(private readonly deps: EngineDependencies) {}

  /** The state machine input for an execution's current stage. */
  static stageInput(execution: WorkflowExecution): StageInput {
    const stage = execution.Workflow.Stages[execution.CurrentStage];
    if (!stage) throw new Error(`Execution ${execution.Id} has no stage ${execution.CurrentStage}`);
    return { ExecutionId: execution.Id, StageName: stage.Name, Operations: [...stage.Operations] };
  }

  async runOperation(
    input: { ExecutionId: string; StageName: string; Name: string; Continuation?: OperatorObject },
    options: Omit<OperatorRunOptions, 'invoker'>,
  ): Promise<OperatorObject> {
    const execution = await this.deps.executions.stageContext(input.ExecutionId, input.StageName);
    if (!execution) throw new Error(`Workflow execution ${input.ExecutionId} no longer exists`);
    const operation = await this.deps.operations.get(input.Name);
    if (!operation) {
      // A deleted operation's workflows are kept (as StaleOperations); running them fails that operation only.
      return {
        Name: input.Name,
        AssetId: execution.AssetId,
        WorkflowExecutionId: execution.Id,
        Input: execution.Globals,
        Configuration: { MediaType: 'MetadataOnly', Enabled: false },
        Status: 'Error',
        MetaData: { [`${input.Name}Error`]: `Operation ${input.Name} no longer exists` },
        Media: {},
      };
    }
    return runOperation(
      execution,
      input.StageName,
      operation,
      { ...options, invoker: this.deps.invoker },
      input.Continuation,
    );
  }

  /**
   * Records a stage's outputs and moves the execution on, as the original's CompleteStageLambda. When the workflow
   * ends (Complete or Error) its slot is released at once and the scheduler asked to reuse it.
   */
  async completeStage(input: { ExecutionId: string; StageName: string; Outputs: unknown }): Promise<StageResult> {
    const execution = await this.deps.executions.get(input.ExecutionId);
    if (!execution || execution.Status !== WorkflowStatus.Started) {
      // Deleted or already failed (e.g. stopped by a timeout): nothing to record, and nobody to hand a stage to.
      return { ExecutionId: input.ExecutionId, Status: execution?.Status ?? WorkflowStatus.Error };
    }
    let completion = completeStage(execution, input.StageName, input.Outputs);
    let saved: boolean;
    try {
      saved = await this.deps.executions.replaceIf(completion.execution, WorkflowStatus.Started);
    } catch (error) {
      if (!(error instanceof ItemTooLargeError)) throw error;
      completion = failStage(execution, input.StageName, Messages.stageOutputsTooLarge(input.StageName, error.bytes));
      saved = await this.deps.executions.replaceIf(completion.execution, WorkflowStatus.Started);
    }
    if (!saved) return { ExecutionId: input.ExecutionId, Status: WorkflowStatus.Error };
    const status = completion.execution.Status;
    if (status === WorkflowStatus.Complete || status === WorkflowStatus.Error) {
      await releaseSlots(this.deps.slots, execution.Id);
      await this.deps.requestScheduling(`execution-${status.toLowerCase()}`);
      return { ExecutionId: execution.Id, Status: status };
    }
    return WorkflowEngine.stageInput(completion.execution);
  }
}
