import type { StateMachine } from 'aws-local-stepfunctions';
import type { TaskStateDefinition } from './definition';
import { isLambdaFunctionArn } from './arn';
import { describeTaskResource } from './resources';
import type { HistoryEventRecord } from './types';

/** The interpreter's own event type, which its package does not export. */
export type InterpreterEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

type HistoryEventDraft = { readonly type: string } & Record<string, unknown>;

const NO_TRUNCATION = { truncated: false };

/** An execution's history, numbered the way GetExecutionHistory numbers it. */
export class ExecutionHistory {
  private readonly events: HistoryEventRecord[];

  constructor(events: readonly HistoryEventRecord[] = []) {
    this.events = [...events];
  }

  add(draft: HistoryEventDraft, timestamp: number = Date.now()): void {
    const id = this.events.length + 1;
    // AWS links each event to the one that caused it; without a causal graph the preceding event is the closest fit.
    this.events.push({ ...draft, id, previousEventId: id - 1, timestamp });
  }

  addInterpreterEvent(event: InterpreterEvent, taskStates: ReadonlyMap<string, TaskStateDefinition>): void {
    const draft = toHistoryEvent(event, taskStates);
    if (draft) this.add(draft, event.timestamp);
  }

  toArray(): readonly HistoryEventRecord[] {
    return this.events;
  }
}

/**
 * Maps the interpreter's events onto AWS history events. Execution-level events are written by the service itself
 * (it knows the role, the stop request's error and cause); retries and catches have no AWS event of their own.
 */
function toHistoryEvent(
  event: InterpreterEvent,
  taskStates: ReadonlyMap<string, TaskStateDefinition>,
): HistoryEventDraft | undefined {
  switch (event.type) {
    case 'StateEntered':
      return {
        type: `${event.state.type}StateEntered`,
        stateEnteredEventDetails: {
          name: event.state.name,
          input: JSON.stringify(event.state.input),
          inputDetails: NO_TRUNCATION,
        },
      };
    case 'StateExited':
      return {
        type: `${event.state.type}StateExited`,
        stateExitedEventDetails: {
          name: event.state.name,
          output: JSON.stringify(event.state.output ?? null),
          outputDetails: NO_TRUNCATION,
        },
      };
    case 'StateFailed':
      return stateFailed(event.state.type, event.state.name, event.Error, event.Cause, taskStates);
    case 'MapIterationStarted':
      return {
        type: event.type,
        mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index },
      };
    case 'MapIterationSucceeded':
      return {
        type: event.type,
        mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index },
      };
    case 'MapIterationFailed':
      return { type: event.type, mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index } };
    default:
      return undefined;
  }
}

function stateFailed(
  stateType: string,
  stateName: string,
  error: string,
  cause: unknown,
  taskStates: ReadonlyMap<string, TaskStateDefinition>,
): HistoryEventDraft | undefined {
  if (stateType === 'Map') return { type: 'MapStateFailed' };
  if (stateType === 'Parallel') return { type: 'ParallelStateFailed' };
  const task = taskStates.get(stateName);
  if (stateType !== 'Task' || !task) return undefined;
  const causeText = typeof cause === 'string' ? cause : String(cause);
  const timedOut = error === 'States.Timeout';
  if (isLambdaFunctionArn(task.Resource)) {
    const type = timedOut ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed';
    const details = timedOut ? 'lambdaFunctionTimedOutEventDetails' : 'lambdaFunctionFailedEventDetails';
    return { type, [details]: { error, cause: causeText } };
  }
  const type = timedOut ? 'TaskTimedOut' : 'TaskFailed';
  const details = timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails';
  return { type, [details]: { ...describeTaskResource(task.Resource), error, cause: causeText } };
}
