import * as path from 'node:path';
import { Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
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

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, 'lambdas', props.entry),
      handler: props.handler ?? 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
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
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        // Bundled rather than taken from the runtime: the version we test is the version that runs.
        bundleAwsSDK: true,
        minify: true,
        // Error class names are wire data (Lambda's errorType, e.g. MasExecutionError): keep them through minification.
        keepNames: true,
        // ES module builds first: the AWS SDK's `module` builds let esbuild drop the commands and shapes a function
        // never uses (its CommonJS builds are one file per client), about a third of every bundle.
        mainFields: ['module', 'main'],
        // In a file next to the bundle, linked from it (`//# sourceMappingURL=index.js.map`), which
        // `--enable-source-maps` follows; without the sources, which stack traces do not need.
        sourceMap: true,
        sourceMapMode: nodejs.SourceMapMode.DEFAULT,
        sourcesContent: false,
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        // ES modules bundled into CommonJS (pdf.js) read import.meta.url; give them the bundle's own URL.
        banner: "const __bundle_import_meta_url = require('url').pathToFileURL(__filename).href;",
        define: { 'import.meta.url': '__bundle_import_meta_url' },
        logLevel: nodejs.LogLevel.ERROR,
        commandHooks: props.copyFiles ? copyFilesHooks(props.copyFiles) : undefined,
        externalModules: props.externalModules ? [...props.externalModules] : undefined,
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

function copyFilesHooks(files: Readonly<Record<string, string>>): nodejs.ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) =>
      Object.entries(files).flatMap(([from, to]) => {
        const target = path.join(outputDir, to);
        // -R: a source may be a directory (a package, a font folder); -L: node_modules may hold symlinks.
        return [`mkdir -p "${path.dirname(target)}"`, `cp -RL "${path.join(PROJECT_ROOT, from)}" "${target}"`];
      }),
  };
}
