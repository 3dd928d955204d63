import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCloudAssembly, type CloudAssembly } from './assembly';
import { DependencyGraph } from './cloudformation/dependencies';
import { DeploymentRecord } from './cloudformation/deployment-record';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_PROFILE,
  loadOrCreateProfiles,
  profilePrincipal,
  type LocalCredentials,
} from './credentials';
import type { EventsService } from './events/module';
import type { LocalEventBus } from './events/bus';
import { StackResolver, type LocalEnvironment } from './intrinsics';
import type { LambdaService } from './lambda/module';
import type { LocalFunction } from './lambda/runtime';
import { allocatePorts } from './ports';
import { Principals } from './principals';
import { ResourceTypes } from './resource-types';
import type { LocalCloud, LocalService, LocalServiceModule } from './service-module';
import { SERVICE_MODULES } from './services';
import type { StepFunctionsService } from './stepfunctions/module';
import type { LocalStepFunctions } from './stepfunctions';
import { synthesizeIfChanged, type CommandLineContext } from './synth';

export interface LocalModeOptions {
  /**
   * Port of the API endpoint; the other services take the following ports, in the order of `SERVICE_MODULES`.
   * 0 picks free ports for all. @default 4000
   */
  readonly port?: number;
  /** Holds outputs.json, credentials and the services' data. */
  readonly dataDir: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** A synthesized cloud assembly to run instead of synthesizing into `<dataDir>/cdk.out`. */
  readonly cloudAssemblyDir?: string;
  /** CDK context for the synthesis (`npm start -- -c key=value`). @default - cdk.json's only */
  readonly context?: CommandLineContext;
  /** The services to run. @default SERVICE_MODULES */
  readonly modules?: readonly LocalServiceModule[];
  /** @default console.log */
  readonly log?: (message: string) => void;
}

/** `cdk deploy --outputs-file` shape: stack name → output key → value, plus `Local` for the services. */
export type Outputs = Record<string, Record<string, string>>;

export interface LocalMode {
  /** The API endpoint (API Gateway). */
  readonly endpoint: string;
  readonly region: string;
  readonly dataDir: string;
  /** The keys of profile `mediaplane`, the user who deployed the app. */
  readonly credentials: LocalCredentials;
  readonly outputs: Outputs;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** The Step Functions service every state machine of the templates is registered with. */
  readonly stepFunctions: LocalStepFunctions;
  /** The default event bus: the templates' rules and schedules, and the events local services emit. */
  readonly eventBus: LocalEventBus;
  /** A running service module by name. */
  service<T extends LocalService>(name: string): T;
  /** Invokes a local function by name or ARN, as Lambda's Invoke would. */
  invoke(functionNameOrArn: string, event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Runs what `cdk synth` produces on this machine, as a deployment would: every resource of every stack is handed to
 * the service module that owns its type (see `services.ts` and README.md here), in the order CloudFormation would
 * create it. Only the endpoints differ from AWS, and functions reach them through the standard `AWS_ENDPOINT_URL_*`
 * variables (a domain's through its `DomainEndpoint`, as in AWS).
 *
 * Start-up: the templates are checked (every resource type and attribute must be one a module provides), every
 * module starts (listeners on their ports), each stack's resources are deployed in creation order (a failed custom
 * resource fails the start, as it fails a deployment), then every module's `deployed` hook runs (rules, schedules,
 * notifications).
 */
export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
  const log = options.log ?? ((message: string) => console.log(message));
  const mark = startTimeline(log);
  mark('startLocalMode');
  const region = options.region ?? 'us-east-1';
  const dataDir = path.resolve(options.dataDir);
  const modules = options.modules ?? SERVICE_MODULES;
  const ports = allocatePorts(options.port ?? 4000, modules);
  // The data directory holds the keys and everything stored: only its owner may read it.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);

  const profiles = loadOrCreateProfiles(dataDir);
  const principals = new Principals(profiles.map((profile) => profilePrincipal(profile)));
  const deployer = profiles[0] as LocalCredentials;
  const credentials = { accessKeyId: deployer.accessKeyId, secretAccessKey: deployer.secretAccessKey };
  const assemblyDir =
    options.cloudAssemblyDir ?? synthesizeIfChanged(path.join(dataDir, 'cdk.out'), log, options.context);
  mark('assembly synthesized or unchanged');
  const assembly = readCloudAssembly(assemblyDir);

  const services = new Map<string, LocalService>();
  const cloud: LocalCloud = {
    region,
    accountId: LOCAL_ACCOUNT_ID,
    dataDir,
    assemblyDir,
    principals,
    credentials,
    log,
    service: <T extends LocalService>(name: string) => {
      const service = services.get(name);
      if (!service) throw new Error(`Local service ${name} is not running`);
      return service as T;
    },
    endpoint: (name) => {
      const endpoint = services.get(name)?.endpoint;
      if (!endpoint) throw new Error(`Local service ${name} has no endpoint`);
      return endpoint;
    },
    endpointVariables: () =>
      Object.fromEntries(
        modules.flatMap((module) => {
          const endpoint = services.get(module.name)?.endpoint;
          return module.endpointVariable && endpoint ? [[module.endpointVariable, endpoint]] : [];
        }),
      ),
  };
  const environment: LocalEnvironment = {
    region,
    accountId: LOCAL_ACCOUNT_ID,
    resourceTypes: new ResourceTypes(modules),
    endpoint: cloud.endpoint,
  };
  const resolvers = resolveStacks(assembly, environment);
  for (const resolver of resolvers) resolver.validate();
  mark('templates read and checked');

  const stop = async () => {
    const running = [...services.values()].reverse();
    for (const service of running) await service.quiesce?.();
    for (const service of running) await service.close();
    services.clear();
  };
  try {
    for (const module of modules) {
      if (!module.start) continue;
      const directory = path.join(dataDir, module.name);
      fs.mkdirSync(directory, { recursive: true });
      services.set(module.name, await module.start({ cloud, directory, port: ports.get(module.name) ?? 0 }));
      mark(`started ${module.name}`);
    }
    const recordDirectory = path.join(dataDir, 'cloudformation');
    fs.mkdirSync(recordDirectory, { recursive: true });
    const record = new DeploymentRecord(recordDirectory);
    for (const resolver of resolvers) {
      await deployStack(resolver, async (logicalId) => {
        const resource = resolver.resource(logicalId);
        const owner = environment.resourceTypes.owner(resource.Type)?.module.name ?? '';
        const unchanged = () =>
          record.unchanged(`${resolver.stack.stackName}/${logicalId}`, path.join(dataDir, owner), {
            type: resource.Type,
            physicalId: resolver.physicalId(logicalId),
            properties: resolver.resolve(resource.Properties ?? {}),
          });
        await services.get(owner)?.deploy?.({ resolver, logicalId, resource, unchanged });
      });
      mark(`deployed ${resolver.stack.stackName}`);
    }
    for (const module of modules) await services.get(module.name)?.deployed?.(resolvers);
    record.save();
    mark('deployed hooks run');

    const outputs = localOutputs(resolvers, [...services.values()]);
    outputs.Local = {
      Region: region,
      ...Object.fromEntries(
        modules.flatMap((module) => {
          const endpoint = services.get(module.name)?.endpoint;
          return module.outputKey && endpoint ? [[module.outputKey, endpoint]] : [];
        }),
      ),
      Profile: LOCAL_PROFILE,
      CredentialsFile: path.join(dataDir, 'credentials'),
      DataDir: dataDir,
    };
    fs.writeFileSync(path.join(dataDir, 'outputs.json'), `${JSON.stringify(outputs, null, 2)}\n`);
    mark('outputs written');

    const lambda = cloud.service<LambdaService>('lambda');
    return {
      endpoint: cloud.endpoint('apigateway'),
      region,
      dataDir,
      // A copy: SDK clients the services make mark the object they are given (`$source`), on first use only.
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
      outputs,
      functions: lambda.functions,
      stepFunctions: cloud.service<StepFunctionsService>('stepfunctions').stepFunctions,
      eventBus: cloud.service<EventsService>('events').bus,
      service: cloud.service,
      invoke: (nameOrArn, event) => lambda.invoke(nameOrArn, event),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Resolvers for every stack. A stack's exports are resolved when another stack imports them, after the services
 * have started, so an export may name an endpoint or a custom resource's attribute.
 */
function resolveStacks(assembly: CloudAssembly, environment: LocalEnvironment): StackResolver[] {
  const exports = new Map<string, () => unknown>();
  return assembly.stacks.map((stack) => {
    const resolver = new StackResolver(stack, environment, exports);
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      if (output.Export) exports.set(resolver.resolveString(output.Export.Name), () => resolver.resolve(output.Value));
    }
    return resolver;
  });
}

/**
 * Deploys the stack's resources that exist (their Condition holds) as CloudFormation creates them: each as soon as
 * every resource it refers to (or `DependsOn`) is deployed, independent ones side by side, so a start does not wait
 * for dozens of table and bucket checks one after the other. A failure fails the stack once what was under way has
 * settled; nothing that depends on the failed resource is deployed.
 */
async function deployStack(resolver: StackResolver, deploy: (logicalId: string) => Promise<void>): Promise<void> {
  const active = new Set(resolver.activeResources().map(([logicalId]) => logicalId));
  const graph = new DependencyGraph(resolver.stack.template);
  const deployed = new Map<string, Promise<void>>();
  for (const logicalId of graph.creationOrder()) {
    if (!active.has(logicalId)) continue;
    // In creation order, so every dependency already has its promise.
    const dependencies = [...graph.dependencies(logicalId)].flatMap((dependency) => deployed.get(dependency) ?? []);
    deployed.set(
      logicalId,
      Promise.all(dependencies).then(() => deploy(logicalId)),
    );
  }
  const outcomes = await Promise.allSettled(deployed.values());
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Every stack's outputs, as clients read them locally (execute-api URLs on the local API endpoint, …). */
function localOutputs(resolvers: readonly StackResolver[], services: readonly LocalService[]): Outputs {
  const outputs: Outputs = {};
  for (const resolver of resolvers) {
    const values: Record<string, string> = {};
    for (const [key, output] of Object.entries(resolver.stack.template.Outputs ?? {})) {
      values[key] = services.reduce(
        (value, service) => service.rewriteOutput?.(value) ?? value,
        resolver.resolveString(output.Value),
      );
    }
    outputs[resolver.stack.stackName] = values;
  }
  return outputs;
}

/**
 * `MEDIAPLANE_TIMELINE=1`: logs each start-up phase with the milliseconds since the process started, and the CPU
 * time the process (all its threads) has used, to see where a start goes.
 */
function startTimeline(log: (message: string) => void): (phase: string) => void {
  if (!process.env.MEDIAPLANE_TIMELINE) return () => {};
  return (phase) => {
    const cpu = process.cpuUsage();
    log(
      `[timeline] ${performance.now().toFixed(0).padStart(6)} ms  cpu ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(6)} ms  ${phase}`,
    );
  };
}
