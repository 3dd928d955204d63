import { InvalidStreamConfigError, parseStreamConfig } from './config-validation';
import type { InvocationResult, StreamConfig } from './types';

/** What the state machine passes to each Consume task: its own state, plus the execution that runs it. */
export interface ConsumerInput {
  readonly config: StreamConfig;
  /** The lease owner: the first execution of this consumer; carried over when the loop continues as a new one. */
  readonly consumerId: string;
  readonly iteration: number;
  /** Cap on one invocation's reading time (tests and short-lived consumers); the Lambda deadline always applies. */
  readonly maxRunSeconds?: number;
}

/** The state machine's state after a Consume task: the input carried on, plus what this turn did. */
export interface ConsumerState extends ConsumerInput {
  readonly outcome: InvocationResult['outcome'];
  readonly waitSeconds: number;
  readonly last: InvocationResult;
}

/**
 * Reads `{input: <state machine state>, executionId}`: the state is `{config, consumerId?, iteration?, maxRunSeconds?}`
 * on the first turn (the execution input) and the previous turn's state after that.
 */
export function parseConsumerInput(event: unknown): ConsumerInput {
  const body = (event ?? {}) as { input?: Record<string, unknown>; executionId?: unknown };
  const state = body.input ?? {};
  const config = parseStreamConfig(state.config);
  const consumerId = typeof state.consumerId === 'string' && state.consumerId ? state.consumerId : body.executionId;
  if (typeof consumerId !== 'string' || consumerId === '') {
    throw new InvalidStreamConfigError('The consumer input needs executionId (the Step Functions execution id)');
  }
  const maxRunSeconds = state.maxRunSeconds;
  if (maxRunSeconds !== undefined && (typeof maxRunSeconds !== 'number' || !(maxRunSeconds > 0))) {
    throw new InvalidStreamConfigError('maxRunSeconds must be a positive number');
  }
  return {
    config,
    consumerId,
    iteration: typeof state.iteration === 'number' ? state.iteration : 0,
    ...(maxRunSeconds !== undefined ? { maxRunSeconds } : {}),
  };
}

export function nextState(input: ConsumerInput, result: InvocationResult, pollSeconds: number): ConsumerState {
  return { ...input, iteration: input.iteration + 1, outcome: result.outcome, waitSeconds: pollSeconds, last: result };
}
