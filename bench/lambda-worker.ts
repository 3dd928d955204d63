import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { assetDirectoryForCode, readCloudAssembly } from '../lib/local/assembly';
import { LocalFunction } from '../lib/local/lambda/runtime';
import { benchAssembly } from './local';
import { ms, pairedRow, percentile, type BenchRow } from './table';

const SPAWNS = 7;
/** A request the Media Insights data plane answers without any service: its first answer is the bundle's own work. */
const VERSION_EVENT = {
  httpMethod: 'GET',
  resource: '/version',
  path: '/version',
  headers: {},
  multiValueHeaders: {},
  queryStringParameters: null,
  pathParameters: null,
  body: null,
  isBase64Encoded: false,
  requestContext: { identity: {} },
};

/**
 * Lambda worker spawn → first answer: a fresh `LocalFunction` (one new worker thread) loading the deployed data plane
 * bundle and answering one request, next to the floor: the same bundle and request in a bare worker thread started
 * with the same plain node flags (`--enable-source-maps`), with no runtime around it.
 */
export async function lambdaWorkerBenchmark(): Promise<BenchRow[]> {
  const assembly = readCloudAssembly(benchAssembly());
  const stack = assembly.stacks.find((candidate) => candidate.id === 'MediaInsights')!;
  const [, resource] = Object.entries(stack.template.Resources).find(
    ([logicalId, candidate]) => candidate.Type === 'AWS::Lambda::Function' && logicalId.startsWith('DataplaneHandler'),
  )!;
  const codeDir = assetDirectoryForCode(assembly.directory, resource.Properties?.Code)!;
  // The template's variables (a reference to another resource stands in as a name: /version reads none of them).
  const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> }).Variables ?? {};
  const environment: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : 'bench']),
    ),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    LAMBDA_TASK_ROOT: codeDir,
    // As local mode sets it: the SDK's notice about Node 20 would only be noise in the table.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };

  const local: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < SPAWNS; i += 1) {
    // Alternated so that a change of machine load weighs on both alike.
    floor.push(await bareWorkerFirstAnswer(codeDir, environment));
    local.push(await localFunctionFirstAnswer(codeDir, environment));
  }
  return [
    pairedRow({
      benchmark: 'lambda-worker',
      case: `spawn → first answer (data plane bundle, p50 of ${SPAWNS})`,
      metric: 'LocalFunction, new worker',
      value: percentile(local, 50),
      baseline: percentile(floor, 50),
      baselineName: 'bare worker, plain node flags',
      unit: ms,
      goal: '≤ 250 ms',
    }),
  ];
}

async function localFunctionFirstAnswer(codeDir: string, environment: Record<string, string>): Promise<number> {
  const fn = new LocalFunction(
    {
      functionName: 'bench-dataplane',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench-dataplane',
      codeDir,
      handler: 'index.handler',
      environment,
      timeoutSeconds: 30,
      memorySize: 512,
    },
    {},
  );
  const started = performance.now();
  const answer = (await fn.invoke(VERSION_EVENT)) as { statusCode?: number };
  const elapsed = performance.now() - started;
  await fn.close();
  if (answer.statusCode !== 200) throw new Error(`GET /version answered ${JSON.stringify(answer)}`);
  return elapsed;
}

async function bareWorkerFirstAnswer(codeDir: string, environment: Record<string, string>): Promise<number> {
  const script = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { handler } = require(workerData.bundle);
    parentPort.once('message', async (event) => parentPort.postMessage(await handler(event, {})));`;
  const started = performance.now();
  const worker = new Worker(script, {
    eval: true,
    env: environment,
    execArgv: ['--enable-source-maps'],
    workerData: { bundle: path.join(codeDir, 'index.js') },
    stdout: true,
  });
  worker.stdout.resume();
  worker.postMessage(VERSION_EVENT);
  const answer = await new Promise<{ statusCode?: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const elapsed = performance.now() - started;
  await worker.terminate();
  if (answer.statusCode !== 200) throw new Error(`GET /version answered ${JSON.stringify(answer)}`);
  return elapsed;
}
