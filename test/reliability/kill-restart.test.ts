import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { loadOrCreateCredentials } from '../../lib/local/credentials';
import { makeJpegWithMetadata, turnOffAiAnalysis } from '../media2cloud/pipeline/fixtures';
import { apiClient } from '../support/local';
import { killGroup, readOutputs, startLocalMode, stopAll } from './local-process';

/** The analysis state machine's logical id, which its generated name contains. */
const ANALYSIS = 'PipelineAnalysisStateMachine';

/**
 * kill -9 in the middle of Media2Cloud runs, then `npm start` again on the same data directory. One asset is in its
 * ingest; another is in the one window no state of a run covers: its ingest execution has ended and its analysis
 * execution has started but not yet recorded itself on the asset, which still names the finished ingest (local mode's
 * test-only hold keeps that analysis from running, so the kill lands in the window every time). After the restart
 * the executions that were running are FAILED, their status-change events reach the pipeline's rule, and the assets
 * end in INGEST_ERROR and ANALYSIS_ERROR instead of PROCESSING for ever — while what was stored before the kill is all
 * still there.
 */
describe('Media2Cloud after kill -9 of local mode', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-kill-'));
  const media = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-kill-media-'));
  let child: ChildProcess | undefined;

  afterAll(async () => {
    await stopAll(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(media, { recursive: true, force: true });
  });

  it('ends an interrupted ingest in INGEST_ERROR and a run killed between ingest and analysis in ANALYSIS_ERROR, keeping earlier data', async () => {
    // Prepare: one asset ingested to the end, one held between ingest and analysis, one interrupted in its ingest.
    const jpeg = fs.readFileSync(await makeJpegWithMetadata(media));
    child = await startLocalMode(dataDir, { MEDIAPLANE_TEST_HOLD_EXECUTIONS: `${ANALYSIS}/window.jpg` });
    let outputs = readOutputs(dataDir);
    const credentials = loadOrCreateCredentials(dataDir);
    let api = apiClient(`${outputs.Media2Cloud.ApiEndpoint}/`, credentials);
    const s3 = new S3Client({
      region: outputs.Local.Region,
      endpoint: outputs.Local.S3Endpoint,
      forcePathStyle: true,
      credentials,
    });
    for (const key of ['earlier.jpg', 'window.jpg', 'interrupted.jpg']) {
      await s3.send(
        new PutObjectCommand({
          Bucket: outputs.Media2Cloud.IngestBucket,
          Key: key,
          Body: jpeg,
          // As the original's web portal marks its uploads: only POST /assets starts the ingest.
          Metadata: { webupload: 'true' },
        }),
      );
    }
    await turnOffAiAnalysis(s3, outputs.Media2Cloud.ProxyBucket);
    s3.destroy();
    const earlier = (await api.post('assets', { input: { key: 'earlier.jpg' } })).json();
    const completed = await settled(api, earlier.uuid);
    const window = (await api.post('assets', { input: { key: 'window.jpg' } })).json();
    let sfn = stepFunctions(outputs, credentials);
    const heldAnalysisArn = await heldAnalysis(sfn);
    sfn.destroy();
    const windowBefore = (await api.get(`assets/${window.uuid}`)).json();
    const started = await api.post('assets', { input: { key: 'interrupted.jpg' } });
    const interrupted = started.json();

    // Act
    // The whole process group, as when the machine or the terminal dies: tsx and the local-mode process under it.
    const killed = new Promise((resolve) => child!.on('exit', resolve));
    killGroup(child.pid!, 'SIGKILL');
    await killed;
    child = await startLocalMode(dataDir);
    outputs = readOutputs(dataDir);
    api = apiClient(`${outputs.Media2Cloud.ApiEndpoint}/`, credentials);
    const after = await settled(api, interrupted.uuid);
    const windowAfter = await settled(api, window.uuid);
    sfn = stepFunctions(outputs, credentials);
    const statuses = await Promise.all(
      [interrupted.executionArn, window.executionArn, heldAnalysisArn, windowBefore.executionArn].map(
        async (executionArn) => (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status,
      ),
    );
    sfn.destroy();
    const again = await api.post('assets', { input: { uuid: interrupted.uuid, key: 'interrupted.jpg' } });

    // Assess
    expect(completed).toMatchObject({ overallStatus: 'COMPLETED', status: 'ANALYSIS_COMPLETED' });
    expect(started.status).toBe(200);
    expect(statuses).toEqual(['FAILED', 'FAILED', 'FAILED', 'SUCCEEDED']);
    expect(after).toMatchObject({ overallStatus: 'ERROR', status: 'INGEST_ERROR' });
    expect(after.errorMessage).toMatch(/ended FAILED/);
    // Killed in the window: the asset still named the finished ingest, and only the main execution's end tells.
    expect(windowBefore).toMatchObject({ status: 'INGEST_COMPLETED', overallStatus: 'PROCESSING' });
    expect(windowBefore.executionArn).not.toBe(heldAnalysisArn);
    expect(windowAfter).toEqual({
      ...windowBefore,
      status: 'ANALYSIS_ERROR',
      overallStatus: 'ERROR',
      errorMessage: `${window.executionArn} ended FAILED: Local mode restarted while the execution was running`,
    });
    expect((await api.get(`assets/${earlier.uuid}`)).json()).toEqual(completed);
    expect(again.status).toBe(200);
  }, 330_000);
});

function stepFunctions(
  outputs: ReturnType<typeof readOutputs>,
  credentials: { accessKeyId: string; secretAccessKey: string },
) {
  return new SFNClient({ region: outputs.Local.Region, endpoint: outputs.Local.StepFunctionsEndpoint, credentials });
}

/** Polls until the held analysis execution is RUNNING (it never gets further), and returns its ARN. */
async function heldAnalysis(sfn: SFNClient): Promise<string> {
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  const stateMachineArn = stateMachines.find((machine) => machine.name?.includes(ANALYSIS))?.stateMachineArn;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
    if (executions[0]?.executionArn) return executions[0].executionArn;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('no analysis execution was held');
}

/** Polls the asset until its run has ended (COMPLETED or ERROR). */
async function settled(api: ReturnType<typeof apiClient>, uuid: string): Promise<Record<string, any>> {
  // Long enough for Lambda's first asynchronous retry (after a minute) when the first attempt fails on a loaded machine.
  const deadline = Date.now() + 200_000;
  let last = '';
  while (Date.now() < deadline) {
    const response = await api.get(`assets/${uuid}`);
    last = `${response.status} ${response.text.slice(0, 500)}`;
    if (response.status === 200 && ['COMPLETED', 'ERROR'].includes(response.json().overallStatus)) {
      return response.json();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`asset ${uuid} did not settle: ${last}`);
}
