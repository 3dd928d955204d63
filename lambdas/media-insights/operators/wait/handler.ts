import { withLogContext } from '../../../shared/logging';
import { logger } from '../../shared/logger';
import { lambdaClient } from '../../clients';
import { documentClient } from '../../tables/document-client';
import { requireEnvironment } from '../shared/config';
import { ExecutionTable } from '../../tables/executions';
import { LambdaSchedulerNotifier } from './adapters';
import { runWaitCheck, runWaitStart, type WaitDependencies } from './operator';

const env = requireEnvironment(['WORKFLOW_EXECUTION_TABLE_NAME', 'SCHEDULER_FUNCTION_ARN']);
const dependencies: WaitDependencies = {
  executions: new ExecutionTable(documentClient, { executions: env.WORKFLOW_EXECUTION_TABLE_NAME }),
  scheduler: new LambdaSchedulerNotifier(lambdaClient, env.SCHEDULER_FUNCTION_ARN),
};

/** `Wait` start (the original's `start_wait_operation_lambda`). */
export const startWaitOperation = withLogContext(logger, (event: unknown) => runWaitStart(event, dependencies));

/** `Wait` monitor (the original's `check_wait_operation_lambda`). */
export const checkWaitOperation = withLogContext(logger, (event: unknown) => runWaitCheck(event, dependencies));
