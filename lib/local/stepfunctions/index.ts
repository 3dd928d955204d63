export { createLocalStepFunctions, LocalStepFunctions, RESTART_CAUSE } from './service';
export { findDefinitionProblems, validateDefinition, type ValidateDefinitionOptions } from './definition';
export * from './errors';
export type {
  ExecutionStatus,
  ExecutionStatusChangeEvent,
  InvokeLambda,
  LocalStepFunctionsOptions,
  RegisterStateMachineInput,
  StateMachineType,
} from './types';
export { startStepFunctionsEndpoint, stepFunctionsApi, STEP_FUNCTIONS_WIRE } from './http';
