import type { TemplateResource } from './assembly';
import type { LocalCredentials } from './credentials';
import type { StackResolver } from './intrinsics';
import type { Principals } from './principals';

/** What a resource type's naming rules get: the resource and the names CloudFormation would build from. */
export interface NamingInput {
  readonly logicalId: string;
  readonly stackName: string;
  /** `<stack name>-<logical id>`, the base of CloudFormation's generated names (types truncate it to their limit). */
  readonly generated: string;
  readonly region: string;
  readonly accountId: string;
  /** A name property of the resource, resolved (e.g. `TableName`), `undefined` when the template leaves it out. */
  explicit(property: string): string | undefined;
}

/** A resource that exists: what its ARN and attributes are built from. */
export interface ResourceInput {
  readonly logicalId: string;
  /** Its physical id (what `Ref` gives). */
  readonly name: string;
  readonly resource: TemplateResource;
  readonly region: string;
  readonly accountId: string;
  /** A property of the resource, resolved. */
  property(name: string): unknown;
  /** The endpoint of a running service module, by module name (e.g. where an OpenSearch domain is served). */
  endpoint(service: string): string;
}

/**
 * How local mode names a CloudFormation resource type and answers `Ref` and `Fn::GetAtt` for it, as CloudFormation
 * does after a deployment. An attribute not listed here is a start-up error, never an invented value.
 */
export interface ResourceTypeSpec {
  /** The physical id (`Ref`). @default the generated name, `<stack>-<logical id>` */
  physicalId?(input: NamingInput): string;
  /** The ARN (`Fn::GetAtt … Arn`). @default - the type has no Arn attribute */
  arn?(resource: ResourceInput): string;
  /** Every other attribute `Fn::GetAtt` may read. */
  readonly attributes?: Readonly<Record<string, (resource: ResourceInput) => unknown>>;
}

/** Everything running in local mode, as a service module sees it. */
export interface LocalCloud {
  readonly region: string;
  readonly accountId: string;
  /** The data directory: outputs.json, credentials, and one directory per service module. */
  readonly dataDir: string;
  /** The synthesized cloud assembly local mode runs: templates and assets (function bundles, ASL files). */
  readonly assemblyDir: string;
  /** Every key pair local mode accepts; temporary credentials a local STS issues are added here. */
  readonly principals: Principals;
  /** The keys of the user who deployed the app (profile `mediaplane`), for calls a deployment makes. */
  readonly credentials: LocalCredentials;
  readonly log: (message: string) => void;
  /** The running service of another module (created before any resource is deployed). */
  service<T extends LocalService>(name: string): T;
  /** The endpoint of a module that listens. */
  endpoint(name: string): string;
  /** `AWS_ENDPOINT_URL_<SERVICE>` → endpoint for every module that declares one: what functions run with. */
  endpointVariables(): Record<string, string>;
}

export interface ServiceContext {
  readonly cloud: LocalCloud;
  /** This module's own directory under the data directory, created for it: its state survives restarts. */
  readonly directory: string;
  /** The port to listen on (0: any free port) when the module declares `listens`. */
  readonly port: number;
}

/** One resource of a type the module owns, handed over in deployment order. */
export interface DeployableResource {
  readonly resolver: StackResolver;
  readonly logicalId: string;
  readonly resource: TemplateResource;
  /**
   * Whether the last start that completed deployed this resource as it is now (same type, same resolved properties,
   * the module's data directory not removed since): an update with no changes, where CloudFormation makes no call.
   * A module whose engine keeps the resource on disk (a table, a bucket) may then skip it. Drift is not repaired.
   */
  readonly unchanged?: () => boolean;
}

/** A running service module. */
export interface LocalService {
  /** Where its endpoint listens, for modules that listen. */
  readonly endpoint?: string;
  /**
   * Creates or updates one resource of a type the module owns. Called in each stack's creation order (everything a
   * resource refers to is deployed before it, custom resources included), stacks in dependency order.
   */
  deploy?(resource: DeployableResource): Promise<void> | void;
  /** Every stack is deployed: remove what no template declares any more, start timers and notifications. */
  deployed?(stacks: readonly StackResolver[]): Promise<void> | void;
  /** A stack output as a client reads it locally (e.g. an execute-api URL on the local API endpoint). */
  rewriteOutput?(value: string): string;
  /**
   * Local mode is stopping: stop starting work (timers, notifications, executions). Runs for every service before
   * any is closed, so nothing calls a service that is already gone.
   */
  quiesce?(): Promise<void> | void;
  close(): Promise<void> | void;
}

/**
 * A local stand-in for one AWS service: the CloudFormation types it owns and how it names them, the endpoint its
 * SDK clients reach it at, and how it starts. Adding a service to local mode is one such module and one line in
 * `services.ts`; see `lib/local/README.md`.
 */
export interface LocalServiceModule {
  /** A short name: the module's directory under the data directory and how other modules find it. */
  readonly name: string;
  /**
   * The module serves an endpoint and takes a port from the allocator, in registry order.
   * @default false
   */
  readonly listens?: boolean;
  /**
   * The variable SDK v3 clients read the endpoint from (`AWS_ENDPOINT_URL_DYNAMODB`), set for every function.
   * @default - functions do not call this service through an SDK client
   */
  readonly endpointVariable?: string;
  /** The key of the endpoint in `outputs.json`'s `Local` block (e.g. `DynamoDbEndpoint`). @default - none */
  readonly outputKey?: string;
  /**
   * The CloudFormation types the module owns. A key ending in `*` owns every type with that prefix (`Custom::*`).
   * A type that no module owns is a start-up error: local mode never pretends to deploy what it cannot run.
   */
  readonly resourceTypes: Readonly<Record<string, ResourceTypeSpec>>;
  /** Creates (and, if it listens, starts) the service. Modules without state or endpoint may omit it. */
  start?(context: ServiceContext): Promise<LocalService>;
}
