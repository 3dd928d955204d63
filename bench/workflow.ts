import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { apiClient } from '../test/support/local';
import { ms, pairedRow, percentile, type BenchRow } from './table';
import { startBenchLocalMode } from './local';

type Api = ReturnType<typeof apiClient>;

/**
 * The Media Insights engine in local mode, on the original's test operators: how fast a finished stage hands over,
 * how many executions a minute it completes, and how many Step Functions state transitions (the cost driver in AWS)
 * each operator and stage costs, next to the original's count for the same workflow.
 */
export async function workflowBenchmark(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-wf-'));
  const local = await startBenchLocalMode(root, { mieTestOperators: 'true' });
  const api = apiClient(local.outputs.MediaInsights?.WorkflowApiEndpoint ?? '', local.credentials);
  const sfn = new SFNClient({
    region: local.region,
    endpoint: local.outputs.Local?.StepFunctionsEndpoint,
    credentials: local.credentials,
  });
  const rows: BenchRow[] = [];
  try {
    const bucket = local.outputs.MediaInsights?.DataplaneBucket ?? '';
    const workflow = async (name: string, stages: string[]) => {
      await api.post('workflow', {
        Name: name,
        StartAt: stages[0],
        Stages: Object.fromEntries(
          stages.map((s, i) => [s, i === stages.length - 1 ? { End: true } : { Next: stages[i + 1] }]),
        ),
      });
    };
    await workflow('sync2', ['_video-test-sync', '_audio-test-sync']);
    await workflow('async-then-sync', ['_video-test-async', '_video-test-sync']);
    await workflow('one-sync', ['_video-test-sync']);
    await workflow('one-skipped', ['_image-test-sync']);
    await workflow('one-async', ['_video-test-async']);
    const pair = 'Pair';
    await api.post('workflow/stage', { Name: pair, Operations: ['video-test-sync', 'text-test-sync'] });
    await workflow('two-ops', [pair]);
    const run = (name: string, configuration: object = {}) => runExecution(api, bucket, name, configuration);

    console.error('  hand-over latency ...');
    // Hand-over: from the async operator's task leaving stage 1 to the next stage's operator starting.
    const handovers: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const execution = await run('async-then-sync', {
        '_video-test-async': { 'video-test-async': { TestMonitorPolls: 2 } },
      });
      const events = await history(sfn, execution.StateMachineExecutionArn);
      const exits = events.filter((e) => e.type === 'TaskStateExited').map((e) => e.timestamp?.getTime() ?? 0);
      const enters = events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.timestamp?.getTime() ?? 0);
      // Task states in order: Run Operation (stage 1), Complete Stage, Run Operation (stage 2), Complete Stage.
      if (exits[0] !== undefined && enters[2] !== undefined) handovers.push(enters[2] - exits[0]);
    }
    rows.push({
      benchmark: 'workflow',
      case: 'async operator done → next stage running',
      metric: 'p50 / p99',
      value: `${ms(percentile(handovers, 50))} / ${ms(percentile(handovers, 99))}`,
      reference: 'detection ≤ 1 s by design (original: 10 s poll)',
    });

    console.error('  throughput ...');
    for (const limit of [5, 20]) {
      await api.post('system/configuration', { Name: 'MaxConcurrentWorkflows', Value: limit });
      const count = 40;
      const started = performance.now();
      await Promise.all(Array.from({ length: count }, () => run('sync2')));
      const minutes = (performance.now() - started) / 60_000;
      rows.push({
        benchmark: 'workflow',
        case: `2-stage sync workflow, MaxConcurrentWorkflows ${limit}`,
        metric: 'executions per minute',
        value: `${Math.round(count / minutes)}`,
        reference: 'original: ≥ 10 s per async stage; scheduler tick 60 s',
      });
    }

    console.error('  state transitions ...');
    const transitions = async (name: string, configuration: object = {}) =>
      countTransitions(await history(sfn, (await run(name, configuration)).StateMachineExecutionArn));
    const oneSync = await transitions('one-sync');
    const oneSkipped = await transitions('one-skipped');
    const oneAsync = await transitions('one-async', {
      '_video-test-async': { 'video-test-async': { TestMonitorPolls: 3 } },
    });
    const twoStages = await transitions('sync2');
    const twoOperators = await transitions('two-ops', { [pair]: { 'text-test-sync': { MediaType: 'Video' } } });
    const perOperator = twoOperators - oneSync;
    const perStage = twoStages - oneSync - perOperator;
    rows.push(
      {
        benchmark: 'workflow',
        case: '1 stage, 1 sync operator',
        metric: 'state transitions',
        value: `${oneSync}`,
        reference: 'original: 7',
      },
      {
        benchmark: 'workflow',
        case: '1 stage, 1 skipped operator',
        metric: 'state transitions',
        value: `${oneSkipped}`,
        reference: 'original: 5',
      },
      {
        benchmark: 'workflow',
        case: '1 stage, 1 async operator, 3 monitor polls',
        metric: 'state transitions',
        value: `${oneAsync}`,
        reference: 'original: 15',
      },
      {
        benchmark: 'workflow',
        case: '2 stages, 1 sync operator each',
        metric: 'state transitions',
        value: `${twoStages}`,
        reference: 'original: 14',
      },
      {
        benchmark: 'workflow',
        case: 'per sync operator / per stage',
        metric: 'state transitions',
        value: `${perOperator} / ${perStage}`,
        reference: 'original: 5 / 2',
      },
    );

    console.error('  depth and width ...');
    rows.push(...(await depthAndWidth(api, bucket)));
  } finally {
    sfn.destroy();
    await local.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

async function runExecution(api: Api, bucket: string, name: string, configuration: object, timeoutMs = 120_000) {
  const created = await api.post('workflow/execution', {
    Name: name,
    Input: { Media: { Video: { S3Bucket: bucket, S3Key: 'bench.mp4' } } },
    Configuration: configuration,
  });
  const id = created.json().Id as string;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = (await api.get(`workflow/execution/${id}`)).json();
    if (execution.Status === 'Complete' || execution.Status === 'Error') return execution;
    if (Date.now() > deadline) throw new Error(`Execution ${id} of ${name} is still ${execution.Status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  // The workflow record says Complete one state before the runner ends (its final Choice and Succeed).
  while ((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Billing counts one transition per state entered (retries included); the execution start is not one. */
function countTransitions(events: HistoryEvent[]): number {
  return events.filter((event) => event.type?.endsWith('StateEntered')).length;
}

/**
 * Long and wide workflows: per-stage time at 10, 60 and 200 stages (goal: flat within ±20%), and one stage of 1,000
 * operators, each run to its final status. Every record embeds its stages' generated ASL; these sizes only fit
 * because it is stored packed.
 */
async function depthAndWidth(api: Api, bucket: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const inBatches = async (count: number, create: (index: number) => Promise<unknown>) => {
    for (let start = 0; start < count; start += 8) {
      await Promise.all(Array.from({ length: Math.min(8, count - start) }, (_, offset) => create(start + offset)));
    }
  };
  const chain = (stages: string[]) =>
    Object.fromEntries(stages.map((s, i) => [s, i === stages.length - 1 ? { End: true } : { Next: stages[i + 1] }]));
  const timed = async (name: string) => {
    const started = performance.now();
    const execution = await runExecution(api, bucket, name, {}, 600_000);
    const status =
      execution.Status === 'Error' ? `Error (${String(execution.Message).slice(0, 120)})` : execution.Status;
    return { status: status as string, ms: performance.now() - started };
  };

  const depths = [10, 60, 200];
  const deepest = Math.max(...depths);
  const stageNames = Array.from({ length: deepest }, (_, index) => `Deep${index}`);
  await inBatches(deepest, (index) =>
    api.post('workflow/stage', { Name: stageNames[index], Operations: ['video-test-sync'] }),
  );
  const perStage: number[] = [];
  for (const depth of depths) {
    const name = `deep-${depth}`;
    const stages = stageNames.slice(0, depth);
    const created = await api.post('workflow', { Name: name, StartAt: stages[0], Stages: chain(stages) });
    if (created.status !== 200) throw new Error(`Creating ${name}: ${created.status} ${created.text}`);
    const run = await timed(name);
    perStage.push(run.ms / depth);
    const firstPerStage = perStage[0] as number;
    rows.push(
      depth === depths[0]
        ? {
            benchmark: 'workflow',
            case: `${depth} stages, 1 sync operator each`,
            metric: 'time per stage (status)',
            value: `${ms(run.ms / depth)} (${run.status})`,
          }
        : pairedRow({
            benchmark: 'workflow',
            case: `${depth} stages, 1 sync operator each`,
            metric: 'time per stage (status)',
            value: run.ms / depth,
            valueNote: run.status,
            baseline: firstPerStage,
            baselineName: `${depths[0]} stages`,
            unit: ms,
            goal: 'flat within ±20%, Complete',
          }),
    );
  }

  const width = 1_000;
  const template = (await api.get('workflow/operation/video-test-sync')).json() as { StartLambdaArn: string };
  const operations = Array.from({ length: width }, (_, index) => `wide-${index}`);
  await inBatches(width, (index) =>
    api.post('workflow/operation', {
      Name: operations[index],
      Type: 'Sync',
      // Each outputs metadata only: a stage's operators may not output the same media type twice.
      Configuration: { MediaType: 'Video', Enabled: true, OutputMediaType: 'None' },
      StartLambdaArn: template.StartLambdaArn,
    }),
  );
  const stage = await api.post('workflow/stage', { Name: 'Wide', Operations: operations });
  if (stage.status !== 200) throw new Error(`Creating the 1,000-operator stage: ${stage.status} ${stage.text}`);
  await api.post('workflow', { Name: 'wide', StartAt: 'Wide', Stages: chain(['Wide']) });
  const run = await timed('wide');
  rows.push({
    benchmark: 'workflow',
    case: `1 stage of ${width} sync operators`,
    metric: 'status, wall time',
    value: `${run.status}, ${ms(run.ms)}`,
    reference: 'original: ~35 operators per stage (IAM policy size)',
  });
  return rows;
}
