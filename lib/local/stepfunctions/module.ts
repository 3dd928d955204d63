import type { CloudWatchService } from '../cloudwatch/module';
import type { EventsService } from '../events/module';
import { LambdaInvocationError } from '../lambda/runtime';
import type { LambdaService } from '../lambda/module';
import type { LocalService, LocalServiceModule } from '../service-module';
import { readStateMachine } from './definition-source';
import { startStepFunctionsEndpoint } from './http';
import { createLocalStepFunctions, type LocalStepFunctions } from './index';
import type { ExecutionRecord } from './types';

export interface StepFunctionsService extends LocalService {
  readonly stepFunctions: LocalStepFunctions;
}

/**
 * Step Functions: the templates' state machines (the same ASL files, with their substitutions) on the local
 * interpreter; Lambda tasks call the local functions; status changes go to the event bus.
 */
export const stepFunctionsModule: LocalServiceModule = {
  name: 'stepfunctions',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_SFN',
  outputKey: 'StepFunctionsEndpoint',
  resourceTypes: {
    'AWS::StepFunctions::StateMachine': {
      // A state machine's Ref is its ARN.
      physicalId: ({ explicit, generated, region, accountId }) =>
        `arn:aws:states:${region}:${accountId}:stateMachine:${explicit('StateMachineName') ?? generated.slice(0, 80)}`,
      arn: ({ name }) => name,
      attributes: { Name: ({ name }) => name.slice(name.lastIndexOf(':') + 1) },
    },
  },
  async start({ cloud, directory, port }): Promise<StepFunctionsService> {
    // For kill -9 tests, `<name text>/<input text>`: executions of state machines whose name contains the first and
    // whose input contains the second start, then wait for ever.
    const [heldName, heldInput = ''] = (process.env.MEDIAPLANE_TEST_HOLD_EXECUTIONS ?? '').split(/\/(.*)/s);
    const stepFunctions = await createLocalStepFunctions({
      region: cloud.region,
      accountId: cloud.accountId,
      dataDir: directory,
      invokeLambda: async (functionArn, payload) => {
        const fn = cloud.service<LambdaService>('lambda').find(functionArn);
        if (!fn) {
          throw new LambdaInvocationError(
            {
              errorType: 'Lambda.ResourceNotFoundException',
              errorMessage: `Function not found: ${functionArn} (Service: AWSLambda; Status Code: 404)`,
            },
            functionArn,
          );
        }
        return fn.invoke(payload);
      },
      invokeLambdaAsync: (functionArn, payload) =>
        cloud.service<LambdaService>('lambda').invokeAsync(functionArn, payload),
      onExecutionRecord: (record) => publishExecutionMetrics(cloud.service<CloudWatchService>('cloudwatch'), record),
      onExecutionStatusChange: (event) => cloud.service<EventsService>('events').bus.put(event),
      holdExecutions: heldName ? (name, input) => name.includes(heldName) && input.includes(heldInput) : undefined,
    });
    const running = await startStepFunctionsEndpoint(
      stepFunctions,
      { region: cloud.region, principals: cloud.principals },
      port,
    );
    return {
      endpoint: running.endpoint,
      stepFunctions,
      async deploy({ resolver, logicalId }) {
        const input = readStateMachine(resolver, logicalId, cloud.assemblyDir);
        try {
          await stepFunctions.registerStateMachine(input);
        } catch (error) {
          throw new Error(`${resolver.stack.stackName}/${logicalId}: ${(error as Error).message}`);
        }
      },
      // Running executions are aborted but stay RUNNING on disk: the next start fails them, as after a crash.
      quiesce: () => stepFunctions.close(),
      async close() {
        await stepFunctions.close();
        await running.close();
      },
    };
  },
};

const EXECUTION_METRICS: Record<ExecutionRecord['status'], string> = {
  RUNNING: 'ExecutionsStarted',
  SUCCEEDED: 'ExecutionsSucceeded',
  FAILED: 'ExecutionsFailed',
  ABORTED: 'ExecutionsAborted',
  TIMED_OUT: 'ExecutionsTimedOut',
};

/** Step Functions' `AWS/States` execution metrics, by `StateMachineArn`: a count at start and at the end, and the time. */
function publishExecutionMetrics(cloudWatch: CloudWatchService, record: ExecutionRecord): void {
  const metric = (metricName: string) => ({
    namespace: 'AWS/States',
    metricName,
    dimensions: { StateMachineArn: record.stateMachineArn },
  });
  cloudWatch.putMetric(metric(EXECUTION_METRICS[record.status]), 1);
  if (record.stopDate !== undefined) cloudWatch.putMetric(metric('ExecutionTime'), record.stopDate - record.startDate);
}
