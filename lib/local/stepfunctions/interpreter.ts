import type * as AwsLocalStepFunctions from 'aws-local-stepfunctions';
import { installPayloadLimits } from './payload-limits';

let library: typeof AwsLocalStepFunctions | undefined;

/**
 * aws-local-stepfunctions, loaded when a state machine first runs or a definition first needs judging: with its ASL
 * validator (ajv and its schemas) it was a third of the modules every start loaded, for state machines that are
 * registered at start but may not run for a while.
 */
export function interpreterLibrary(): typeof AwsLocalStepFunctions {
  if (!library) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    library = require('aws-local-stepfunctions') as typeof AwsLocalStepFunctions;
    // Every interpreter this process makes enforces Step Functions' payload quota.
    installPayloadLimits(library.StateMachine);
  }
  return library;
}
