import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { executionEnded } from '../../../lambdas/media2cloud/pipeline/status/execution-ended';
import { INGEST_TABLE as INGEST_TABLE_SCHEMA, IngestTable } from '../../../lambdas/media2cloud/tables/ingest';
import { startLocalEngines, type LocalEngines } from '../../media-insights/dataplane/support';
import { createTable } from '../../support/tables';
import { InMemorySearchIndex } from './support';

const MAIN = 'arn:aws:states:us-east-1:000000000000:execution:m2c-Main:run-1';
const INGEST = 'arn:aws:states:us-east-1:000000000000:execution:m2c-Ingest:child-1';

let engines: LocalEngines;
let records: IngestTable;
let search: InMemorySearchIndex;

beforeAll(async () => {
  engines = await startLocalEngines();
  await createTable(engines.dynamo, 'm2c-ingest-ended', INGEST_TABLE_SCHEMA);
  records = new IngestTable(DynamoDBDocumentClient.from(engines.dynamo), 'm2c-ingest-ended');
  search = new InMemorySearchIndex();
});

afterAll(async () => {
  await engines.stop();
});

/** Child executions by ARN, as DescribeExecution reports them; only start/stop are never called here. */
const children = new Map<string, { status: string; input: string }>();
const executions = {
  describe: async (executionArn: string) => children.get(executionArn),
  start: async () => {
    throw new Error('not called');
  },
  stop: async () => 'not-running' as const,
};

/** The EventBridge event Step Functions sends when an execution ends. */
function statusChange(executionArn: string, status: string, input: unknown, extra: Record<string, unknown> = {}) {
  return {
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: { executionArn, status, input: JSON.stringify(input), error: null, cause: null, ...extra },
  };
}

describe('executionEnded', () => {
  it('marks an asset still PROCESSING under the execution that failed as INGEST_ERROR, saying why', async () => {
    // Prepare
    const uuid = 'e0000000-0000-4000-8000-000000000001';
    await records.upsert(uuid, {
      set: { key: 'a.mp4', status: 'INGEST_MEDIAINFO', overallStatus: 'PROCESSING', executionArn: INGEST },
    });
    const input = { input: { uuid, bucket: 'b', key: 'a.mp4' }, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: MAIN };

    // Act
    const result = await executionEnded(
      statusChange(INGEST, 'FAILED', input, { error: 'States.Runtime', cause: 'local mode stopped while it ran' }),
      { records, search, executions },
    );

    // Assess
    expect(result).toEqual({ uuid, recorded: true });
    expect(await records.get(uuid)).toMatchObject({
      status: 'INGEST_ERROR',
      overallStatus: 'ERROR',
      errorMessage: `${INGEST} ended FAILED: local mode stopped while it ran`,
    });
  });

  it.each([
    ['TIMED_OUT', 'timed out'],
    ['ABORTED', 'was stopped'],
  ])('marks an analysis run that %s as ANALYSIS_ERROR', async (status, words) => {
    // Prepare
    const uuid = `e0000000-0000-4000-8000-00000000001${status.length}`;
    const analysis = `arn:aws:states:us-east-1:000000000000:execution:m2c-Analysis:${status}`;
    await records.upsert(uuid, {
      set: { status: 'ANALYSIS_STARTED', overallStatus: 'PROCESSING', executionArn: analysis },
    });

    // Act
    await executionEnded(statusChange(analysis, status, { input: { uuid }, uuid }), { records, search, executions });

    // Assess
    expect(await records.get(uuid)).toMatchObject({
      status: 'ANALYSIS_ERROR',
      overallStatus: 'ERROR',
      errorMessage: `${analysis} ended ${status}: the run ${words}`,
    });
  });

  it('marks an asset left on the finished ingest of a run that then died as ANALYSIS_ERROR (killed between steps)', async () => {
    // Prepare: the ingest child SUCCEEDED; its parent ended before the analysis recorded itself on the asset.
    const uuid = 'e0000000-0000-4000-8000-000000000201';
    children.set(INGEST, {
      status: 'SUCCEEDED',
      input: JSON.stringify({ input: { uuid }, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: MAIN }),
    });
    await records.upsert(uuid, {
      set: { key: 'a.mp4', status: 'INGEST_COMPLETED', overallStatus: 'PROCESSING', executionArn: INGEST },
    });

    // Act
    const unrelated = await executionEnded(
      statusChange(`${MAIN}-other`, 'FAILED', { input: { uuid } }, { cause: 'other run' }),
      { records, search, executions },
    );
    const result = await executionEnded(
      statusChange(MAIN, 'FAILED', { input: { uuid } }, { error: 'States.Runtime', cause: 'local mode stopped' }),
      { records, search, executions },
    );

    // Assess
    expect(unrelated).toEqual({ uuid, recorded: false });
    expect(result).toEqual({ uuid, recorded: true });
    expect(await records.get(uuid)).toMatchObject({
      status: 'ANALYSIS_ERROR',
      overallStatus: 'ERROR',
      errorMessage: `${MAIN} ended FAILED: local mode stopped`,
    });
    children.delete(INGEST);
  });

  it.each([
    ['a newer run is on the asset', { overallStatus: 'PROCESSING', executionArn: 'arn:newer' }],
    ['a state recorded the error first', { status: 'INGEST_ERROR', overallStatus: 'ERROR', executionArn: MAIN }],
    ['the run completed', { status: 'ANALYSIS_COMPLETED', overallStatus: 'COMPLETED', executionArn: MAIN }],
  ])('leaves the asset alone when %s', async (_case, fields) => {
    // Prepare
    const uuid = `e0000000-0000-4000-8000-0000000001${String(Object.keys(fields).length).padStart(2, '0')}`;
    await records.delete(uuid);
    await records.upsert(uuid, { set: { key: 'a.mp4', ...fields } });
    const before = await records.get(uuid);

    // Act
    const result = await executionEnded(statusChange(MAIN, 'FAILED', { input: { uuid } }), {
      records,
      search,
      executions,
    });

    // Assess
    expect(result).toEqual({ uuid, recorded: false });
    expect(await records.get(uuid)).toEqual(before);
  });

  it('never brings back a removed asset, and ignores events without a uuid', async () => {
    // Prepare
    const uuid = 'e0000000-0000-4000-8000-000000000099';

    // Act
    const removed = await executionEnded(statusChange(MAIN, 'ABORTED', { input: { uuid } }), {
      records,
      search,
      executions,
    });
    const anonymous = await executionEnded(statusChange(MAIN, 'FAILED', { other: 1 }), { records, search, executions });

    // Assess
    expect([removed, anonymous]).toEqual([{ uuid, recorded: false }, { recorded: false }]);
    expect(await records.get(uuid)).toBeUndefined();
  });
});
