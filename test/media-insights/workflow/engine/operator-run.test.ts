import { OperatorStillRunning, runOperation } from '../../../../lambdas/media-insights/workflow/engine/operator-run';
import { FakeFunctions } from './fakes';
import { execution, operation } from './records';

const noWait = { budgetMs: () => 60_000, sleep: async () => {} };

describe('running one operation', () => {
  it('skips an operation whose media type the stage input lacks, without calling it', async () => {
    const op = operation('Transcribe', 'Sync', 'Audio');
    const functions = new FakeFunctions({});

    const output = await runOperation(execution('e1', [['S', [op]]]), 'S', op, { ...noWait, invoker: functions });

    expect(output.Status).toBe('Skipped');
    expect(functions.calls).toHaveLength(0);
  });

  it('skips a disabled operation but never a MetadataOnly one for lack of media', async () => {
    const disabled = operation('Off', 'Sync', 'Video', false);
    const metadataOnly = operation('Lookup', 'Sync', 'MetadataOnly');
    const functions = new FakeFunctions({ 'arn:start:Lookup': (o) => ({ ...o, Status: 'Complete' }) });

    const skipped = await runOperation(execution('e1', [['S', [disabled]]]), 'S', disabled, {
      ...noWait,
      invoker: functions,
    });
    const ran = await runOperation(execution('e1', [['S', [metadataOnly]]]), 'S', metadataOnly, {
      ...noWait,
      invoker: functions,
    });

    expect(skipped.Status).toBe('Skipped');
    expect(ran.Status).toBe('Complete');
  });

  it('passes the operator the original object and keeps what a sync operator adds', async () => {
    const op = operation('Mediainfo', 'Sync');
    const functions = new FakeFunctions({
      'arn:start:Mediainfo': (o) => ({
        ...o,
        Status: 'Complete',
        MetaData: { Duration: 12 },
        Media: { Audio: { S3Bucket: 'b', S3Key: 'a.mp4' } },
      }),
    });

    const output = await runOperation(execution('e1', [['S', [op]]]), 'S', op, { ...noWait, invoker: functions });

    expect(functions.calls[0]?.payload).toEqual({
      Name: 'Mediainfo',
      AssetId: 'asset-1',
      WorkflowExecutionId: 'e1',
      Input: { Media: { Video: { S3Bucket: 'b', S3Key: 'k.mp4' } }, MetaData: {} },
      Configuration: { MediaType: 'Video', Enabled: true },
      Status: 'Started',
      MetaData: {},
      Media: {},
    });
    expect(output).toMatchObject({
      Status: 'Complete',
      MetaData: { Duration: 12 },
      Media: { Audio: { S3Key: 'a.mp4' } },
    });
  });

  it('polls an async operator until it is no longer Executing, quickly at first', async () => {
    const op = operation('Job', 'Async');
    let polls = 0;
    const delays: number[] = [];
    const functions = new FakeFunctions({
      'arn:start:Job': (o) => ({ ...o, Status: 'Executing', MetaData: { JobId: 'j1' } }),
      'arn:monitor:Job': (o) => ({ ...o, Status: ++polls < 6 ? 'Executing' : 'Complete' }),
    });

    const output = await runOperation(execution('e1', [['S', [op]]]), 'S', op, {
      budgetMs: () => 60_000,
      sleep: async (ms) => void delays.push(ms),
      invoker: functions,
    });

    expect(output).toMatchObject({ Status: 'Complete', MetaData: { JobId: 'j1' } });
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(functions.calls.filter((call) => call.arn === 'arn:monitor:Job')[0]?.payload.MetaData).toEqual({
      JobId: 'j1',
    });
  });

  it('hands an unfinished async operator over as OperatorStillRunning when its budget runs out, and continues it', async () => {
    const op = operation('Job', 'Async');
    let done = false;
    const functions = new FakeFunctions({
      'arn:start:Job': (o) => ({ ...o, Status: 'Executing', MetaData: { JobId: 'j1' } }),
      'arn:monitor:Job': (o) => ({ ...o, Status: done ? 'Complete' : 'Executing' }),
    });
    const record = execution('e1', [['S', [op]]]);

    const handover = await runOperation(record, 'S', op, {
      budgetMs: () => 50,
      sleep: async () => {},
      invoker: functions,
    }).catch((e: unknown) => e);
    done = true;
    const resumed = await runOperation(
      record,
      'S',
      op,
      { ...noWait, invoker: functions },
      (handover as OperatorStillRunning).operator,
    );

    expect(handover).toBeInstanceOf(OperatorStillRunning);
    expect((handover as Error).name).toBe('MediaInsights.OperatorStillRunning');
    expect(resumed.Status).toBe('Complete');
    expect(functions.calls.filter((call) => call.arn === 'arn:start:Job')).toHaveLength(1);
  });

  it("records a MasExecutionError's own metadata, as the original's convention", async () => {
    const op = operation('Labels', 'Sync');
    const functions = new FakeFunctions({
      'arn:start:Labels': (o) => {
        const error = new Error(JSON.stringify({ ...o, Status: 'Error', MetaData: { LabelsError: 'bad video' } }));
        error.name = 'MasExecutionError';
        throw error;
      },
    });

    const output = await runOperation(execution('e1', [['S', [op]]]), 'S', op, { ...noWait, invoker: functions });

    expect(output).toMatchObject({ Status: 'Error', MetaData: { LabelsError: 'bad video' } });
  });

  it('turns any other operator failure into an Error output with a message', async () => {
    const op = operation('Crash', 'Sync');
    const functions = new FakeFunctions({
      'arn:start:Crash': () => {
        throw new TypeError('undefined is not a function');
      },
    });

    const output = await runOperation(execution('e1', [['S', [op]]]), 'S', op, { ...noWait, invoker: functions });

    expect(output).toMatchObject({
      Status: 'Error',
      MetaData: { CrashError: 'TypeError: undefined is not a function' },
    });
  });

  it('fails a sync operator that returns a status other than Complete', async () => {
    const op = operation('Odd', 'Sync');
    const functions = new FakeFunctions({ 'arn:start:Odd': (o) => ({ ...o, Status: 'Executing' }) });

    const output = await runOperation(execution('e1', [['S', [op]]]), 'S', op, { ...noWait, invoker: functions });

    expect(output.Status).toBe('Executing');
    expect(output.MetaData.OddError).toMatch(/ended with status Executing/);
  });
});
