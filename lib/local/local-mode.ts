import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  ApiGatewayEmulator,
  gatewayError,
  MAX_REQUEST_BYTES,
  readRestApis,
  type GatewayResponse,
} from './apigateway/emulator';
import { assetDirectoryForCode, readCloudAssembly, type CloudAssembly } from './assembly';
import { isCdkProviderHandler } from './cloudformation/cdk-providers';
import { CustomResourceDeployer } from './cloudformation/custom-resources';
import { DependencyGraph } from './cloudformation/dependencies';
import { CloudFormationResponses } from './cloudformation/responses';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_PROFILE,
  LOCAL_USER_NAME,
  loadOrCreateCredentials,
  type LocalCredentials,
} from './credentials';
import { startDynamoDb, startS3, type RunningEngine } from './engines';
import { LocalEventBus } from './events/bus';
import { readEventRules, readSchedulerSchedules } from './events/templates';
import { isCustomResourceType, StackResolver, type LocalEnvironment } from './intrinsics';
import { handleLambdaInvoke, withoutQualifier, type InvokeApiOptions } from './lambda/invoke-api';
import { LocalFunction, type LocalFunctionSpec } from './lambda/runtime';
import { provisionBuckets, provisionSearchDomains, provisionTables } from './provision';
import { BucketNotifications } from './s3/notifications';
import { LocalSearchServer } from './search/server';
import { readStateMachine } from './state-machines';
import { createLocalStepFunctions, type InvokeLambda, type LocalStepFunctions } from './stepfunctions';
import { synthesizeIfChanged } from './synth';
import { rawRequest, readBody } from './http-request';

export interface LocalModeOptions {
  /**
   * Port of the API endpoint; DynamoDB, S3, Step Functions and the search endpoint take the next four. 0 picks free
   * ports for all. @default 4000
   */
  readonly port?: number;
  /** Holds outputs.json, credentials and the engines' data. */
  readonly dataDir: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** A synthesized cloud assembly to run instead of synthesizing into `<dataDir>/cdk.out`. */
  readonly cloudAssemblyDir?: string;
  /** @default console.log */
  readonly log?: (message: string) => void;
}

/** `cdk deploy --outputs-file` shape: stack name → output key → value, plus `Local` for the engines. */
export type Outputs = Record<string, Record<string, string>>;

export interface LocalMode {
  readonly endpoint: string;
  readonly region: string;
  readonly dataDir: string;
  readonly credentials: LocalCredentials;
  readonly outputs: Outputs;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** The Step Functions service every state machine of the templates is registered with. */
  readonly stepFunctions: LocalStepFunctions;
  /** The default event bus: the templates' rules and schedules, and the events local services emit. */
  readonly eventBus: LocalEventBus;
  /** Invokes a local function by name or ARN, as Lambda's Invoke would. */
  invoke(functionNameOrArn: string, event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Runs what `cdk synth` produces on this machine: the tables and buckets of every stack in embedded engines, every
 * function's bundle with its template environment, every REST API behind an API Gateway emulator, every state
 * machine on the local Step Functions service, every OpenSearch domain on a local OpenSearch-compatible endpoint,
 * the rules and schedules of the default event bus, and the custom resources whose provider is a local function.
 * Only the endpoints differ from AWS, and functions reach them through the standard `AWS_ENDPOINT_URL_*` variables
 * (a domain's through its `DomainEndpoint`, as in AWS).
 *
 * Start-up follows a deployment: engines, tables, buckets and domains, the HTTP endpoints, functions, state
 * machines, custom resources (in dependency order; functions and state machines that read a custom resource's
 * attributes wait for it), then rules and schedules. A failed custom resource fails the start, as it fails a
 * deployment.
 */
export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
  const log = options.log ?? ((message: string) => console.log(message));
  const region = options.region ?? 'us-east-1';
  const dataDir = path.resolve(options.dataDir);
  const basePort = options.port ?? 4000;
  fs.mkdirSync(dataDir, { recursive: true });

  const credentials = loadOrCreateCredentials(dataDir);
  const lookupSecret = (accessKeyId: string) =>
    accessKeyId === credentials.accessKeyId ? credentials.secretAccessKey : undefined;
  const assemblyDir = options.cloudAssemblyDir ?? synthesizeIfChanged(path.join(dataDir, 'cdk.out'), log);
  const assembly = readCloudAssembly(assemblyDir);
  const environment = { region, accountId: LOCAL_ACCOUNT_ID };

  const engines: RunningEngine[] = [];
  const routes: ServerRoutes = {};
  const functions = new Map<string, LocalFunction>();
  let server: http.Server | undefined;
  let stepFunctions: { service: LocalStepFunctions; server: http.Server } | undefined;
  let search: LocalSearchServer | undefined;
  let eventBus: LocalEventBus | undefined;
  let bucketNotifications: BucketNotifications | undefined;
  const stop = async () => {
    eventBus?.stop();
    bucketNotifications?.stop();
    if (stepFunctions) {
      await stepFunctions.service.close();
      await closeServer(stepFunctions.server);
    }
    await Promise.all([...functions.values()].map((fn) => fn.close()));
    await search?.close();
    if (server) await closeServer(server);
    for (const engine of engines.reverse()) await engine.close();
  };

  try {
    const dynamodb = await startDynamoDb(path.join(dataDir, 'dynamodb'), basePort === 0 ? 0 : basePort + 1);
    engines.push(dynamodb);
    const s3 = await startS3(path.join(dataDir, 's3'), basePort === 0 ? 0 : basePort + 2, credentials, (change) =>
      bucketNotifications?.publish(change),
    );
    engines.push(s3);

    const clientConfig = {
      region,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    };
    const dynamoClient = new DynamoDBClient({ ...clientConfig, endpoint: dynamodb.endpoint });
    const s3Client = new S3Client({ ...clientConfig, endpoint: s3.endpoint, forcePathStyle: true });

    // Started whether or not a template has a domain, so its port and output are always there; it costs a socket.
    const searchServer = await LocalSearchServer.start(
      { directory: path.join(dataDir, 'search'), region, lookupSecret, log },
      basePort === 0 ? 0 : basePort + 4,
    );
    search = searchServer;

    const resolvers = resolveStacks(assembly, {
      ...environment,
      searchDomainEndpoint: (domainName) => searchServer.domainEndpoint(domainName),
    });
    for (const resolver of resolvers) {
      await provisionTables(resolver, dynamoClient);
      await provisionBuckets(resolver, s3Client);
      provisionSearchDomains(resolver, searchServer);
    }
    dynamoClient.destroy();
    s3Client.destroy();

    // The server listens before functions are created so they can be given its address for the Lambda API.
    server = http.createServer((request, response) => {
      void serve(routes, request, response);
    });
    const endpoint = await listen(server, basePort);

    const lookupFunction = (nameOrArn: string): LocalFunction | undefined => {
      const key = withoutQualifier(nameOrArn);
      return functions.get(key) ?? [...functions.values()].find((fn) => fn.spec.functionName === key);
    };
    const findFunction = (nameOrArn: string): LocalFunction => {
      const fn = lookupFunction(nameOrArn);
      if (!fn) throw new Error(`Function not found: ${nameOrArn}`);
      return fn;
    };

    const bus = new LocalEventBus({
      region,
      accountId: LOCAL_ACCOUNT_ID,
      log,
      // EventBridge invokes Lambda targets asynchronously and starts state machine executions; nothing else runs here.
      deliver: async (targetArn, payload) => {
        if (STATE_MACHINE_ARN.test(targetArn)) {
          await service.startExecution({ stateMachineArn: targetArn, input: JSON.stringify(payload) });
        } else {
          await findFunction(targetArn).invoke(payload);
        }
      },
    });
    eventBus = bus;
    bucketNotifications = new BucketNotifications({
      region,
      accountId: LOCAL_ACCOUNT_ID,
      userId: `AIDA${credentials.accessKeyId.slice(4)}`,
      eventBus: bus,
      findFunction: lookupFunction,
      log,
    });
    const invokeLambda: InvokeLambda = async (functionArn, payload) => {
      const fn = lookupFunction(functionArn);
      if (!fn) {
        const error = new Error(`Function not found: ${functionArn} (Service: AWSLambda; Status Code: 404)`);
        error.name = 'Lambda.ResourceNotFoundException';
        throw error;
      }
      return fn.invoke(payload);
    };
    const service = await createLocalStepFunctions({
      region,
      accountId: LOCAL_ACCOUNT_ID,
      dataDir: path.join(dataDir, 'stepfunctions'),
      invokeLambda,
      onExecutionStatusChange: (event) => bus.put(event),
    });
    const sfnServer = http.createServer(service.requestListener);
    stepFunctions = { service, server: sfnServer };
    const sfnEndpoint = await listen(sfnServer, basePort === 0 ? 0 : basePort + 3);

    const functionEnvironment: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      TZ: 'UTC',
      // Local mode may run on Node 20, where SDK v3 warns on every cold start; Lambda runs nodejs22.x.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    };
    const createFunction = (resolver: StackResolver, logicalId: string) => {
      const spec = readFunction(resolver, logicalId, assembly);
      if (!spec) return;
      functions.set(
        spec.functionArn,
        new LocalFunction(spec, {
          ...functionEnvironment,
          AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
          AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
          LAMBDA_TASK_ROOT: spec.codeDir,
        }),
      );
    };
    const registerStateMachine = async (resolver: StackResolver, logicalId: string) => {
      const input = readStateMachine(resolver, logicalId, assembly.directory);
      try {
        await service.registerStateMachine(input);
      } catch (error) {
        throw new Error(`${resolver.stack.stackName}/${logicalId}: ${(error as Error).message}`);
      }
    };

    const responses = new CloudFormationResponses(endpoint);
    routes.cloudFormation = responses;
    const customResources = new CustomResourceDeployer({
      region,
      accountId: LOCAL_ACCOUNT_ID,
      dataDir,
      responses,
      log,
      findProvider: (serviceToken) => {
        const fn = lookupFunction(serviceToken);
        if (!fn || isCdkProviderHandler(fn.spec.codeDir, fn.spec.handler)) return undefined;
        return { timeoutSeconds: fn.spec.timeoutSeconds, invoke: (event) => fn.invoke(event) };
      },
    });

    await deployInOrder(resolvers.map(deploymentPlan), { createFunction, registerStateMachine, customResources });

    const gateway = new ApiGatewayEmulator({
      region,
      identity: {
        accountId: LOCAL_ACCOUNT_ID,
        userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${LOCAL_USER_NAME}`,
        userId: `AIDA${credentials.accessKeyId.slice(4)}`,
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
      },
      invoke: (arn, event) => findFunction(arn).invoke(event),
    });
    for (const resolver of resolvers) for (const api of readRestApis(resolver)) gateway.register(api);
    routes.gateway = gateway;
    routes.lambda = { region, lookupSecret, findFunction: lookupFunction };

    const isDeliverable = async (arn: string) =>
      STATE_MACHINE_ARN.test(arn)
        ? service.describeStateMachine({ stateMachineArn: arn }).then(
            () => true,
            () => false,
          )
        : lookupFunction(arn) !== undefined;
    for (const resolver of resolvers) await addRulesAndSchedules(bus, resolver, isDeliverable, log);
    bus.start();
    for (const resolver of resolvers) bucketNotifications.addStack(resolver);
    bucketNotifications.start();

    const outputs = localOutputs(resolvers, endpoint);
    outputs.Local = {
      Region: region,
      Endpoint: endpoint,
      LambdaEndpoint: endpoint,
      S3Endpoint: s3.endpoint,
      DynamoDbEndpoint: dynamodb.endpoint,
      StepFunctionsEndpoint: sfnEndpoint,
      SearchEndpoint: searchServer.endpoint,
      Profile: LOCAL_PROFILE,
      CredentialsFile: path.join(dataDir, 'credentials'),
      DataDir: dataDir,
    };
    fs.writeFileSync(path.join(dataDir, 'outputs.json'), `${JSON.stringify(outputs, null, 2)}\n`);

    return {
      endpoint,
      region,
      dataDir,
      credentials,
      outputs,
      functions,
      stepFunctions: service,
      eventBus: bus,
      invoke: (nameOrArn, event) => findFunction(nameOrArn).invoke(event),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const STATE_MACHINE_ARN = /^arn:[^:]+:states:[^:]+:[^:]+:stateMachine:[^:]+$/;

/** Resolvers for every stack, with each stack's exports visible to the stacks that import them. */
function resolveStacks(assembly: CloudAssembly, environment: LocalEnvironment): StackResolver[] {
  const exports = new Map<string, unknown>();
  return assembly.stacks.map((stack) => {
    const resolver = new StackResolver(stack, environment, exports);
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      if (output.Export) exports.set(resolver.resolveString(output.Export.Name), resolver.resolve(output.Value));
    }
    return resolver;
  });
}

/** The resources of one stack that local mode runs, and the order a deployment would create them in. */
interface DeploymentPlan {
  readonly resolver: StackResolver;
  readonly functions: readonly string[];
  readonly stateMachines: readonly string[];
  readonly customResources: readonly string[];
  readonly creationOrder: readonly string[];
  waitsForCustomResource(logicalId: string): boolean;
}

function deploymentPlan(resolver: StackResolver): DeploymentPlan {
  const graph = new DependencyGraph(resolver.stack.template);
  const active = resolver.activeResources();
  const ofType = (test: (type: string) => boolean) =>
    active.filter(([, resource]) => test(resource.Type)).map(([logicalId]) => logicalId);
  const customResources = ofType(isCustomResourceType);
  const isCustomResource = (logicalId: string) => customResources.includes(logicalId);
  return {
    resolver,
    functions: ofType((type) => type === 'AWS::Lambda::Function'),
    stateMachines: ofType((type) => type === 'AWS::StepFunctions::StateMachine'),
    customResources,
    creationOrder: graph.creationOrder().filter((logicalId) => active.some(([id]) => id === logicalId)),
    waitsForCustomResource: (logicalId) => graph.dependsOn(logicalId, isCustomResource),
  };
}

/**
 * Functions, then state machines, then custom resources in each stack's creation order. Functions and state machines
 * that read a custom resource's Ref or attributes wait in that order until it has answered, as in a deployment.
 */
async function deployInOrder(
  plans: readonly DeploymentPlan[],
  steps: {
    createFunction(resolver: StackResolver, logicalId: string): void;
    registerStateMachine(resolver: StackResolver, logicalId: string): Promise<void>;
    customResources: CustomResourceDeployer;
  },
): Promise<void> {
  for (const { resolver, functions, waitsForCustomResource } of plans) {
    for (const logicalId of functions)
      if (!waitsForCustomResource(logicalId)) steps.createFunction(resolver, logicalId);
  }
  for (const { resolver, stateMachines, waitsForCustomResource } of plans) {
    for (const logicalId of stateMachines) {
      if (!waitsForCustomResource(logicalId)) await steps.registerStateMachine(resolver, logicalId);
    }
  }
  for (const plan of plans) {
    for (const logicalId of plan.creationOrder) {
      if (plan.customResources.includes(logicalId)) {
        await steps.customResources.deploy(plan.resolver, logicalId);
      } else if (plan.waitsForCustomResource(logicalId)) {
        if (plan.functions.includes(logicalId)) steps.createFunction(plan.resolver, logicalId);
        if (plan.stateMachines.includes(logicalId)) await steps.registerStateMachine(plan.resolver, logicalId);
      }
    }
  }
  await steps.customResources.deleteRemoved();
}

/** The stack's rules and schedules, without the targets local mode cannot reach (one log line each). */
async function addRulesAndSchedules(
  bus: LocalEventBus,
  resolver: StackResolver,
  isDeliverable: (arn: string) => Promise<boolean>,
  log: (message: string) => void,
): Promise<void> {
  const rules = readEventRules(resolver);
  const schedules = readSchedulerSchedules(resolver);
  for (const skipped of [...rules.skipped, ...schedules.skipped]) log(`Skipping ${skipped}`);
  const unreachable = (arn: string) => `${arn} is not a local function or state machine`;
  for (const rule of rules.items) {
    const targets = [];
    for (const target of rule.targets) {
      if (await isDeliverable(target.arn)) targets.push(target);
      else log(`Skipping target ${target.id} of rule ${rule.name}: ${unreachable(target.arn)}`);
    }
    bus.addRule({ ...rule, targets });
  }
  for (const schedule of schedules.items) {
    if (await isDeliverable(schedule.target.arn)) bus.addSchedule(schedule);
    else log(`Skipping schedule ${schedule.name}: ${unreachable(schedule.target.arn)}`);
  }
}

function readFunction(
  resolver: StackResolver,
  logicalId: string,
  assembly: CloudAssembly,
): LocalFunctionSpec | undefined {
  const props = resolver.resource(logicalId).Properties ?? {};
  const codeDir = assetDirectoryForCode(assembly.directory, props.Code);
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
    environment: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)])),
    timeoutSeconds: Number(props.Timeout ?? 3),
    memorySize: Number(props.MemorySize ?? 128),
    reservedConcurrentExecutions: reserved === undefined ? undefined : Number(resolver.resolve(reserved)),
  };
}

const EXECUTE_API_URL = /^https:\/\/([^.]+)\.execute-api\.[^./]+\.amazonaws\.com\//;

/** Every stack's outputs, with API Gateway invoke URLs pointing at the local endpoint. */
function localOutputs(resolvers: readonly StackResolver[], endpoint: string): Outputs {
  const outputs: Outputs = {};
  for (const resolver of resolvers) {
    const values: Record<string, string> = {};
    for (const [key, output] of Object.entries(resolver.stack.template.Outputs ?? {})) {
      values[key] = resolver.resolveString(output.Value).replace(EXECUTE_API_URL, `${endpoint}/$1/`);
    }
    outputs[resolver.stack.stackName] = values;
  }
  return outputs;
}

/** What the one local HTTP endpoint serves; filled in once the templates are loaded. */
interface ServerRoutes {
  gateway?: ApiGatewayEmulator;
  lambda?: InvokeApiOptions;
  cloudFormation?: CloudFormationResponses;
}

async function serve(routes: ServerRoutes, request: http.IncomingMessage, response: http.ServerResponse) {
  let result: GatewayResponse;
  try {
    const body = await readBody(request, MAX_REQUEST_BYTES);
    const raw = body === undefined ? undefined : rawRequest(request, body);
    if (raw === undefined) {
      result = gatewayError(413, 'RequestTooLongException', 'Request Too Long');
    } else if (raw.rawPath === '/_mediaplane/health') {
      result = {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from('{"status":"ok"}'),
      };
    } else {
      result =
        routes.cloudFormation?.handle(raw) ??
        (routes.lambda && (await handleLambdaInvoke(raw, routes.lambda))) ??
        (routes.gateway && (await routes.gateway.handle(raw, request.socket.remoteAddress ?? '127.0.0.1'))) ??
        gatewayError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
  } catch (error) {
    console.error('Local gateway error', error);
    result = gatewayError(500, undefined, 'Internal server error');
  }
  response.writeHead(result.statusCode, { ...result.headers, 'Content-Length': String(result.body.length) });
  response.end(result.body);
}

/** The whole body, or `undefined` once it exceeds `limit` (the rest is drained, not buffered). */

async function listen(server: http.Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
