import { awsDependencies } from '../adapters';
import { recordError as record } from './record-error';

const deps = awsDependencies();

/** Lambda entry point of the main state machine's `Record … error` states. */
export const recordError = (event: unknown) => record(event, deps);
