import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { PROJECT_ROOT } from '../../../lib/project-root';
import { apiClient, request, startTestLocalMode, type TestLocalMode } from '../../support/local';

const FFMPEG = path.join(PROJECT_ROOT, 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg');

/** The workflow engine end to end: API, scheduler, runner state machine, engine and operators, all in local mode. */
describe('Media Insights workflow engine through local mode', () => {
  let env: TestLocalMode;
  let api: ReturnType<typeof apiClient>;
  let dataplane: ReturnType<typeof apiClient>;
  let bucket: string;
  let counter = 0;

  beforeAll(async () => {
    env = await startTestLocalMode();
    const outputs = env.local.outputs.MediaInsights ?? {};
    api = apiClient(outputs.WorkflowApiEndpoint ?? '', env.local.credentials);
    dataplane = apiClient(outputs.DataplaneApiEndpoint ?? '', env.local.credentials);
    bucket = outputs.DataplaneBucket ?? '';
    const video = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-video-')), 'clip.mp4');
    await promisify(execFile)(FFMPEG, [
      ...['-f', 'lavfi', '-i', 'testsrc=duration=9:size=320x240:rate=25'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=9'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', video],
    ]);
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: env.local.outputs.Local?.S3Endpoint,
      credentials: env.local.credentials,
    });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/clip.mp4', Body: fs.readFileSync(video) }));
    s3.destroy();
  });
  afterAll(async () => {
    await api.post('system/configuration', { Name: 'MaxConcurrentWorkflows', Value: 5 });
    await env.stop();
  });

  const unique = (name: string) => `${name}${(counter += 1)}`;

  async function createWorkflow(stages: string[]): Promise<string> {
    const name = unique('wf');
    const response = await api.post('workflow', {
      Name: name,
      StartAt: stages[0],
      Stages: Object.fromEntries(
        stages.map((stage, index) => [
          stage,
          index === stages.length - 1 ? { End: true } : { Next: stages[index + 1] },
        ]),
      ),
    });
    expect(response.status).toBe(200);
    return name;
  }

  async function startExecution(workflow: string, configuration: object = {}, key = 'media/clip.mp4') {
    const response = await api.post('workflow/execution', {
      Name: workflow,
      Input: { Media: { Video: { S3Bucket: bucket, S3Key: key } } },
      Configuration: configuration,
    });
    expect(response.status).toBe(200);
    expect(response.json().Status).toBe('Queued');
    return response.json().Id as string;
  }

  async function waitFor(id: string, statuses: string[], timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const execution = (await api.get(`workflow/execution/${id}`)).json();
      if (statuses.includes(execution.Status)) return execution;
      if (Date.now() > deadline) throw new Error(`Execution ${id} is ${execution.Status}, not ${statuses.join('/')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('registers the built-in operators at start, as the deployment does', async () => {
    const names = (await api.get('workflow/operation')).json().map((operation: { Name: string }) => operation.Name);

    expect(names).toEqual(
      expect.arrayContaining(['Mediainfo', 'Thumbnail', 'Wait', 'GenericDataLookup', 'video-test-sync']),
    );
  });

  it('runs Mediainfo then Thumbnail on a real video to Complete, with the results in the data plane', async () => {
    const workflow = await createWorkflow(['_Mediainfo', '_Thumbnail']);

    const id = await startExecution(workflow);
    const execution = await waitFor(id, ['Complete', 'Error'], 90_000);
    const mediainfo = await dataplane.get(`metadata/${execution.AssetId}/Mediainfo`);

    expect(execution.Message).toBeUndefined();
    expect(execution).toMatchObject({ Status: 'Complete', CurrentStage: 'End' });
    expect(execution.Workflow.Stages._Mediainfo.Status).toBe('Complete');
    expect(execution.Workflow.Stages._Thumbnail.Outputs[0].Status).toBe('Complete');
    expect(Object.keys(execution.Globals.Media)).toEqual(
      expect.arrayContaining(['Video', 'Thumbnail', 'Audio', 'ProxyEncode']),
    );
    expect(mediainfo.status).toBe(200);
    expect(JSON.stringify(mediainfo.json().results.tracks)).toContain('AVC');
  });

  it('skips operations by media type and by Enabled, and applies per-execution configuration', async () => {
    const stage = unique('Mixed');
    await api.post('workflow/stage', {
      Name: stage,
      Operations: ['video-test-sync', 'audio-test-sync', 'image-test-sync'],
    });
    const workflow = await createWorkflow([stage]);

    const id = await startExecution(workflow, {
      [stage]: {
        'image-test-sync': { MediaType: 'Video', Enabled: false },
        'video-test-sync': { TestCustomConfig: 'x' },
      },
    });
    const execution = await waitFor(id, ['Complete', 'Error']);
    const statuses = Object.fromEntries(
      execution.Workflow.Stages[stage].Outputs.map((output: { Name: string; Status: string }) => [
        output.Name,
        output.Status,
      ]),
    );

    expect(execution.Status).toBe('Complete');
    expect(statuses).toEqual({
      'video-test-sync': 'Complete',
      'audio-test-sync': 'Skipped',
      'image-test-sync': 'Skipped',
    });
    expect(execution.Globals.MetaData['video-test-sync']).toMatchObject({ TestCustomConfig: 'x' });
  });

  it('ends in Error with a Message when an operator fails, and stops at that stage', async () => {
    const workflow = await createWorkflow(['_video-test-sync-fail', '_video-test-sync']);

    const execution = await waitFor(await startExecution(workflow), ['Complete', 'Error']);

    expect(execution.Status).toBe('Error');
    expect(execution.Message).toContain('_video-test-sync-fail');
    expect(execution.Workflow.Stages['_video-test-sync'].Status).toBe('Not Started');
  });

  it('waits at a Wait operator, frees its slot, and resumes through PUT /workflow/execution/{id}', async () => {
    const workflow = await createWorkflow(['_Wait', '_video-test-async']);

    const id = await startExecution(workflow, { _Wait: { Wait: { Enabled: true } } });
    await waitFor(id, ['Waiting']);
    const wrongStage = await api.put(`workflow/execution/${id}`, { WaitingStageName: '_video-test-async' });
    const resumed = await api.put(`workflow/execution/${id}`, { WaitingStageName: '_Wait' });
    const execution = await waitFor(id, ['Complete', 'Error']);

    expect(wrongStage.status).toBe(400);
    expect(resumed.json()).toEqual({ Id: id, Status: 'Resumed' });
    expect(execution.Status).toBe('Complete');
  });

  it('never runs more than MaxConcurrentWorkflows at once under a burst, and completes every execution', async () => {
    await api.post('system/configuration', { Name: 'MaxConcurrentWorkflows', Value: 2 });
    const workflow = await createWorkflow(['_video-test-async']);
    const slow = { '_video-test-async': { 'video-test-async': { TestMonitorPolls: 4 } } };

    const ids = await Promise.all(Array.from({ length: 6 }, () => startExecution(workflow, slow)));
    let maxRunning = 0;
    const deadline = Date.now() + 90_000;
    let done = 0;
    // Two listings by status per look (not one read per execution): which of the burst run, and which are done.
    const ours = async (status: string) =>
      ((await api.get(`workflow/execution/status/${status}`)).json() as { Id: string }[]).filter((execution) =>
        ids.includes(execution.Id),
      ).length;
    while (done < ids.length && Date.now() < deadline) {
      const [running, complete] = await Promise.all([ours('Started'), ours('Complete')]);
      maxRunning = Math.max(maxRunning, running);
      done = complete;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await api.post('system/configuration', { Name: 'MaxConcurrentWorkflows', Value: 5 });

    expect(done).toBe(ids.length);
    expect(maxRunning).toBeLessThanOrEqual(2);
    expect(maxRunning).toBeGreaterThan(0);
    for (const id of ids) expect((await api.get(`workflow/execution/${id}`)).json().Status).toBe('Complete');
  });

  it('marks an execution whose runner is stopped as Error and gives its slot to the next one', async () => {
    await api.post('system/configuration', { Name: 'MaxConcurrentWorkflows', Value: 1 });
    const workflow = await createWorkflow(['_video-test-async']);
    const endless = { '_video-test-async': { 'video-test-async': { TestMonitorPolls: 100000 } } };
    const stuck = await startExecution(workflow, endless);
    // The scheduler marks the execution Started, then starts its runner and records the runner's ARN.
    let running = await waitFor(stuck, ['Started']);
    while (!running.StateMachineExecutionArn) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      running = (await api.get(`workflow/execution/${stuck}`)).json();
    }
    const sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: env.local.outputs.Local?.StepFunctionsEndpoint,
      credentials: env.local.credentials,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    await sfn.send(
      new StopExecutionCommand({ executionArn: running.StateMachineExecutionArn, error: 'Killed', cause: 'test' }),
    );
    sfn.destroy();
    const killed = await waitFor(stuck, ['Error']);
    const next = await waitFor(await startExecution(workflow), ['Complete', 'Error']);
    await api.post('system/configuration', { Name: 'MaxConcurrentWorkflows', Value: 5 });

    expect(killed.Message).toMatch(/status:ABORTED/);
    expect(next.Status).toBe('Complete');
  });

  it("answers the API's errors in the {Code, Message} format, and refuses unsigned calls", async () => {
    const workflow = await createWorkflow(['_video-test-sync']);

    const duplicate = await api.post('workflow', {
      Name: workflow,
      StartAt: '_video-test-sync',
      Stages: { '_video-test-sync': { End: true } },
    });
    const unknown = await api.get('workflow/no-such-workflow');
    const malformed = await request(`${env.local.outputs.MediaInsights?.WorkflowApiEndpoint}workflow`, {
      method: 'POST',
      body: '{"Name":',
      headers: { 'Content-Type': 'application/json' },
      credentials: env.local.credentials,
    });
    const unsigned = await api.unsigned('GET', 'workflow');

    expect(duplicate.status).toBe(409);
    expect(duplicate.json().Code).toBe('ConflictError');
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    expect(unsigned.status).toBe(403);
  });

  // Last, as it restarts this suite's local mode from its data directory (one start fewer than a fresh instance).
  it('marks an execution that was running when local mode stopped as Error, and keeps scheduling', async () => {
    await api.post('workflow', {
      Name: 'restart',
      StartAt: '_video-test-async',
      Stages: { '_video-test-async': { End: true } },
    });
    const start = (polls: number) =>
      api.post('workflow/execution', {
        Name: 'restart',
        Input: { Media: { Video: { S3Bucket: bucket, S3Key: 'x.mp4' } } },
        Configuration: { '_video-test-async': { 'video-test-async': { TestMonitorPolls: polls } } },
      });
    const id = (await start(100000)).json().Id as string;
    // Running means the runner state machine was started (and recorded), not only that the status says Started.
    const running = async () => Boolean((await api.get(`workflow/execution/${id}`)).json().StateMachineExecutionArn);
    for (let i = 0; i < 100 && !(await running()); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await env.stop({ remove: false });

    env = await startTestLocalMode(env.dataDir);
    api = apiClient(env.local.outputs.MediaInsights?.WorkflowApiEndpoint ?? '', env.local.credentials);
    let status = '';
    for (let i = 0; i < 100 && status !== 'Error'; i += 1) {
      status = (await api.get(`workflow/execution/${id}`)).json().Status;
      if (status !== 'Error') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const next = (await start(1)).json().Id as string;
    let nextStatus = '';
    for (let i = 0; i < 300 && nextStatus !== 'Complete'; i += 1) {
      nextStatus = (await api.get(`workflow/execution/${next}`)).json().Status;
      if (nextStatus !== 'Complete') await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(status).toBe('Error');
    expect((await api.get(`workflow/execution/${id}`)).json().Message).toMatch(/Local mode restarted/);
    expect(nextStatus).toBe('Complete');
  });
});
