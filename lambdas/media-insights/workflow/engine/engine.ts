import { ItemTooLargeError } from '../../tables/packing';
import { Messages } from '../domain/messages';
import { stageTransition, type StageStep } from '../domain/records';
import { StageStatus, WorkflowStatus, type OperatorObject, type OperatorOutput } from '../domain/types';
import { runOperation, type OperatorRunOptions } from './operator-run';
import type { StageContext } from '../domain/types';
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

/**
 * What "Run Operation" returns to the state machine: the operator's output itself is stored with the execution's
 * stage (see `recordOutput`), so a stage's Map output stays a few bytes per operation however wide the stage is,
 * far below Step Functions' 256 KB payload limit.
 */
export interface OperationResult {
  readonly Name: string;
  readonly Status: string;
}

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

  /** The state machine input for a stage of an execution. */
  static stageInput(executionId: string, stageName: string, operations: readonly string[] | undefined): StageInput {
    if (!operations) throw new Error(`Execution ${executionId} has no stage ${stageName}`);
    return { ExecutionId: executionId, StageName: stageName, Operations: [...operations] };
  }

  /** Runs one operation of a stage and stores its output for "Complete Stage". */
  async runOperation(
    input: { ExecutionId: string; StageName: string; Name: string; Continuation?: OperatorObject },
    options: Omit<OperatorRunOptions, 'invoker'>,
  ): Promise<OperationResult> {
    const execution = await this.deps.executions.stageContext(input.ExecutionId, input.StageName, input.Name);
    if (!execution) throw new Error(`Workflow execution ${input.ExecutionId} no longer exists`);
    const output = await this.operate(execution, input, options);
    const stageInput = execution.Workflow.Stages[input.StageName]?.Input ?? execution.Globals;
    await this.deps.executions.recordOutput(execution.Id, input.StageName, output, stageInput);
    return { Name: output.Name, Status: output.Status };
  }

  private async operate(
    execution: StageContext,
    input: { StageName: string; Name: string; Continuation?: OperatorObject },
    options: Omit<OperatorRunOptions, 'invoker'>,
  ): Promise<OperatorObject> {
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
  async completeStage(input: { ExecutionId: string; StageName: string; Outputs?: unknown }): Promise<StageResult> {
    const state = await this.deps.executions.stageState(input.ExecutionId, input.StageName);
    if (!state || state.execution.Status !== WorkflowStatus.Started) {
      // Deleted or already failed (e.g. stopped by a timeout): nothing to record, and nobody to hand a stage to.
      return { ExecutionId: input.ExecutionId, Status: state?.execution.Status ?? WorkflowStatus.Error };
    }
    const stageInput = state.stage.Input ?? state.execution.Globals;
    const recorded = await this.deps.executions.stageOutputs(input.ExecutionId, input.StageName, stageInput);
    const view = { Globals: state.execution.Globals, Stage: state.stage };
    let step = stageTransition(view, input.StageName, stageOutputs(state.stage.Operations, recorded, input.Outputs));
    let saved: { saved: boolean; nextOperations?: string[] };
    try {
      saved = await this.deps.executions.completeStage(input.ExecutionId, input.StageName, step);
    } catch (error) {
      if (!(error instanceof ItemTooLargeError)) throw error;
      step = failedStep(view.Globals, input.StageName, Messages.stageOutputsTooLarge(input.StageName, error.bytes));
      saved = await this.deps.executions.completeStage(input.ExecutionId, input.StageName, step);
    }
    if (!saved.saved) return { ExecutionId: input.ExecutionId, Status: WorkflowStatus.Error };
    if (step.status === WorkflowStatus.Complete || step.status === WorkflowStatus.Error) {
      await releaseSlots(this.deps.slots, input.ExecutionId);
      await this.deps.requestScheduling(`execution-${step.status.toLowerCase()}`);
      return { ExecutionId: input.ExecutionId, Status: step.status };
    }
    return WorkflowEngine.stageInput(input.ExecutionId, step.currentStage, saved.nextOperations);
  }
}

/**
 * A stage's outputs in branch order: what each operation recorded. A stage whose operations ran before outputs were
 * recorded (a runner started by an earlier version, mid-stage at the update) hands them over in `Outputs`; a
 * branch that failed outright hands over its error instead of a list.
 */
function stageOutputs(
  operations: readonly string[],
  recorded: ReadonlyMap<string, OperatorOutput>,
  handedOver: unknown,
): unknown {
  if (handedOver !== undefined && !Array.isArray(handedOver)) return handedOver;
  return operations.flatMap((name, index) => {
    const output = recorded.get(name) ?? (handedOver as OperatorOutput[] | undefined)?.[index];
    return output ? [output] : [];
  });
}

/** The execution fails at `stageName` without recording outputs (they could not be stored). */
function failedStep(globals: StageStep['globals'], stageName: string, message: string): StageStep {
  return {
    stageStatus: StageStatus.Error,
    outputs: [],
    globals,
    status: WorkflowStatus.Error,
    currentStage: stageName,
    message,
  };
}
