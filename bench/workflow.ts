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
import { startLocalMode } from '../lib/local/local-mode';
import { synthesize } from '../lib/local/synth';
import { apiClient } from '../test/support/local';
import { ms, percentile, type BenchRow } from './table';

type Api = ReturnType<typeof apiClient>;

/**
 * The Media Insights engine in local mode, on the original's test operators: how fast a finished stage hands over,
 * how many executions a minute it completes, and how many Step Functions state transitions (the cost driver in AWS)
 * each operator and stage costs, next to the original's count for the same workflow.
 */
export async function workflowBenchmark(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-bench-wf-'));
  const assembly = path.join(root, 'cdk.out');
  synthesize(assembly, { mieTestOperators: 'true' });
  const local = await startLocalMode({
    port: 0,
    dataDir: path.join(root, 'data'),
    cloudAssemblyDir: assembly,
    log: () => {},
  });
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
  } finally {
    sfn.destroy();
    await local.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

async function runExecution(api: Api, bucket: string, name: string, configuration: object) {
  const created = await api.post('workflow/execution', {
    Name: name,
    Input: { Media: { Video: { S3Bucket: bucket, S3Key: 'bench.mp4' } } },
    Configuration: configuration,
  });
  const id = created.json().Id as string;
  const deadline = Date.now() + 120_000;
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
