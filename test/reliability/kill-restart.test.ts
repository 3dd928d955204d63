import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { loadOrCreateCredentials } from '../../lib/local/credentials';
import { makeJpegWithMetadata, turnOffAiAnalysis } from '../media2cloud/pipeline/fixtures';
import { apiClient } from '../support/local';
import { killGroup, readOutputs, startLocalMode, stopAll } from './local-process';

/**
 * kill -9 in the middle of a Media2Cloud ingest, then `npm start` again on the same data directory: the execution
 * that was running is FAILED, its status-change event reaches the pipeline's rule, and the asset ends in ERROR
 * instead of PROCESSING for ever — while what was stored before the kill is all still there.
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

  it('ends the interrupted ingest in ERROR after the restart, keeps the earlier asset, and lets the asset be ingested again', async () => {
    // Prepare: one asset ingested to the end, a second one started and interrupted by kill -9.
    const jpeg = fs.readFileSync(await makeJpegWithMetadata(media));
    child = await startLocalMode(dataDir);
    let outputs = readOutputs(dataDir);
    const credentials = loadOrCreateCredentials(dataDir);
    let api = apiClient(`${outputs.Media2Cloud.ApiEndpoint}/`, credentials);
    const s3 = new S3Client({
      region: outputs.Local.Region,
      endpoint: outputs.Local.S3Endpoint,
      forcePathStyle: true,
      credentials,
    });
    for (const key of ['earlier.jpg', 'interrupted.jpg']) {
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
    const sfn = new SFNClient({
      region: outputs.Local.Region,
      endpoint: outputs.Local.StepFunctionsEndpoint,
      credentials,
    });
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: interrupted.executionArn }));
    sfn.destroy();
    const again = await api.post('assets', { input: { uuid: interrupted.uuid, key: 'interrupted.jpg' } });

    // Assess
    expect(completed).toMatchObject({ overallStatus: 'COMPLETED', status: 'ANALYSIS_COMPLETED' });
    expect(started.status).toBe(200);
    expect(execution.status).toBe('FAILED');
    expect(after).toMatchObject({ overallStatus: 'ERROR', status: 'INGEST_ERROR' });
    expect(after.errorMessage).toMatch(/ended FAILED/);
    expect((await api.get(`assets/${earlier.uuid}`)).json()).toEqual(completed);
    expect(again.status).toBe(200);
  }, 330_000);
});

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
