import { applyStageStep, type StageStep } from '../../../../lambdas/media-insights/workflow/domain/records';
import type {
  Globals,
  OperatorOutput,
  WorkflowExecution,
  WorkflowStatus,
} from '../../../../lambdas/media-insights/workflow/domain/types';
import type {
  ExecutionStore,
  FunctionInvoker,
  InvokeResult,
  Slot,
  SlotStore,
  StateMachineRunner,
} from '../../../../lambdas/media-insights/workflow/engine/ports';

/**
 * In-memory stand-ins for the engine's ports, with the same conditional-write semantics as the DynamoDB adapters.
 * Executions are kept whole (stages embedded); operation outputs apart, by execution, stage and operation.
 */
export class MemoryExecutions implements ExecutionStore {
  readonly items = new Map<string, WorkflowExecution>();
  readonly outputs = new Map<string, OperatorOutput>();

  add(execution: WorkflowExecution): void {
    this.items.set(execution.Id, structuredClone(execution));
  }
  async get(id: string) {
    const item = this.items.get(id);
    return item ? structuredClone(item) : undefined;
  }
  async header(id: string) {
    return this.get(id);
  }
  async stageContext(id: string) {
    return this.get(id);
  }
  async stageOperations(execution: { Id: string }, stageName: string) {
    return this.items.get(execution.Id)?.Workflow.Stages[stageName]?.Operations;
  }
  async recordOutput(id: string, stageName: string, output: OperatorOutput) {
    this.outputs.set(JSON.stringify([id, stageName, output.Name]), structuredClone(output));
  }
  async stageOutputs(id: string, stageName: string, _input: Globals) {
    const found = new Map<string, OperatorOutput>();
    for (const [key, output] of this.outputs) {
      const [execution, stage, name] = JSON.parse(key) as string[];
      if (execution === id && stage === stageName) found.set(name, structuredClone(output));
    }
    return found;
  }
  async stageState(id: string, stageName: string) {
    const execution = await this.get(id);
    const stage = execution?.Workflow.Stages[stageName];
    return execution && stage ? { execution, stage } : undefined;
  }
  async completeStage(id: string, stageName: string, step: StageStep) {
    const execution = this.items.get(id);
    if (execution?.Status !== 'Started') return { saved: false };
    const { execution: updated } = applyStageStep(execution, stageName, step);
    this.items.set(id, updated);
    return { saved: true, nextOperations: step.next ? updated.Workflow.Stages[step.next]?.Operations : undefined };
  }
  async transition(
    id: string,
    from: readonly WorkflowStatus[],
    to: WorkflowStatus,
    extra: Record<string, string> = {},
  ) {
    const item = this.items.get(id);
    if (!item || !from.includes(item.Status)) return false;
    this.items.set(id, { ...item, ...extra, Status: to });
    return true;
  }
  async recordsInStatus(status: WorkflowStatus) {
    return [...this.items.values()]
      .filter((item) => item.Status === status)
      .sort((a, b) => Number(a.Created) - Number(b.Created))
      .map((item) => structuredClone(item));
  }
}

export class MemorySlots implements SlotStore {
  readonly items = new Map<number, Slot>();
  async list() {
    return [...this.items.values()].sort((a, b) => a.slot - b.slot);
  }
  async claim(slot: number, executionId: string, now: number) {
    if (this.items.has(slot)) return false;
    this.items.set(slot, { slot, executionId, claimedAt: now });
    return true;
  }
  async release(slot: number, executionId: string) {
    if (this.items.get(slot)?.executionId === executionId) this.items.delete(slot);
  }
}

export class RecordingRunner implements StateMachineRunner {
  readonly started: Array<{ name: string; input: unknown }> = [];
  readonly stopped: string[] = [];
  failNext = false;
  startDates = new Map<string, Date>();
  async start(name: string, input: unknown) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('StartExecution failed');
    }
    this.started.push({ name, input });
    return `arn:aws:states:us-east-1:0:execution:runner:${name}`;
  }
  async stop(executionArn: string) {
    this.stopped.push(executionArn);
  }
  async startDate(executionArn: string) {
    return this.startDates.get(executionArn);
  }
}

export type FakeFunction = (payload: any) => unknown;

/** Functions by ARN; a thrown error becomes a function error with the error's name, as Lambda reports it. */
export class FakeFunctions implements FunctionInvoker {
  readonly calls: Array<{ arn: string; payload: any }> = [];
  constructor(readonly functions: Record<string, FakeFunction>) {}
  async invoke(arn: string, payload: unknown): Promise<InvokeResult> {
    this.calls.push({ arn, payload });
    const fn = this.functions[arn];
    if (!fn) return { ok: false, errorType: 'ResourceNotFoundException', errorMessage: `no function ${arn}` };
    try {
      return { ok: true, payload: await fn(structuredClone(payload)) };
    } catch (error) {
      return { ok: false, errorType: (error as Error).name, errorMessage: (error as Error).message };
    }
  }
  async invokeAsync(arn: string, payload: unknown) {
    this.calls.push({ arn, payload });
  }
}
