import { configuredConcurrency, Scheduler } from '../../../../lambdas/media-insights/workflow/engine/scheduler';
import { WorkflowEngine } from '../../../../lambdas/media-insights/workflow/engine/engine';
import { FakeFunctions, MemoryExecutions, MemorySlots, RecordingRunner } from './fakes';
import { execution, operation } from './records';

function setup(max: number) {
  const executions = new MemoryExecutions();
  const slots = new MemorySlots();
  const runner = new RecordingRunner();
  let now = 1_000_000;
  const scheduler = new Scheduler({
    executions,
    slots,
    configuration: { maxConcurrentWorkflows: async () => max },
    stateMachine: runner,
    now: () => now,
  });
  return { executions, slots, runner, scheduler, advance: (ms: number) => (now += ms) };
}

const op = operation('Op', 'Sync');

describe('workflow scheduler', () => {
  it('starts queued executions oldest first, never more than MaxConcurrentWorkflows', async () => {
    const { executions, runner, scheduler } = setup(2);
    executions.add(execution('late', [['S', [op]]], 'Queued', '1700000003.0'));
    executions.add(execution('early', [['S', [op]]], 'Queued', '1700000001.0'));
    executions.add(execution('middle', [['S', [op]]], 'Queued', '1700000002.0'));

    const report = await scheduler.schedule();

    expect(report.started).toEqual(['early', 'middle']);
    expect(runner.started.map((start) => start.name)).toEqual(['early', 'middle']);
    expect(runner.started[0]?.input).toEqual({ ExecutionId: 'early', StageName: 'S', Operations: ['Op'] });
    expect((await executions.get('late'))?.Status).toBe('Queued');
    expect((await executions.get('early'))?.StateMachineExecutionArn).toMatch(/:early$/);
  });

  it('never double-starts an execution when two schedulers race', async () => {
    const { executions, slots, runner } = setup(5);
    executions.add(execution('e1', [['S', [op]]]));
    const make = () =>
      new Scheduler({
        executions,
        slots,
        configuration: { maxConcurrentWorkflows: async () => 5 },
        stateMachine: runner,
        now: () => 0,
      });

    await Promise.all([make().schedule(), make().schedule(), make().schedule()]);

    expect(runner.started.map((start) => start.name)).toEqual(['e1']);
    expect((await slots.list()).map((slot) => slot.executionId)).toEqual(['e1']);
  });

  it('reuses the slot of a completed execution for the next queued one', async () => {
    const { executions, slots, runner, scheduler } = setup(1);
    executions.add(execution('first', [['S', [op]]], 'Queued', '1.0'));
    executions.add(execution('second', [['S', [op]]], 'Queued', '2.0'));
    await scheduler.schedule();
    const engine = new WorkflowEngine({
      executions,
      operations: { get: async () => op },
      invoker: new FakeFunctions({}),
      slots,
      requestScheduling: async () => {},
    });

    const result = await engine.completeStage({
      ExecutionId: 'first',
      StageName: 'S',
      Outputs: [{ Name: 'Op', Status: 'Complete' }],
    });
    await scheduler.schedule();

    expect(result).toEqual({ ExecutionId: 'first', Status: 'Complete' });
    expect(runner.started.map((start) => start.name)).toEqual(['first', 'second']);
  });

  it('does not count Waiting executions, and gives resumed ones the next free slot before the queue', async () => {
    const { executions, scheduler } = setup(1);
    executions.add(execution('waiting', [['S', [op]]], 'Waiting', '1.0'));
    executions.add(execution('queued', [['S', [op]]], 'Queued', '2.0'));
    executions.add(execution('resumed', [['S', [op]]], 'Resumed', '3.0'));

    const report = await scheduler.schedule();

    expect(report.resumed).toEqual(['resumed']);
    expect((await executions.get('queued'))?.Status).toBe('Queued');
  });

  it('reclaims a slot whose execution is gone, finished or waiting, so no slot leaks', async () => {
    const { executions, slots, scheduler } = setup(1);
    await slots.claim(0, 'deleted-execution', 0);
    executions.add(execution('next', [['S', [op]]]));

    const report = await scheduler.schedule();

    expect(report.reclaimed).toEqual(['deleted-execution']);
    expect(report.started).toEqual(['next']);
  });

  it('keeps a freshly claimed slot whose execution is still being started', async () => {
    const { executions, slots, scheduler } = setup(1);
    executions.add(execution('starting', [['S', [op]]], 'Queued', '1.0'));
    await slots.claim(0, 'starting', 1_000_000);
    executions.add(execution('other', [['S', [op]]], 'Queued', '2.0'));

    const report = await scheduler.schedule();

    expect(report.reclaimed).toEqual([]);
    expect(report.started).toEqual([]);
  });

  it('finishes the start of an execution a scheduler left Started without a state machine, once its claim is old', async () => {
    const { executions, slots, runner, scheduler, advance } = setup(1);
    executions.add(execution('orphan', [['S', [op]]], 'Started'));
    await slots.claim(0, 'orphan', 1_000_000);

    const early = await scheduler.schedule();
    advance(60_000);
    const late = await scheduler.schedule();

    expect(early.reclaimed).toEqual([]);
    expect(late.reclaimed).toEqual([]);
    expect(runner.started.map((start) => start.name)).toEqual(['orphan']);
    expect((await executions.get('orphan'))?.StateMachineExecutionArn).toMatch(/:orphan$/);
    expect((await slots.list()).map((slot) => slot.executionId)).toEqual(['orphan']);
  });

  it('marks such an execution Error and frees its slot when its state machine cannot be started', async () => {
    const { executions, slots, runner, scheduler, advance } = setup(1);
    executions.add(execution('orphan', [['S', [op]]], 'Started'));
    await slots.claim(0, 'orphan', 1_000_000);
    advance(60_000);
    runner.failNext = true;

    const report = await scheduler.schedule();

    expect(report.reclaimed).toEqual(['orphan']);
    expect((await executions.get('orphan'))?.Status).toBe('Error');
    expect((await executions.get('orphan'))?.Message).toBe(
      'Exception in workflow_scheduler_lambda StartExecution failed',
    );
    expect(await slots.list()).toEqual([]);
  });

  it('marks an execution Error with the cause when its state machine fails, and frees its slot', async () => {
    const { executions, slots, scheduler } = setup(1);
    executions.add(execution('e1', [['S', [op]]]));
    await scheduler.schedule();

    await scheduler.stateMachineEnded('e1', 'ABORTED', 'States.Runtime: Local mode restarted');

    const record = await executions.get('e1');
    expect(record?.Status).toBe('Error');
    expect(record?.Message).toBe(
      'Caught Step Function Execution Status Change event for execution: e1, status:ABORTED, cause: States.Runtime: Local mode restarted',
    );
    expect(await slots.list()).toEqual([]);
  });

  it('marks an execution Error and frees the slot when its state machine cannot be started', async () => {
    const { executions, slots, runner, scheduler } = setup(1);
    executions.add(execution('e1', [['S', [op]]]));
    runner.failNext = true;

    await scheduler.schedule();

    expect((await executions.get('e1'))?.Message).toBe('Exception in workflow_scheduler_lambda StartExecution failed');
    expect(await slots.list()).toEqual([]);
  });

  it('stops an execution that ran past its workflow TimeoutSeconds', async () => {
    const { executions, runner, scheduler, advance } = setup(1);
    const record = execution('slow', [['S', [op]]]);
    (record.Workflow as unknown as { TimeoutSeconds: number }).TimeoutSeconds = 60;
    executions.add(record);
    await scheduler.schedule();
    const arn = (await executions.get('slow'))?.StateMachineExecutionArn ?? '';
    runner.startDates.set(arn, new Date(1_000_000));
    advance(61_000);

    const stopped = await scheduler.enforceTimeouts();

    expect(stopped).toEqual(['slow']);
    expect(runner.stopped).toEqual([arn]);
  });
});

describe('configured concurrency', () => {
  const system = (Value?: unknown) => ({
    get: async (name: string) => (Value === undefined ? undefined : { Name: name, Value }),
  });

  it('reads MaxConcurrentWorkflows from the system table, truncated and at least 1, else the stack default', async () => {
    const limits = await Promise.all(
      [system(), system(3), system('7.9'), system(0)].map((table) =>
        configuredConcurrency(table, 5).maxConcurrentWorkflows(),
      ),
    );

    expect(limits).toEqual([5, 3, 7, 1]);
  });
});
