import * as path from 'node:path';
import { assetDirectoryForCode } from '../assembly';
import { UnsupportedTemplateError, type StackResolver } from '../intrinsics';
import { startAwsEndpoint } from '../protocol/endpoint';
import type { DeployableResource, LocalService, LocalServiceModule } from '../service-module';
import type { CloudWatchService } from '../cloudwatch/module';
import type { SqsService } from '../sqs/module';
import { AsyncInvocations, DEFAULT_ASYNC_INVOKE_CONFIG, type AsyncInvokeConfig } from './async-invocations';
import { lambdaInvokeApi, withoutQualifier } from './invoke-api';
import { LambdaInvocationError, LocalFunction, type InvocationReport, type LocalFunctionSpec } from './runtime';

/** The functions of every stack, and the Invoke API other functions reach them through. */
export interface LambdaService extends LocalService {
  /** Every function, by ARN. */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** A function by name or ARN (any qualifier), `undefined` when there is none. */
  find(nameOrArn: string): LocalFunction | undefined;
  /** Invokes a function as Lambda's Invoke would; a missing function fails as Lambda's ResourceNotFound. */
  invoke(nameOrArn: string, event: unknown): Promise<unknown>;
  /**
   * Queues an asynchronous invocation (what EventBridge, S3 and `InvocationType: Event` do): retried and sent to the
   * on-failure destination as the function's EventInvokeConfig says. A missing function fails at once.
   */
  invokeAsync(nameOrArn: string, event: unknown): void;
  /** A function's asynchronous invocation settings (its EventInvokeConfig, or Lambda's defaults). */
  asyncInvokeConfig(nameOrArn: string): AsyncInvokeConfig;
}

/**
 * Lambda: each function's bundle (the unpacked CDK asset) runs in worker threads with exactly its template
 * environment, plus the endpoint variables of every local service. Inline-code functions (some of CDK's own
 * housekeeping) have no bundle on disk and are not run.
 */
export const lambdaModule: LocalServiceModule = {
  name: 'lambda',
  listens: true,
  endpointVariable: 'AWS_ENDPOINT_URL_LAMBDA',
  outputKey: 'LambdaEndpoint',
  resourceTypes: {
    'AWS::Lambda::Function': {
      physicalId: ({ explicit, generated }) => explicit('FunctionName') ?? generated.slice(0, 64),
      arn: ({ name, region, accountId }) => `arn:aws:lambda:${region}:${accountId}:function:${name}`,
    },
    // Who may invoke a function is IAM's business, which local mode does not evaluate.
    'AWS::Lambda::Permission': {},
    // Read for the retries and on-failure destination of asynchronous invocations; its Ref is not used by the app.
    'AWS::Lambda::EventInvokeConfig': {},
    'AWS::Lambda::LayerVersion': {
      // A layer version's Ref is its ARN. Its files stay in its asset; the runtime shows them to the functions using it.
      physicalId: ({ explicit, generated, region, accountId }) =>
        `arn:aws:lambda:${region}:${accountId}:layer:${explicit('LayerName') ?? generated.slice(0, 64)}:1`,
    },
  },
  async start({ cloud, directory, port }): Promise<LambdaService> {
    const functions = new Map<string, LocalFunction>();
    const find = (nameOrArn: string): LocalFunction | undefined => {
      const key = withoutQualifier(nameOrArn);
      return functions.get(key) ?? [...functions.values()].find((fn) => fn.spec.functionName === key);
    };
    let baseEnvironment: Record<string, string> | undefined;
    const asyncConfigs = new Map<string, AsyncInvokeConfig>();
    const asyncInvokeConfig = (nameOrArn: string) => {
      const fn = find(nameOrArn);
      return (fn && asyncConfigs.get(fn.spec.functionArn)) ?? DEFAULT_ASYNC_INVOKE_CONFIG;
    };
    const existing = (nameOrArn: string): LocalFunction => {
      const fn = find(nameOrArn);
      if (fn) return fn;
      throw new LambdaInvocationError(
        {
          errorType: 'Lambda.ResourceNotFoundException',
          errorMessage: `Function not found: ${nameOrArn} (Service: AWSLambda; Status Code: 404)`,
        },
        nameOrArn,
      );
    };
    const invoke = async (nameOrArn: string, event: unknown) => existing(nameOrArn).invoke(event);
    const asyncInvocations = new AsyncInvocations({
      invoke,
      config: asyncInvokeConfig,
      sendToDestination: (destination, record) => {
        // Lambda also sends to SNS topics, functions and event buses; the app's destinations are SQS queues.
        if (!destination.startsWith('arn:aws:sqs:')) throw new Error('local mode delivers only to SQS queues');
        cloud.service<SqsService>('sqs').send(destination, record);
      },
      log: cloud.log,
      journal: path.join(directory, 'async-invocations.json'),
    });
    const invokeAsync = (nameOrArn: string, event: unknown) =>
      asyncInvocations.queue(existing(nameOrArn).spec.functionArn, event);
    const running = await startAwsEndpoint(
      {
        protocol: 'rest-json',
        signingName: 'lambda',
        region: cloud.region,
        principals: cloud.principals,
        // Lambda accepts payloads up to 6 MB; a little more leaves room for the framing of a request.
        maxBodyBytes: 7 * 1024 * 1024,
        handle: lambdaInvokeApi(find, invokeAsync),
      },
      port,
    );
    const deploy = ({ resolver, logicalId, resource }: DeployableResource) => {
      if (resource.Type === 'AWS::Lambda::EventInvokeConfig') {
        const props = resolver.resolve(resource.Properties ?? {}) as {
          FunctionName: string;
          MaximumRetryAttempts?: number;
          DestinationConfig?: { OnFailure?: { Destination?: string } };
        };
        const fn = find(props.FunctionName);
        if (!fn) return;
        asyncConfigs.set(fn.spec.functionArn, {
          maximumRetryAttempts: Number(props.MaximumRetryAttempts ?? DEFAULT_ASYNC_INVOKE_CONFIG.maximumRetryAttempts),
          onFailure: props.DestinationConfig?.OnFailure?.Destination,
        });
        return;
      }
      if (resource.Type !== 'AWS::Lambda::Function') return;
      // An API's invoke URL in a function's environment (one backend calling another's API, as the KVS consumer calls
      // the Media Insights workflow API) points at the local API endpoint, as the stack outputs do.
      const gateway = cloud.service<LocalService>('apigateway');
      const spec = readFunction(
        resolver,
        logicalId,
        cloud.assemblyDir,
        (value) => gateway.rewriteOutput?.(value) ?? value,
      );
      if (!spec) return;
      baseEnvironment ??= {
        AWS_REGION: cloud.region,
        AWS_DEFAULT_REGION: cloud.region,
        AWS_ACCESS_KEY_ID: cloud.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: cloud.credentials.secretAccessKey,
        ...cloud.endpointVariables(),
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        TZ: 'UTC',
        // Local mode may run on Node 20, where SDK v3 warns on every cold start; Lambda runs nodejs22.x.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        // For the resources the app has only when synthesized for local mode (see synth.ts), e.g. Pixop's demo user.
        MEDIAPLANE_DATA_DIR: cloud.dataDir,
      };
      functions.set(
        spec.functionArn,
        new LocalFunction(
          spec,
          {
            ...baseEnvironment,
            AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
            AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
            LAMBDA_TASK_ROOT: spec.codeDir,
          },
          {
            onInvoked: (report) =>
              publishInvocationMetrics(cloud.service<CloudWatchService>('cloudwatch'), spec.functionName, report),
            // Lambda sends what a function writes to CloudWatch Logs, which extracts embedded-metric-format lines.
            onLogLine: (line) => cloud.service<CloudWatchService>('cloudwatch').putLogLine(line),
          },
        ),
      );
    };
    return {
      endpoint: running.endpoint,
      functions,
      find,
      invoke,
      invokeAsync,
      asyncInvokeConfig,
      deploy,
      // Every function is deployed: what Lambda still owed from before the last stop runs now.
      deployed: () => void asyncInvocations.resume((functionArn) => functions.has(functionArn)),
      quiesce: () => asyncInvocations.stop(),
      async close() {
        asyncInvocations.stop();
        await running.close();
        await Promise.all([...functions.values()].map((fn) => fn.close()));
      },
    };
  },
};

function readFunction(
  resolver: StackResolver,
  logicalId: string,
  assemblyDir: string,
  rewrite: (value: string) => string,
): LocalFunctionSpec | undefined {
  const props = resolver.resource(logicalId).Properties ?? {};
  const codeDir = assetDirectoryForCode(assemblyDir, props.Code);
  // Inline code (some of CDK's own housekeeping functions) has no bundle on disk to run.
  if (!codeDir || typeof props.Handler !== 'string') return undefined;
  const variables = resolver.resolve(
    (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
  ) as Record<string, unknown>;
  const reserved = props.ReservedConcurrentExecutions;
  return {
    functionName: resolver.physicalId(logicalId),
    functionArn: resolver.arn(logicalId),
    codeDir,
    handler: props.Handler,
    environment: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, rewrite(String(value))])),
    layers: layerDirectories(resolver, logicalId, assemblyDir, props.Layers),
    timeoutSeconds: Number(props.Timeout ?? 3),
    memorySize: Number(props.MemorySize ?? 128),
    reservedConcurrentExecutions: reserved === undefined ? undefined : Number(resolver.resolve(reserved)),
  };
}

/** The unpacked assets of a function's layers, which must be layer versions of its own stack. */
function layerDirectories(resolver: StackResolver, logicalId: string, assemblyDir: string, layers: unknown): string[] {
  if (layers === undefined) return [];
  const versions = resolver.resourcesOfType('AWS::Lambda::LayerVersion');
  return (resolver.resolve(layers) as unknown[]).map((arn) => {
    const version = versions.find(([id]) => resolver.physicalId(id) === arn);
    const directory = version && assetDirectoryForCode(assemblyDir, version[1].Properties?.Content);
    if (directory) return directory;
    throw new UnsupportedTemplateError(
      `${resolver.stack.stackName}/${logicalId}: layer ${String(arn)} is not a layer version of the stack with its ` +
        'files in the cloud assembly, and local mode runs only those',
    );
  });
}

/** Lambda's per-invocation `AWS/Lambda` metrics, by `FunctionName`: a failed invocation counts 1 in Errors, others 0. */
function publishInvocationMetrics(cloudWatch: CloudWatchService, functionName: string, report: InvocationReport): void {
  const metric = (metricName: string) => ({
    namespace: 'AWS/Lambda',
    metricName,
    dimensions: { FunctionName: functionName },
  });
  if (report.throttled) {
    cloudWatch.putMetric(metric('Throttles'), 1);
    return;
  }
  cloudWatch.putMetric(metric('Invocations'), 1);
  cloudWatch.putMetric(metric('Errors'), report.failed ? 1 : 0);
  cloudWatch.putMetric(metric('Duration'), report.durationMs);
}
