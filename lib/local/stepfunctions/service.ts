import './polyfill';
import { randomUUID } from 'node:crypto';
import type {
  CreateStateMachineInput,
  CreateStateMachineOutput,
  DeleteStateMachineInput,
  DeleteStateMachineOutput,
  DescribeExecutionInput,
  DescribeExecutionOutput,
  DescribeStateMachineForExecutionInput,
  DescribeStateMachineForExecutionOutput,
  DescribeStateMachineInput,
  DescribeStateMachineOutput,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsInput,
  ListExecutionsOutput,
  ListStateMachinesInput,
  ListStateMachinesOutput,
  ListTagsForResourceInput,
  ListTagsForResourceOutput,
  SendTaskFailureInput,
  SendTaskHeartbeatInput,
  SendTaskSuccessInput,
  StartExecutionInput,
  StartExecutionOutput,
  StartSyncExecutionInput,
  StartSyncExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
  TagResourceInput,
  UntagResourceInput,
  UpdateStateMachineInput,
  UpdateStateMachineOutput,
} from '@aws-sdk/client-sfn';
import type { StateMachine } from 'aws-local-stepfunctions';
import {
  assertExecutionArn,
  assertValidName,
  formatExecutionArn,
  formatStateMachineArn,
  parseStateMachineArn,
} from './arn';
import {
  prepareDefinition,
  ROOT_EXECUTION_CONTEXT_KEY,
  validateDefinition,
  type PreparedDefinition,
} from './definition';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  InvalidToken,
  ResourceNotFound,
  ServiceUnavailable,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  ValidationException,
} from './errors';
import { ExecutionHistory } from './history';
import { interpreterLibrary } from './interpreter';
import { inputTooLarge, MAX_PAYLOAD_BYTES, payloadBytes, resultTooLarge } from './payload-limits';
import { LocalStepFunctionsStore } from './store';
import { TaskRuntimeFailure } from './task-failure';
import { TaskTokenRegistry } from './task-tokens';
import { runTask, type TaskEnvironment } from './tasks';
import type {
  ExecutionRecord,
  ExecutionStatus,
  ExecutionStatusChangeEvent,
  JsonValue,
  LocalStepFunctionsOptions,
  RegisterStateMachineInput,
  StateMachineRecord,
  StateMachineType,
} from './types';

/**
 * The interpreter keeps an execution's progress in memory only, so an execution interrupted by a restart cannot be
 * resumed: the next start fails it with this cause (error `States.Runtime`) instead of leaving it RUNNING forever.
 */
export const RESTART_CAUSE = 'Local mode restarted while the execution was running';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const FAIL_STATE_DEFAULT_ERROR = 'FailStateError';
const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';
const NO_TRUNCATION = { truncated: false };

interface StateMachineEntry {
  record: StateMachineRecord;
  prepared: PreparedDefinition;
  /** Built on the first execution (see interpreter.ts). */
  readonly interpreter: () => StateMachine;
}

interface ExecutionEntry {
  record: ExecutionRecord;
  /** Loaded lazily for executions read back from disk. */
  history?: ExecutionHistory;
  /** Present while this process runs the execution. */
  run?: { abort(): void; readonly pendingTasks: Set<(reason: Error) => void> };
  /** Resolves once the interpreter's events are all in `history`. */
  drained?: Promise<void>;
  /** Resolves once the history holds the terminal event and has been handed to the store. */
  historyClosed?: Promise<void>;
  readonly completion: Completion;
}

interface Completion {
  readonly promise: Promise<ExecutionRecord>;
  resolve(record: ExecutionRecord): void;
  reject(reason: Error): void;
}

interface Outcome {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * AWS Step Functions for local mode: the Step Functions API (programmatic, and over HTTP through `stepFunctionsApi` in `http.ts`)
 * backed by the aws-local-stepfunctions interpreter, with every Task routed to local handlers so nothing reaches AWS.
 * Create it with `createLocalStepFunctions`.
 */
export class LocalStepFunctions {
  private readonly stateMachines = new Map<string, StateMachineEntry>();
  private readonly executions = new Map<string, ExecutionEntry>();
  private readonly taskTokens = new TaskTokenRegistry();
  private readonly taskEnvironment: TaskEnvironment;
  /** Set synchronously by `close()`, before anything it aborts can react. */
  private shuttingDown = false;
  private closed?: Promise<void>;

  /** Creates the service and restores what `dataDir` holds from a previous run. */
  static async create(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
    const service = new LocalStepFunctions(options, new LocalStepFunctionsStore(options.dataDir));
    await service.restore();
    return service;
  }

  private constructor(
    private readonly options: LocalStepFunctionsOptions,
    private readonly store: LocalStepFunctionsStore,
  ) {
    this.taskEnvironment = {
      region: options.region,
      accountId: options.accountId,
      invokeLambda: options.invokeLambda,
      invokeLambdaAsync:
        options.invokeLambdaAsync ??
        ((functionArn, payload) => void options.invokeLambda(functionArn, payload).catch(() => undefined)),
      taskTokens: this.taskTokens,
      startExecution: async (input) => {
        const started = await this.startExecution(input);
        return { executionArn: started.executionArn!, startDate: started.startDate! };
      },
      waitForExecution: (executionArn) => this.requireExecution(executionArn).completion.promise,
      stopChildExecution: (executionArn, cause) => {
        if (this.shuttingDown) return;
        this.stopExecution({ executionArn, cause }).catch(() => undefined);
      },
    };
  }

  /** Loads state machines and executions from `dataDir` and fails the executions a restart interrupted. */
  private async restore(): Promise<void> {
    const { stateMachines, executions } = await this.store.load();
    for (const record of stateMachines) {
      try {
        this.stateMachines.set(record.stateMachineArn, this.entryFor(record));
      } catch (error) {
        console.error(`local stepfunctions: ignoring stored state machine ${record.stateMachineArn}`, error);
      }
    }
    for (const record of executions) {
      const entry: ExecutionEntry = { record, completion: completion() };
      this.executions.set(record.executionArn, entry);
      if (record.status === 'RUNNING') {
        // Nothing of the interrupted run's history was kept: it was only ever written once an execution ended.
        entry.history = new ExecutionHistory();
        entry.history.add(this.executionStartedEvent(record), record.startDate);
        this.finish(entry, { status: 'FAILED', error: 'States.Runtime', cause: RESTART_CAUSE });
      } else {
        entry.completion.resolve(record);
      }
    }
  }

  // ---- state machines -------------------------------------------------------------------------------------------

  /** Declares a state machine found in a CloudFormation template. Idempotent: an existing one is updated. */
  async registerStateMachine(input: RegisterStateMachineInput): Promise<{ stateMachineArn: string }> {
    const { name } = parseStateMachineArn(input.arn);
    assertValidName(input.name, 'state machine');
    if (name !== input.name) {
      throw new ValidationException(`The ARN ${input.arn} does not name state machine ${input.name}`);
    }
    const definition = typeof input.definition === 'string' ? input.definition : JSON.stringify(input.definition);
    const existing = this.stateMachines.get(input.arn)?.record;
    const now = Date.now();
    this.saveStateMachine({
      stateMachineArn: input.arn,
      name: input.name,
      definition,
      roleArn: input.roleArn,
      type: input.type ?? 'STANDARD',
      creationDate: existing?.creationDate ?? now,
      updateDate: now,
      revisionId: randomUUID(),
      tags: existing?.tags ?? {},
    });
    return { stateMachineArn: input.arn };
  }

  async createStateMachine(input: CreateStateMachineInput): Promise<CreateStateMachineOutput> {
    const name = required(input.name, 'name');
    const definition = required(input.definition, 'definition');
    const roleArn = required(input.roleArn, 'roleArn');
    const type = stateMachineType(input.type);
    assertValidName(name, 'state machine');
    const stateMachineArn = formatStateMachineArn(this.options.region, this.options.accountId, name);
    const existing = this.stateMachines.get(stateMachineArn)?.record;
    if (existing) {
      // AWS treats a repeated identical CreateStateMachine as a success, and any difference as a conflict.
      const identical = existing.definition === definition && existing.roleArn === roleArn && existing.type === type;
      if (!identical) throw new StateMachineAlreadyExists(`State Machine Already Exists: '${stateMachineArn}'`);
      return { stateMachineArn, creationDate: new Date(existing.creationDate) };
    }
    const now = Date.now();
    this.saveStateMachine({
      stateMachineArn,
      name,
      definition,
      roleArn,
      type,
      creationDate: now,
      updateDate: now,
      revisionId: randomUUID(),
      tags: tagMap(input.tags ?? []),
    });
    return { stateMachineArn, creationDate: new Date(now) };
  }

  async updateStateMachine(input: UpdateStateMachineInput): Promise<UpdateStateMachineOutput> {
    const { record } = this.requireStateMachine(required(input.stateMachineArn, 'stateMachineArn'));
    if (input.definition === undefined && input.roleArn === undefined) {
      throw new ValidationException('Either the definition or the roleArn must be specified');
    }
    const updated: StateMachineRecord = {
      ...record,
      definition: input.definition ?? record.definition,
      roleArn: input.roleArn ?? record.roleArn,
      updateDate: Date.now(),
      revisionId: randomUUID(),
    };
    this.saveStateMachine(updated);
    return { updateDate: new Date(updated.updateDate), revisionId: updated.revisionId };
  }

  /** Like AWS, deleting is idempotent and lets running executions finish. */
  async deleteStateMachine(input: DeleteStateMachineInput): Promise<DeleteStateMachineOutput> {
    const stateMachineArn = required(input.stateMachineArn, 'stateMachineArn');
    parseStateMachineArn(stateMachineArn);
    if (this.stateMachines.delete(stateMachineArn)) this.store.deleteStateMachine(stateMachineArn);
    return {};
  }

  async describeStateMachine(input: DescribeStateMachineInput): Promise<DescribeStateMachineOutput> {
    const { record } = this.requireStateMachine(required(input.stateMachineArn, 'stateMachineArn'));
    return {
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: 'ACTIVE',
      definition: record.definition,
      roleArn: record.roleArn,
      type: record.type,
      creationDate: new Date(record.creationDate),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      revisionId: record.revisionId,
    };
  }

  async describeStateMachineForExecution(
    input: DescribeStateMachineForExecutionInput,
  ): Promise<DescribeStateMachineForExecutionOutput> {
    const execution = this.requireExecution(required(input.executionArn, 'executionArn')).record;
    const { record } = this.requireStateMachine(execution.stateMachineArn);
    return {
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      definition: record.definition,
      roleArn: record.roleArn,
      updateDate: new Date(record.updateDate),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      revisionId: record.revisionId,
    };
  }

  async listStateMachines(input: ListStateMachinesInput = {}): Promise<ListStateMachinesOutput> {
    const records = [...this.stateMachines.values()]
      .map(({ record }) => record)
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(records, input.maxResults, input.nextToken);
    return {
      stateMachines: page.items.map((record) => ({
        stateMachineArn: record.stateMachineArn,
        name: record.name,
        type: record.type,
        creationDate: new Date(record.creationDate),
      })),
      nextToken: page.nextToken,
    };
  }

  async tagResource(input: TagResourceInput): Promise<Record<string, never>> {
    const { record } = this.requireTaggable(required(input.resourceArn, 'resourceArn'));
    this.saveStateMachine({ ...record, tags: { ...record.tags, ...tagMap(required(input.tags, 'tags')) } });
    return {};
  }

  async untagResource(input: UntagResourceInput): Promise<Record<string, never>> {
    const { record } = this.requireTaggable(required(input.resourceArn, 'resourceArn'));
    const removed = new Set(required(input.tagKeys, 'tagKeys'));
    const tags = Object.fromEntries(Object.entries(record.tags).filter(([key]) => !removed.has(key)));
    this.saveStateMachine({ ...record, tags });
    return {};
  }

  async listTagsForResource(input: ListTagsForResourceInput): Promise<ListTagsForResourceOutput> {
    const { record } = this.requireTaggable(required(input.resourceArn, 'resourceArn'));
    return { tags: Object.entries(record.tags).map(([key, value]) => ({ key, value })) };
  }

  // ---- executions -----------------------------------------------------------------------------------------------

  async startExecution(input: StartExecutionInput): Promise<StartExecutionOutput> {
    const entry = this.launch(input);
    return { executionArn: entry.record.executionArn, startDate: new Date(entry.record.startDate) };
  }

  /** Runs an EXPRESS execution to its end. Like AWS, a failed execution is a successful call with status FAILED. */
  async startSyncExecution(input: StartSyncExecutionInput): Promise<StartSyncExecutionOutput> {
    const stateMachine = this.requireStateMachine(required(input.stateMachineArn, 'stateMachineArn'));
    if (stateMachine.record.type !== 'EXPRESS') {
      throw new StateMachineTypeNotSupported('This operation is not supported by this type of state machine');
    }
    const record = await this.launch(input).completion.promise;
    const stopDate = record.stopDate ?? Date.now();
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      startDate: new Date(record.startDate),
      stopDate: new Date(stopDate),
      // A synchronous execution has no ABORTED status: it can only be stopped by the service failing it.
      status: record.status === 'SUCCEEDED' || record.status === 'TIMED_OUT' ? record.status : 'FAILED',
      error: record.error,
      cause: record.cause,
      input: record.input,
      inputDetails: { included: true },
      output: record.output,
      outputDetails: record.output === undefined ? undefined : { included: true },
      traceHeader: record.traceHeader,
      billingDetails: {
        billedMemoryUsedInMB: 64,
        billedDurationInMilliseconds: Math.max(100, Math.ceil((stopDate - record.startDate) / 100) * 100),
      },
    };
  }

  async stopExecution(input: StopExecutionInput): Promise<StopExecutionOutput> {
    const entry = this.requireExecution(required(input.executionArn, 'executionArn'));
    if (entry.record.status === 'RUNNING') {
      this.finish(entry, { status: 'ABORTED', error: input.error, cause: input.cause });
    }
    return { stopDate: new Date(entry.record.stopDate ?? Date.now()) };
  }

  async describeExecution(input: DescribeExecutionInput): Promise<DescribeExecutionOutput> {
    const { record } = this.requireExecution(required(input.executionArn, 'executionArn'));
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: new Date(record.startDate),
      stopDate: record.stopDate === undefined ? undefined : new Date(record.stopDate),
      input: record.input,
      inputDetails: { included: true },
      output: record.output,
      outputDetails: record.output === undefined ? undefined : { included: true },
      error: record.error,
      cause: record.cause,
      traceHeader: record.traceHeader,
    };
  }

  async listExecutions(input: ListExecutionsInput): Promise<ListExecutionsOutput> {
    if (input.mapRunArn !== undefined) throw new ValidationException('Distributed Map runs are not supported locally');
    const { record: stateMachine } = this.requireStateMachine(required(input.stateMachineArn, 'stateMachineArn'));
    if (stateMachine.type === 'EXPRESS') {
      throw new StateMachineTypeNotSupported('This operation is not supported by this type of state machine');
    }
    const records = [...this.executions.values()]
      .map(({ record }) => record)
      .filter((record) => record.stateMachineArn === stateMachine.stateMachineArn)
      .filter((record) => input.statusFilter === undefined || record.status === input.statusFilter)
      .sort((a, b) => b.startDate - a.startDate || a.name.localeCompare(b.name));
    const page = paginate(records, input.maxResults, input.nextToken);
    return {
      executions: page.items.map((record) => ({
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        name: record.name,
        status: record.status,
        startDate: new Date(record.startDate),
        stopDate: record.stopDate === undefined ? undefined : new Date(record.stopDate),
      })),
      nextToken: page.nextToken,
    };
  }

  /**
   * The execution's events: Execution{Started,Succeeded,Failed,Aborted,TimedOut}, every state's
   * `<Type>StateEntered`/`<Type>StateExited`, TaskFailed/TaskTimedOut (LambdaFunction* for plain function ARNs),
   * Map/Parallel state failures and MapIteration{Started,Succeeded,Failed}. Task scheduling events are not recorded.
   */
  async getExecutionHistory(input: GetExecutionHistoryInput): Promise<GetExecutionHistoryOutput> {
    const entry = this.requireExecution(required(input.executionArn, 'executionArn'));
    if (entry.record.status !== 'RUNNING') await entry.historyClosed;
    if (!entry.history) {
      entry.history = new ExecutionHistory((await this.store.loadHistory(entry.record.executionArn)) ?? []);
    }
    let events = [...entry.history.toArray()];
    if (input.reverseOrder) events.reverse();
    if (input.includeExecutionData === false) events = events.map(withoutExecutionData);
    const page = paginate(events, input.maxResults, input.nextToken);
    return {
      events: page.items.map(
        ({ timestamp, ...event }) => ({ ...event, timestamp: new Date(timestamp) }) as HistoryEvent,
      ),
      nextToken: page.nextToken,
    };
  }

  // ---- callbacks ------------------------------------------------------------------------------------------------

  async sendTaskSuccess(input: SendTaskSuccessInput): Promise<Record<string, never>> {
    this.taskTokens.sendTaskSuccess(required(input.taskToken, 'taskToken'), required(input.output, 'output'));
    return {};
  }

  async sendTaskFailure(input: SendTaskFailureInput): Promise<Record<string, never>> {
    this.taskTokens.sendTaskFailure(required(input.taskToken, 'taskToken'), input.error, input.cause);
    return {};
  }

  async sendTaskHeartbeat(input: SendTaskHeartbeatInput): Promise<Record<string, never>> {
    this.taskTokens.sendTaskHeartbeat(required(input.taskToken, 'taskToken'));
    return {};
  }

  /** Resolves with the execution's final record once it is no longer RUNNING. */
  async waitForExecution(executionArn: string): Promise<DescribeExecutionOutput> {
    await this.requireExecution(executionArn).completion.promise;
    return this.describeExecution({ executionArn });
  }

  /**
   * Aborts every running execution and waits for pending writes. Their records stay RUNNING on disk, exactly as
   * after a crash, so the next start fails them with `RESTART_CAUSE`: one rule for every kind of restart.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.shuttingDown = true;
      this.closed = this.shutDown();
    }
    return this.closed;
  }

  // ---- execution lifecycle --------------------------------------------------------------------------------------

  private launch(input: StartExecutionInput): ExecutionEntry {
    if (this.shuttingDown) throw new ServiceUnavailable('Local Step Functions is shutting down');
    const stateMachine = this.requireStateMachine(required(input.stateMachineArn, 'stateMachineArn'));
    const name = input.name ?? randomUUID();
    assertValidName(name, 'execution');
    const inputText = input.input ?? '{}';
    const parsedInput = parseExecutionInput(inputText);
    const { record: machine } = stateMachine;
    const executionArn = formatExecutionArn(machine.stateMachineArn, name, machine.type);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS makes StartExecution idempotent only for the same input while the first call's execution still runs.
      if (existing.record.status === 'RUNNING' && existing.record.input === inputText) return existing;
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      name,
      type: machine.type,
      status: 'RUNNING',
      startDate: Date.now(),
      input: inputText,
      traceHeader: input.traceHeader,
    };
    const history = new ExecutionHistory();
    history.add(this.executionStartedEvent(record), record.startDate);
    const entry: ExecutionEntry = { record, history, completion: completion() };
    this.executions.set(executionArn, entry);
    this.store.saveExecution(record);
    this.emitStatusChange(record);
    if (this.options.holdExecutions?.(machine.name, inputText)) return entry;
    this.run(entry, history, stateMachine, parsedInput);
    return entry;
  }

  private run(
    entry: ExecutionEntry,
    history: ExecutionHistory,
    stateMachine: StateMachineEntry,
    input: JsonValue,
  ): void {
    const { record } = entry;
    const { taskStates } = stateMachine.prepared;
    const pendingTasks = new Set<(reason: Error) => void>();
    // `$$.Task.Token` must be in place before the interpreter evaluates Parameters, and it offers no per-task hook:
    // every task sees this placeholder, which callback tasks swap for a fresh token.
    const taskTokenPlaceholder = `local-task-token-placeholder:${randomUUID()}`;
    const startTime = new Date(record.startDate).toISOString();
    // The interpreter looks Task handlers up by state name. A proxy answers for every name, so no Task state can
    // fall through to the interpreter's built-in AWS SDK Lambda client.
    const taskResourceLocalHandlers = new Proxy({} as Record<string, (input: JsonValue) => Promise<JsonValue>>, {
      get: (_, stateName) => {
        if (typeof stateName !== 'string') return undefined;
        return async (taskInput: JsonValue) => {
          const state = taskStates.get(stateName);
          if (!state) throw new TaskRuntimeFailure(`No Task state named ${stateName}`);
          // The effective input (after Parameters) and the connector's raw result are each held to the quota.
          if (payloadBytes(taskInput) > MAX_PAYLOAD_BYTES) throw inputTooLarge(stateName);
          const result = await runTask(this.taskEnvironment, {
            executionArn: record.executionArn,
            stateName,
            state,
            input: taskInput,
            taskTokenPlaceholder,
            track: (cancel) => {
              pendingTasks.add(cancel);
              return () => pendingTasks.delete(cancel);
            },
          });
          if (payloadBytes(result) > MAX_PAYLOAD_BYTES) throw resultTooLarge(taskResultLabel(state.Resource));
          return result;
        };
      },
    });
    const execution = stateMachine.interpreter().run(input, {
      overrides: { taskResourceLocalHandlers },
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          RoleArn: stateMachine.record.roleArn,
          StartTime: startTime,
        },
        StateMachine: { Id: stateMachine.record.stateMachineArn, Name: stateMachine.record.name },
        Task: { Token: taskTokenPlaceholder },
        [ROOT_EXECUTION_CONTEXT_KEY]: { Input: input, StartTime: startTime },
      },
    });
    entry.run = { abort: execution.abort, pendingTasks };
    entry.drained = (async () => {
      for await (const event of execution.eventLogs) history.addInterpreterEvent(event, taskStates);
    })();
    void execution.result
      .then(
        (output): Outcome => ({ status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }),
        (error: unknown) => outcomeOf(error),
      )
      .then(async (outcome) => {
        await entry.drained;
        // A stopped execution was finished by StopExecution; a closing service leaves records for the next start.
        if (entry.record.status === 'RUNNING' && !this.shuttingDown) this.finish(entry, outcome);
      })
      .catch((error: unknown) => console.error(`local stepfunctions: could not finish ${record.executionArn}`, error));
  }

  /** Ends an execution: record, status-change event, waiters; the history once the interpreter's last event is in. */
  private finish(entry: ExecutionEntry, outcome: Outcome): void {
    const record: ExecutionRecord = { ...entry.record, ...outcome, stopDate: Date.now() };
    entry.record = record;
    const run = entry.run;
    entry.run = undefined;
    // Stops whatever the interpreter still runs (a StopExecution, a branch outliving a failed sibling). Work still
    // waiting outside it (a callback, a `.sync` child) is abandoned, as AWS abandons it.
    run?.abort();
    const ended = new Error(`Execution ${record.executionArn} ended with status ${record.status}`);
    for (const cancel of [...(run?.pendingTasks ?? [])]) cancel(ended);
    this.store.saveExecution(record);
    this.emitStatusChange(record);
    entry.completion.resolve(record);
    const history = (entry.history ??= new ExecutionHistory());
    entry.historyClosed = (async () => {
      await entry.drained;
      history.add(terminalEvent(record), record.stopDate);
      this.store.saveHistory(record.executionArn, history.toArray());
    })();
  }

  private async shutDown(): Promise<void> {
    const shutdown = new ServiceUnavailable('Local Step Functions is shutting down');
    const draining: Promise<void>[] = [];
    for (const entry of this.executions.values()) {
      if (!entry.run) continue;
      for (const cancel of [...entry.run.pendingTasks]) cancel(shutdown);
      entry.run.abort();
      entry.completion.reject(shutdown);
      if (entry.drained) draining.push(entry.drained);
    }
    this.taskTokens.cancelAll(shutdown);
    await Promise.all(draining);
    await this.store.flush();
  }

  private executionStartedEvent(record: ExecutionRecord) {
    const roleArn = this.stateMachines.get(record.stateMachineArn)?.record.roleArn;
    return {
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: record.input, inputDetails: NO_TRUNCATION, roleArn },
    };
  }

  private emitStatusChange(record: ExecutionRecord): void {
    try {
      this.options.onExecutionRecord?.(record);
    } catch (error) {
      console.error('local stepfunctions: onExecutionRecord failed', error);
    }
    const listener = this.options.onExecutionStatusChange;
    // EventBridge receives execution status changes of STANDARD workflows only.
    if (!listener || record.type !== 'STANDARD') return;
    const event: ExecutionStatusChangeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: this.options.accountId,
      time: new Date(record.stopDate ?? record.startDate).toISOString(),
      region: this.options.region,
      resources: [record.executionArn],
      detail: {
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        name: record.name,
        status: record.status,
        startDate: record.startDate,
        stopDate: record.stopDate ?? null,
        input: record.input,
        output: record.output ?? null,
        inputDetails: { included: true },
        outputDetails: record.output === undefined ? null : { included: true },
        error: record.error ?? null,
        cause: record.cause ?? null,
      },
    };
    try {
      listener(event);
    } catch (error) {
      // A faulty local rule must not change the outcome of the execution that triggered it.
      console.error('local stepfunctions: onExecutionStatusChange failed', error);
    }
  }

  // ---- lookups --------------------------------------------------------------------------------------------------

  private saveStateMachine(record: StateMachineRecord): void {
    this.stateMachines.set(record.stateMachineArn, this.entryFor(record));
    this.store.saveStateMachine(record);
  }

  private entryFor(record: StateMachineRecord): StateMachineEntry {
    const prepared = prepareDefinition(validateDefinition(record.definition, { requireResolvedArns: true }));
    let interpreter: StateMachine | undefined;
    return {
      record,
      prepared,
      // Validated above (with ARN checks the interpreter's validator would apply again) and rewritten by us since.
      interpreter: () =>
        (interpreter ??= new (interpreterLibrary().StateMachine)(prepared.interpreterDefinition, {
          validationOptions: { noValidate: true },
        })),
    };
  }

  private requireStateMachine(stateMachineArn: string): StateMachineEntry {
    parseStateMachineArn(stateMachineArn);
    const entry = this.stateMachines.get(stateMachineArn);
    if (!entry) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${stateMachineArn}'`);
    return entry;
  }

  private requireTaggable(resourceArn: string): StateMachineEntry {
    const entry = this.stateMachines.get(resourceArn);
    if (!entry) throw new ResourceNotFound(`Resource not found: '${resourceArn}'`);
    return entry;
  }

  private requireExecution(executionArn: string): ExecutionEntry {
    assertExecutionArn(executionArn);
    const entry = this.executions.get(executionArn);
    if (!entry) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${executionArn}'`);
    return entry;
  }
}

/**
 * Creates the service and restores what `dataDir` holds: state machines, finished executions and their histories.
 * Executions a previous process left RUNNING become FAILED (`States.Runtime`, `RESTART_CAUSE`), with their event.
 */
export function createLocalStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  return LocalStepFunctions.create(options);
}

function outcomeOf(error: unknown): Outcome {
  const { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } = interpreterLibrary();
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (!(failure instanceof Error)) return { status: 'FAILED', error: 'States.Runtime', cause: String(failure) };
  // The interpreter invents an error and cause for a Fail state that declares none, and repeats the error name as
  // the message of its own errors (States.Timeout...); AWS reports no cause in either case.
  const inventedCause = failure.message === FAIL_STATE_DEFAULT_CAUSE || failure.message === failure.name;
  return {
    status: 'FAILED',
    error: failure.name === FAIL_STATE_DEFAULT_ERROR || failure.name === '' ? undefined : failure.name,
    cause: inventedCause ? undefined : failure.message,
  };
}

function terminalEvent(record: ExecutionRecord) {
  const errorDetails = { error: record.error, cause: record.cause };
  switch (record.status) {
    case 'SUCCEEDED':
      return {
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: { output: record.output, outputDetails: NO_TRUNCATION },
      };
    case 'ABORTED':
      return { type: 'ExecutionAborted', executionAbortedEventDetails: errorDetails };
    case 'TIMED_OUT':
      return { type: 'ExecutionTimedOut', executionTimedOutEventDetails: errorDetails };
    default:
      return { type: 'ExecutionFailed', executionFailedEventDetails: errorDetails };
  }
}

function withoutExecutionData<T extends Record<string, unknown>>(event: T): T {
  return Object.fromEntries(
    Object.entries(event).map(([key, value]) => {
      if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) return [key, value];
      const { input: _input, output: _output, ...rest } = value as Record<string, unknown>;
      return [key, rest];
    }),
  ) as T;
}

function parseExecutionInput(input: string): JsonValue {
  if (Buffer.byteLength(input) > MAX_PAYLOAD_BYTES) {
    throw new InvalidExecutionInput(`Invalid Execution Input: the input exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  }
  try {
    return JSON.parse(input) as JsonValue;
  } catch {
    throw new InvalidExecutionInput(`Invalid Execution Input: the input must be valid JSON`);
  }
}

/** How AWS names a task in a DataLimitExceeded cause: a function by its ARN, an integration as `service:action`. */
function taskResultLabel(resource: string): string {
  return /^arn:[^:]+:states:::(.+)$/.exec(resource)?.[1] ?? resource;
}

function stateMachineType(type: string | undefined): StateMachineType {
  if (type === undefined || type === 'STANDARD' || type === 'EXPRESS') return type ?? 'STANDARD';
  throw new ValidationException(`Value '${type}' at 'type' failed to satisfy constraint: STANDARD or EXPRESS`);
}

function tagMap(tags: readonly { key?: string; value?: string }[]): Record<string, string> {
  return Object.fromEntries(tags.filter((tag) => tag.key !== undefined).map((tag) => [tag.key!, tag.value ?? '']));
}

function required<T>(value: T | undefined, member: string): T {
  if (value === undefined || value === null) {
    throw new ValidationException(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function completion(): Completion {
  let resolve!: (record: ExecutionRecord) => void;
  let reject!: (reason: Error) => void;
  const promise = new Promise<ExecutionRecord>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // Nobody may be waiting when shutdown rejects it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Offset-based pages; the token is opaque to callers, as AWS's is. */
function paginate<T>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
): { items: T[]; nextToken?: string } {
  if (maxResults !== undefined && (maxResults < 0 || maxResults > MAX_PAGE_SIZE)) {
    throw new ValidationException(`Value '${maxResults}' at 'maxResults' failed to satisfy constraint: 0 to 1000`);
  }
  const size = maxResults || DEFAULT_PAGE_SIZE;
  const offset = nextToken === undefined ? 0 : decodePageToken(nextToken);
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(JSON.stringify({ offset: end })).toString('base64url') : undefined,
  };
}

function decodePageToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the same answer as a well-formed but foreign token.
  }
  throw new InvalidToken('Invalid Token: the nextToken is not valid');
}
