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
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_PROFILE,
  LOCAL_USER_NAME,
  loadOrCreateCredentials,
  type LocalCredentials,
} from './credentials';
import { startDynamoDb, startS3, type RunningEngine } from './engines';
import { StackResolver } from './intrinsics';
import { handleLambdaInvoke, withoutQualifier, type InvokeApiOptions } from './lambda/invoke-api';
import { LocalFunction, type LocalFunctionSpec } from './lambda/runtime';
import { provisionBuckets, provisionTables } from './provision';
import { synthesizeIfChanged } from './synth';

export interface LocalModeOptions {
  /** Port of the API endpoint; the engines take the next ports. 0 picks free ports for all. @default 4000 */
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
  /** Invokes a local function by name or ARN, as Lambda's Invoke would. */
  invoke(functionNameOrArn: string, event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Runs what `cdk synth` produces on this machine: the tables and buckets of every stack in embedded engines, every
 * function's bundle with its template environment, and every REST API behind an API Gateway emulator. Only the
 * endpoints differ from AWS, and they reach the functions through the standard `AWS_ENDPOINT_URL_*` variables.
 */
export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
  const log = options.log ?? ((message: string) => console.log(message));
  const region = options.region ?? 'us-east-1';
  const dataDir = path.resolve(options.dataDir);
  const basePort = options.port ?? 4000;
  fs.mkdirSync(dataDir, { recursive: true });

  const credentials = loadOrCreateCredentials(dataDir);
  const assemblyDir = options.cloudAssemblyDir ?? synthesizeIfChanged(path.join(dataDir, 'cdk.out'), log);
  const assembly = readCloudAssembly(assemblyDir);
  const environment = { region, accountId: LOCAL_ACCOUNT_ID };

  const engines: RunningEngine[] = [];
  const routes: ServerRoutes = {};
  const functions = new Map<string, LocalFunction>();
  let server: http.Server | undefined;
  const stop = async () => {
    await Promise.all([...functions.values()].map((fn) => fn.close()));
    if (server) await closeServer(server);
    for (const engine of engines.reverse()) await engine.close();
  };

  try {
    const dynamodb = await startDynamoDb(path.join(dataDir, 'dynamodb'), basePort === 0 ? 0 : basePort + 1);
    engines.push(dynamodb);
    const s3 = await startS3(path.join(dataDir, 's3'), basePort === 0 ? 0 : basePort + 2, credentials);
    engines.push(s3);

    const clientConfig = {
      region,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    };
    const dynamoClient = new DynamoDBClient({ ...clientConfig, endpoint: dynamodb.endpoint });
    const s3Client = new S3Client({ ...clientConfig, endpoint: s3.endpoint, forcePathStyle: true });

    const resolvers = resolveStacks(assembly, environment);
    for (const resolver of resolvers) {
      await provisionTables(resolver, dynamoClient);
      await provisionBuckets(resolver, s3Client);
    }
    dynamoClient.destroy();
    s3Client.destroy();

    // The server listens before functions are created so they can be given its address for the Lambda API.
    server = http.createServer((request, response) => {
      void serve(routes, request, response);
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(basePort, '127.0.0.1', () => resolve());
    });
    const endpoint = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;

    const functionEnvironment: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      TZ: 'UTC',
      // Local mode may run on Node 20, where SDK v3 warns on every cold start; Lambda runs nodejs22.x.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    };
    for (const resolver of resolvers) {
      for (const spec of readFunctions(resolver, assembly)) {
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
      }
    }
    const lookupFunction = (nameOrArn: string): LocalFunction | undefined => {
      const key = withoutQualifier(nameOrArn);
      return functions.get(key) ?? [...functions.values()].find((fn) => fn.spec.functionName === key);
    };
    const findFunction = (nameOrArn: string): LocalFunction => {
      const fn = lookupFunction(nameOrArn);
      if (!fn) throw new Error(`Function not found: ${nameOrArn}`);
      return fn;
    };
    const lookupSecret = (accessKeyId: string) =>
      accessKeyId === credentials.accessKeyId ? credentials.secretAccessKey : undefined;

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

    const outputs = localOutputs(resolvers, endpoint);
    outputs.Local = {
      Region: region,
      Endpoint: endpoint,
      LambdaEndpoint: endpoint,
      S3Endpoint: s3.endpoint,
      DynamoDbEndpoint: dynamodb.endpoint,
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
      invoke: (nameOrArn, event) => findFunction(nameOrArn).invoke(event),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolvers for every stack, with each stack's exports visible to the stacks that import them. */
function resolveStacks(assembly: CloudAssembly, environment: { region: string; accountId: string }): StackResolver[] {
  const exports = new Map<string, unknown>();
  return assembly.stacks.map((stack) => {
    const resolver = new StackResolver(stack, environment, exports);
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      if (output.Export) exports.set(resolver.resolveString(output.Export.Name), resolver.resolve(output.Value));
    }
    return resolver;
  });
}

function readFunctions(resolver: StackResolver, assembly: CloudAssembly): LocalFunctionSpec[] {
  const specs: LocalFunctionSpec[] = [];
  for (const [logicalId, resource] of resolver.resourcesOfType('AWS::Lambda::Function')) {
    const props = resource.Properties ?? {};
    const codeDir = assetDirectoryForCode(assembly.directory, props.Code);
    // Functions CDK adds for deployment-time housekeeping (custom resource providers) ship inline or as
    // framework assets that local mode has no use for.
    if (!codeDir || typeof props.Handler !== 'string') continue;
    const variables = resolver.resolve(
      (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
    ) as Record<string, unknown>;
    specs.push({
      functionName: resolver.physicalId(logicalId),
      functionArn: resolver.arn(logicalId),
      codeDir,
      handler: props.Handler,
      environment: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)])),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memorySize: Number(props.MemorySize ?? 128),
    });
  }
  return specs;
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
}

async function serve(routes: ServerRoutes, request: http.IncomingMessage, response: http.ServerResponse) {
  let result: GatewayResponse;
  try {
    const body = await readBody(request, MAX_REQUEST_BYTES);
    const target = request.url ?? '/';
    const queryStart = target.indexOf('?');
    const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
    const rawQuery = queryStart < 0 ? '' : target.slice(queryStart + 1);
    const headers: Array<[string, string]> = [];
    for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
      headers.push([request.rawHeaders[i] as string, request.rawHeaders[i + 1] as string]);
    }
    if (body === undefined) {
      result = gatewayError(413, 'RequestTooLongException', 'Request Too Long');
    } else if (rawPath === '/_mediaplane/health') {
      result = {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from('{"status":"ok"}'),
      };
    } else {
      const raw = { method: request.method ?? 'GET', rawPath, rawQuery, headers, body };
      result =
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
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
