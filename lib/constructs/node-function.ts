import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AspectPriority,
  Aspects,
  AssetHashType,
  DockerImage,
  Duration,
  Lazy,
  RemovalPolicy,
  Size,
  Stack,
  Stage,
  Validations,
  type CfnResource,
  type IAspect,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import * as esbuild from 'esbuild';
import { PROJECT_ROOT } from '../project-root';

export { PROJECT_ROOT };

export interface NodeFunctionProps {
  /** Handler source, relative to `lambdas/` (e.g. `media-insights/dataplane/handler.ts`). */
  readonly entry: string;
  /** @default 'handler' */
  readonly handler?: string;
  /** @default - none */
  readonly environment?: Record<string, string>;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default - none */
  readonly description?: string;
  /** @default lambda.Architecture.ARM_64 (x86_64 for functions that run x86-64 binaries such as ffmpeg) */
  readonly architecture?: lambda.Architecture;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** `/tmp` size in MiB. @default 512 */
  readonly ephemeralStorageMb?: number;
  /**
   * Files copied into the bundle next to `index.js` (paths relative to the repository root → relative to the
   * bundle), for binaries and data a bundler cannot follow, e.g. ffmpeg or a WASM module. @default - none
   */
  readonly copyFiles?: Readonly<Record<string, string>>;
  /**
   * Modules esbuild leaves out (`require`d at run time), e.g. the packages a layer provides on `NODE_PATH`.
   * @default - none (the AWS SDK is bundled)
   */
  readonly externalModules?: readonly string[];
}

/**
 * A Node.js Lambda function with the project's defaults in one place: nodejs22.x on arm64, bundled by the local
 * esbuild (never Docker) with the AWS SDK inside the bundle so the same bundle runs in AWS and in local mode,
 * source maps, X-Ray tracing, a log group with retention, a role that may write only to that log group, and its
 * construct path as the Powertools service name of its logs.
 */
export class NodeFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    if (path.isAbsolute(props.entry) || props.entry.includes('..')) {
      throw new Error(`NodeFunction entry must be relative to lambdas/: ${props.entry}`);
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A role of our own instead of AWSLambdaBasicExecutionRole: that managed policy lets a function write to
    // every log group in the account.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const entry = path.join(PROJECT_ROOT, 'lambdas', props.entry);
    if (!fs.existsSync(entry)) throw new Error(`NodeFunction entry not found: lambdas/${props.entry}`);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      // Bundled with the app's other functions just before synthesis (`BundleBatch`), each bundle as NodejsFunction's
      // own bundling would build it alone.
      code: BundleBatch.of(this).add({
        entry,
        externalModules: props.externalModules ?? [],
        copyFiles: props.copyFiles ?? {},
      }),
      handler: `index.${props.handler ?? 'handler'}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ephemeralStorageSize: props.ephemeralStorageMb ? Size.mebibytes(props.ephemeralStorageMb) : undefined,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        // The `service` of every log line (see lambdas/shared/logging): the function's construct path.
        POWERTOOLS_SERVICE_NAME: this.node.path,
        // `-c functionLogLevel=WARN` (any Powertools level) quiets every function's logger; INFO when unset.
        ...logLevelEnvironment(this.node.tryGetContext('functionLogLevel')),
        ...props.environment,
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; they only accept "*".',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x on purpose: the runtime local mode and the test suite exercise.',
    });
  }
}

/** What one function's bundle is built from, besides the options every function shares. */
interface BundleSpec {
  /** Absolute path of the handler source. */
  readonly entry: string;
  readonly externalModules: readonly string[];
  readonly copyFiles: Readonly<Record<string, string>>;
}

/**
 * esbuild's options for every function: the build `NodejsFunction`'s own bundling runs (`esbuild --bundle <entry>
 * --outfile=<asset>/index.js …`) for these settings.
 */
const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // The AWS SDK is bundled rather than taken from the runtime (no externals but a function's own): the version we
  // test is the version that runs.
  minify: true,
  // Error class names are wire data (Lambda's errorType, e.g. MasExecutionError): keep them through minification.
  keepNames: true,
  // ES module builds first: the AWS SDK's `module` builds let esbuild drop the commands and shapes a function never
  // uses (its CommonJS builds are one file per client), about a third of every bundle.
  mainFields: ['module', 'main'],
  // In a file next to the bundle, linked from it (`//# sourceMappingURL=index.js.map`), which `--enable-source-maps`
  // follows; without the sources, which stack traces do not need.
  sourcemap: 'linked',
  sourcesContent: false,
  // ES modules bundled into CommonJS (pdf.js) read import.meta.url; give them the bundle's own URL.
  banner: { js: "const __bundle_import_meta_url = require('url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundle_import_meta_url' },
  logLevel: 'error',
} as const satisfies esbuild.BuildOptions;

/**
 * The functions of one app (a `Stage`), bundled together just before synthesis: one esbuild build per set of
 * external modules (esbuild then reads a module many functions share, such as an AWS SDK client, once, and uses
 * every core), instead of one esbuild process per function, one after the other. Each bundle is still built alone
 * (no code shared between bundles) and lands where `NodejsFunction`'s bundling puts it: a directory in the cloud
 * assembly, then an asset hashed from that output; stacks that `aws:cdk:bundling-stacks` leaves out (`cdk synth X
 * --exclusively`, construct tests) are not bundled at all.
 */
class BundleBatch implements IAspect {
  private static readonly batches = new WeakMap<Stage, BundleBatch>();

  public static of(scope: Construct): BundleBatch {
    const stage = Stage.of(scope);
    if (!stage) throw new Error(`NodeFunction ${scope.node.path} must be inside an App`);
    let batch = BundleBatch.batches.get(stage);
    if (!batch) {
      batch = new BundleBatch(stage);
      BundleBatch.batches.set(stage, batch);
      // Before any aspect that reads the template (the assets are what the functions' Code points at).
      Aspects.of(stage).add(batch, { priority: AspectPriority.MUTATING });
    }
    return batch;
  }

  private readonly pending: BatchedCode[] = [];

  private constructor(private readonly stage: Stage) {}

  public add(spec: BundleSpec): lambda.Code {
    const code = new BatchedCode(spec);
    this.pending.push(code);
    return code;
  }

  /** Aspects visit the app first, before any of its constructs. */
  public visit(node: IConstruct): void {
    if (node !== this.stage || this.pending.length === 0) return;
    const codes = this.pending.splice(0);
    const outdir = this.stage.assetOutdir;
    const built = codes.filter((code) => code.bundlingRequired);
    try {
      buildBundles(outdir, built);
      for (const code of codes) code.stage();
    } finally {
      // A bundle CDK's asset cache did not ask for (a second function of the same build) is not left behind.
      for (const code of built) fs.rmSync(code.buildDir(outdir), { recursive: true, force: true });
    }
  }
}

/** One esbuild build per set of external modules; each function's bundle in its own directory of `outdir`. */
function buildBundles(outdir: string, codes: readonly BatchedCode[]): void {
  const groups = new Map<string, BatchedCode[]>();
  for (const code of codes) {
    const key = JSON.stringify([...code.spec.externalModules].sort());
    groups.set(key, [...(groups.get(key) ?? []), code]);
  }
  for (const [key, group] of groups) {
    for (const code of group) fs.rmSync(code.buildDir(outdir), { recursive: true, force: true });
    try {
      esbuild.buildSync({
        ...ESBUILD_OPTIONS,
        // Each bundle one directory below the assembly, as CDK's `bundling-temp-*` directories are: the source
        // map's relative paths stay right when CDK moves the bundle to its `asset.*` directory next to them.
        entryPoints: group.map((code) => ({ in: code.spec.entry, out: path.join(code.buildDirName, 'index') })),
        outdir,
        external: JSON.parse(key) as string[],
        absWorkingDir: PROJECT_ROOT,
      });
    } catch (error) {
      const entries = group.map((code) => path.relative(PROJECT_ROOT, code.spec.entry)).join(', ');
      throw new Error(`Bundling ${entries} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

let buildDirCount = 0;

/** A function's code, bundled by its app's `BundleBatch`: an asset staged only once the batch has built it. */
class BatchedCode extends lambda.Code {
  public readonly isInline = false;
  public readonly buildDirName = `bundling-batch-${process.pid}-${buildDirCount++}`;
  private scope?: Construct;
  private resource?: [CfnResource, lambda.ResourceBindOptions | undefined];
  private config?: lambda.CodeConfig;

  public constructor(public readonly spec: BundleSpec) {
    super();
  }

  public get bundlingRequired(): boolean {
    return this.scope !== undefined && Stack.of(this.scope).bundlingRequired;
  }

  public buildDir(outdir: string): string {
    return path.join(outdir, this.buildDirName);
  }

  public bind(scope: Construct): lambda.CodeConfig {
    if (this.scope) throw new Error(`The code of ${this.scope.node.path} cannot be bound to ${scope.node.path} too`);
    this.scope = scope;
    const staged = () => {
      if (!this.config?.s3Location) throw new Error(`${scope.node.path}: code read before the app was synthesized`);
      return this.config.s3Location;
    };
    return {
      s3Location: {
        bucketName: Lazy.string({ produce: () => staged().bucketName }),
        objectKey: Lazy.string({ produce: () => staged().objectKey }),
      },
    };
  }

  public bindToResource(resource: CfnResource, options?: lambda.ResourceBindOptions): void {
    this.resource = [resource, options];
  }

  /** The asset, as `NodejsFunction` stages it: from the project root, bundled, hashed from the bundle. */
  public stage(): void {
    const { scope, resource } = this;
    if (!scope || !resource) throw new Error('BatchedCode staged before its function bound it');
    const relativeEntry = path.relative(PROJECT_ROOT, this.spec.entry);
    const code = lambda.Code.fromAsset(PROJECT_ROOT, {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: the local bundling below always bundles (or throws).
        image: DockerImage.fromRegistry('dummy'),
        // What the bundle is built from; it also keys CDK's cache of staged assets.
        command: [
          'esbuild',
          '--bundle',
          relativeEntry,
          ...this.spec.externalModules.map((name) => `--external:${name}`),
        ],
        environment: { COPY_FILES: JSON.stringify(this.spec.copyFiles) },
        local: { tryBundle: (outputDir) => this.moveBundle(outputDir) },
      },
    });
    this.config = code.bind(scope);
    code.bindToResource(...resource);
  }

  private moveBundle(outputDir: string): boolean {
    const built = this.buildDir(path.dirname(outputDir));
    for (const file of fs.readdirSync(built)) fs.renameSync(path.join(built, file), path.join(outputDir, file));
    // Files a bundler cannot follow (binaries, WASM, data); `cp -RL`: a source may be a directory, and node_modules
    // may hold symlinks.
    for (const [from, to] of Object.entries(this.spec.copyFiles)) {
      const target = path.join(outputDir, to);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.cpSync(path.join(PROJECT_ROOT, from), target, { recursive: true, dereference: true });
    }
    return true;
  }
}

function logLevelEnvironment(level: unknown): Record<string, string> {
  if (level === undefined) return {};
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'];
  if (typeof level !== 'string' || !levels.includes(level.toUpperCase()))
    throw new Error(`functionLogLevel must be one of ${levels.join(', ')}, not ${JSON.stringify(level)}`);
  return { POWERTOOLS_LOG_LEVEL: level.toUpperCase() };
}
