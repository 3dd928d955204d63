import { awsDependencies } from '../adapters';
import { executionEnded as recordExecutionEnded } from './execution-ended';
import { recordError as record } from './record-error';

const deps = awsDependencies();

/** Lambda entry point of the main state machine's `Record … error` states. */
export const recordError = (event: unknown) => record(event, deps);

/** Lambda entry point of the rule on the pipeline's executions that failed, timed out or were stopped. */
export const executionEnded = (event: unknown) => recordExecutionEnded(event, deps);
