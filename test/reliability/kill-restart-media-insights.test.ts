import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadOrCreateCredentials } from '../../lib/local/credentials';
import { apiClient } from '../support/local';
import { killGroup, readOutputs, startLocalMode, stopAll } from './local-process';

/**
 * kill -9 while a Media Insights workflow execution is running, then `npm start` again on the same data directory:
 * the runner execution is FAILED on restart, its status-change event reaches the scheduler's rule, and the
 * workflow execution ends in Error instead of Started for ever — while an execution completed before is unchanged.
 */
describe('Media Insights after kill -9 of local mode', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-kill-mie-'));
  let child: ChildProcess | undefined;

  afterAll(async () => {
    await stopAll(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends the interrupted workflow execution in Error after the restart and keeps the earlier one', async () => {
    // Prepare: one execution run to the end, a second one kept running by an async operator that never finishes.
    child = await startLocalMode(dataDir);
    let outputs = readOutputs(dataDir);
    const credentials = loadOrCreateCredentials(dataDir);
    let api = apiClient(outputs.MediaInsights.WorkflowApiEndpoint ?? '', credentials);
    const bucket = outputs.MediaInsights.DataplaneBucket ?? '';
    const s3 = new S3Client({
      region: outputs.Local.Region,
      endpoint: outputs.Local.S3Endpoint,
      forcePathStyle: true,
      credentials,
    });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/clip.mp4', Body: Buffer.from('not a video') }));
    s3.destroy();
    await api.post('workflow/stage', { Name: 'KillSync', Operations: ['video-test-sync'] });
    await api.post('workflow/stage', { Name: 'KillAsync', Operations: ['video-test-async'] });
    for (const [name, stage] of [
      ['KillSyncWorkflow', 'KillSync'],
      ['KillAsyncWorkflow', 'KillAsync'],
    ]) {
      expect(
        (await api.post('workflow', { Name: name, StartAt: stage, Stages: { [stage]: { End: true } } })).status,
      ).toBe(200);
    }
    const start = async (workflow: string, configuration: object = {}) =>
      (
        await api.post('workflow/execution', {
          Name: workflow,
          Input: { Media: { Video: { S3Bucket: bucket, S3Key: 'media/clip.mp4' } } },
          Configuration: configuration,
        })
      ).json().Id as string;
    const earlierId = await start('KillSyncWorkflow');
    const earlier = await settled(api, earlierId, ['Complete', 'Error']);
    const interruptedId = await start('KillAsyncWorkflow', {
      KillAsync: { 'video-test-async': { TestMonitorPolls: 1_000_000 } },
    });
    await settled(api, interruptedId, ['Started']);

    // Act
    const killed = new Promise((resolve) => child!.on('exit', resolve));
    killGroup(child.pid!, 'SIGKILL');
    await killed;
    child = await startLocalMode(dataDir);
    outputs = readOutputs(dataDir);
    api = apiClient(outputs.MediaInsights.WorkflowApiEndpoint ?? '', credentials);
    const after = await settled(api, interruptedId, ['Complete', 'Error']);
    // Its slot is free again: a new execution runs to the end.
    const next = await settled(api, await start('KillSyncWorkflow'), ['Complete', 'Error']);

    // Assess
    expect(earlier.Status).toBe('Complete');
    expect(after.Status).toBe('Error');
    expect(next.Status).toBe('Complete');
    expect((await api.get(`workflow/execution/${earlierId}`)).json()).toEqual(earlier);
  }, 240_000);
});

/** Polls the workflow execution until it reaches one of `statuses`. */
async function settled(
  api: ReturnType<typeof apiClient>,
  id: string,
  statuses: readonly string[],
): Promise<Record<string, any>> {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    const response = await api.get(`workflow/execution/${id}`);
    last = `${response.status} ${response.text.slice(0, 500)}`;
    if (response.status === 200 && statuses.includes(response.json().Status)) return response.json();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`workflow execution ${id} did not reach ${statuses.join('/')}: ${last}`);
}
