import { captureLogs } from '../../support/logs';
import {
  DEFAULT_AI_OPTIONS,
  MEDIA2CLOUD_ENV,
  expectError,
  startMedia2CloudTestbed,
  type Media2CloudTestbed,
} from './support';

const { ANALYSIS_STATE_MACHINE_ARN, MAIN_STATE_MACHINE_ARN, INGEST_BUCKET, PROXY_BUCKET } = MEDIA2CLOUD_ENV;

let bed: Media2CloudTestbed;

beforeAll(async () => {
  bed = await startMedia2CloudTestbed();
});

afterAll(async () => {
  await bed.stop();
});

beforeEach(() => bed.reset());

function analysisCall(method: string, uuid: string, body?: unknown) {
  return bed.api({ resource: '/analysis/{uuid}', method, pathParameters: { uuid }, body });
}

const videoAnalysis = (uuid: string) => ({
  uuid,
  type: 'video',
  status: 'COMPLETED',
  startTime: 1710950164758,
  endTime: 1710950532430,
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m2c-analysis-video:run',
  rekognition: {
    celeb: {
      output: `${uuid}/raw/rekognition/celeb/output.json`,
      metadata: `${uuid}/metadata/celeb/`,
      vtt: `${uuid}/vtt/celeb/`,
      apiCount: 188,
      startTime: 1710950319289,
      endTime: 1710950422515,
    },
  },
});

const audioAnalysis = (uuid: string) => ({
  uuid,
  type: 'audio',
  status: 'COMPLETED',
  startTime: 1710950164737,
  endTime: 1710950256237,
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m2c-analysis-audio:run',
  transcribe: { output: `${uuid}/raw/transcribe/output.json`, languageCode: 'en-GB' },
});

async function analysedAsset(uuid: string, extra: Record<string, unknown> = {}) {
  await bed.putRecord({
    uuid,
    bucket: INGEST_BUCKET,
    key: 'show.mp4',
    destination: { bucket: PROXY_BUCKET, prefix: `${uuid}/` },
    attributes: { Programme: 'News' },
    aiOptions: { celeb: true, framebased: false },
    analysis: ['video', 'audio'],
    overallStatus: 'COMPLETED',
    ...extra,
  });
  await bed.putAnalysis(videoAnalysis(uuid));
  await bed.putAnalysis(audioAnalysis(uuid));
}

describe('GET /analysis/{uuid}', () => {
  it('returns the records of the types the asset lists, in that order', async () => {
    // Prepare
    const uuid = '10000000-0000-4000-8000-000000000001';
    await analysedAsset(uuid);
    // Left over from an earlier run: not in the asset's analysis list, so not current.
    await bed.putAnalysis({ uuid, type: 'image', status: 'COMPLETED' });

    // Act
    const response = await analysisCall('GET', uuid);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual([videoAnalysis(uuid), audioAnalysis(uuid)]);
  });

  it('returns [] for an asset without analysis', async () => {
    // Prepare
    const uuid = '10000000-0000-4000-8000-000000000002';
    await bed.putRecord({ uuid, key: 'fresh.mp4', overallStatus: 'PROCESSING' });

    // Act
    const response = await analysisCall('GET', uuid);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual([]);
  });

  it('answers 404 for an unknown asset and 400 for a path that is not a uuid', async () => {
    // Prepare
    const uuid = '10000000-0000-4000-8000-0000000000ff';

    // Act
    const unknown = await analysisCall('GET', uuid);
    const invalid = await analysisCall('GET', 'zzz');

    // Assess
    expectError(unknown, 404, 'NotFound', `GET /analysis/${uuid} - asset ${uuid} not found`);
    expectError(invalid, 400, 'M2CException', 'GET /analysis/zzz - invalid uuid');
  });
});

describe('POST /analysis/{uuid}', () => {
  it('starts the analysis state machine with the original input, leaving the results for the run to replace', async () => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000001';
    await analysedAsset(uuid);

    // Act
    const response = await analysisCall('POST', uuid);

    // Assess
    expect(response.statusCode).toBe(200);
    const body = response.body as Record<string, string>;
    expect(Object.keys(body)).toEqual(['uuid', 'status', 'executionArn', 'startDate']);
    expect(body).toMatchObject({ uuid, status: 'STARTED', startDate: '2024-04-10T22:37:58.905Z' });
    expect(bed.stateMachines.starts).toEqual([
      {
        stateMachineArn: ANALYSIS_STATE_MACHINE_ARN,
        input: {
          input: {
            uuid,
            bucket: INGEST_BUCKET,
            key: 'show.mp4',
            destination: { bucket: PROXY_BUCKET, prefix: `${uuid}/` },
            attributes: { Programme: 'News' },
            aiOptions: { celeb: true, framebased: false },
          },
          uuid,
        },
      },
    ]);
    const record = await bed.record(uuid);
    expect(record).toMatchObject({ executionArn: body.executionArn, aiOptions: { celeb: true, framebased: false } });
    // Processing from the answer on, not the last run's COMPLETED until the state machine writes its status.
    expect(record).toMatchObject({ status: 'ANALYSIS_STARTED', overallStatus: 'PROCESSING' });
    // The run's first step replaces them (pipeline tests); the request itself drops nothing.
    expect(record?.analysis).toEqual(['video', 'audio']);
    expect(await bed.analysis(uuid, 'video')).toEqual(videoAnalysis(uuid));
    expect(bed.search.dropped).toEqual([]);
  });

  it('leaves the asset exactly as it was when the state machine cannot be started, results and all', async () => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000010';
    await analysedAsset(uuid, { status: 'ANALYSIS_COMPLETED' });
    const before = await bed.record(uuid);
    bed.stateMachines.failNext = new Error('ExecutionLimitExceeded');
    const logs = captureLogs();

    // Act
    const response = await analysisCall('POST', uuid, { input: { aiOptions: { celeb: false } } });
    logs.restore();

    // Assess
    expect(response.statusCode).toBe(500);
    expect(await bed.record(uuid)).toEqual(before);
    expect(await bed.analysis(uuid, 'video')).toEqual(videoAnalysis(uuid));
    expect(await bed.analysis(uuid, 'audio')).toEqual(audioAnalysis(uuid));
    expect((await analysisCall('GET', uuid)).body).toEqual([videoAnalysis(uuid), audioAnalysis(uuid)]);
  });

  it('refuses a run while one is in flight with 409, changing nothing', async () => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000011';
    await analysedAsset(uuid, { status: 'ANALYSIS_STARTED', overallStatus: 'PROCESSING' });
    const before = await bed.record(uuid);

    // Act
    const response = await analysisCall('POST', uuid);

    // Assess
    expectError(
      response,
      409,
      'M2CException',
      `POST /analysis/${uuid} - ${uuid} is being processed; try again when its current run has ended`,
    );
    expect(bed.stateMachines.starts).toEqual([]);
    expect(await bed.record(uuid)).toEqual(before);
  });

  it('starts one run for ten concurrent requests; the others get 409', async () => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000012';
    await analysedAsset(uuid);

    // Act
    const responses = await Promise.all([...Array(10).keys()].map(() => analysisCall('POST', uuid)));

    // Assess
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, ...Array(9).fill(409)]);
    expect(bed.stateMachines.starts).toHaveLength(1);
  });

  it.each([
    ['larger than 64 KB', { celeb: true, note: 'x'.repeat(70 * 1024) }, /^invalid aiOptions: aiOptions is too large/],
    [
      'holding a number DynamoDB cannot store',
      { minConfidence: 1e-200 },
      /^invalid aiOptions: aiOptions holds a number/,
    ],
    [
      'nested deeper than DynamoDB stores',
      JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)),
      /^invalid aiOptions: aiOptions nests deeper than the 32 levels/,
    ],
  ])('refuses aiOptions %s with 400, changing nothing', async (_case, aiOptions, message) => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000013';
    await analysedAsset(uuid);
    const before = await bed.record(uuid);

    // Act
    const response = await analysisCall('POST', uuid, { input: { aiOptions } });

    // Assess
    expect(response.statusCode).toBe(400);
    const errorMessage = (response.body as { errorMessage: string }).errorMessage;
    expect(errorMessage.slice(`POST /analysis/${uuid} - `.length)).toMatch(message);
    expect(bed.stateMachines.starts).toEqual([]);
    expect(await bed.record(uuid)).toEqual(before);
  });

  it('refuses aiOptions that would make the record larger than DynamoDB holds, naming the field', async () => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000014';
    await analysedAsset(uuid, { mediainfo: { track: 'm'.repeat(360 * 1024) } });
    const before = await bed.record(uuid);

    // Act
    const response = await analysisCall('POST', uuid, {
      input: { aiOptions: { celeb: true, note: 'n'.repeat(60 * 1024) } },
    });

    // Assess
    expect(response.statusCode).toBe(400);
    expect((response.body as { errorMessage: string }).errorMessage).toMatch(
      new RegExp(`^POST /analysis/${uuid} - mediainfo is too large: the record would take \\d+ bytes`),
    );
    expect(bed.stateMachines.starts).toEqual([]);
    expect(await bed.record(uuid)).toEqual(before);
  });

  it('puts the statuses and the error back when the state machine cannot be started', async () => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000009';
    await analysedAsset(uuid, { status: 'ANALYSIS_ERROR', overallStatus: 'ERROR', errorMessage: 'old failure' });
    bed.stateMachines.failNext = new Error('StartExecution throttled');
    const logs = captureLogs();

    // Act
    const response = await analysisCall('POST', uuid);
    logs.restore();

    // Assess
    expect(response.statusCode).toBe(500);
    expect(logs.entries()).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'Unhandled error', route: `POST /analysis/${uuid}` }),
    ]);
    expect(await bed.record(uuid)).toMatchObject({
      status: 'ANALYSIS_ERROR',
      overallStatus: 'ERROR',
      errorMessage: 'old failure',
      analysis: ['video', 'audio'],
    });
  });

  it('runs the main state machine when the new options need frames the last ingest did not capture', async () => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000002';
    await analysedAsset(uuid);
    const aiOptions = { celeb: true, framebased: true, frameCaptureMode: 1001 };

    // Act
    const response = await analysisCall('POST', uuid, { input: { aiOptions } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bed.stateMachines.starts[0].stateMachineArn).toBe(MAIN_STATE_MACHINE_ARN);
    expect(bed.stateMachines.starts[0].input.input.aiOptions).toEqual(aiOptions);
    expect((await bed.record(uuid))?.aiOptions).toEqual(aiOptions);
  });

  it('falls back to the default aiOptions for an asset recorded without any', async () => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000003';
    await bed.putRecord({ uuid, bucket: INGEST_BUCKET, key: 'old.mp4' });

    // Act
    const response = await analysisCall('POST', uuid, { input: { uuid } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bed.stateMachines.starts[0].input.input.aiOptions).toEqual(DEFAULT_AI_OPTIONS);
  });

  it.each([
    ['names another asset', { input: { uuid: '20000000-0000-4000-8000-0000000000aa' } }, 'invalid uuid'],
    ['carries aiOptions that are not an object', { input: { aiOptions: 'all' } }, 'invalid aiOptions'],
    ['has an input that is not an object', { input: [1] }, 'invalid input'],
    ['is not an object', [1], 'request body must be a JSON object'],
    ['is not JSON', '{"input":', 'Request body is not valid JSON'],
  ])('refuses a body that %s with 400, dropping nothing', async (_case, body, message) => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-000000000004';
    await analysedAsset(uuid);

    // Act
    const response = await analysisCall('POST', uuid, body);

    // Assess
    expectError(response, 400, 'M2CException', `POST /analysis/${uuid} - ${message}`);
    expect(bed.stateMachines.starts).toEqual([]);
    expect((await bed.record(uuid))?.analysis).toEqual(['video', 'audio']);
  });

  it('answers 404 for an unknown asset without starting anything', async () => {
    // Prepare
    const uuid = '20000000-0000-4000-8000-0000000000ff';

    // Act
    const response = await analysisCall('POST', uuid);

    // Assess
    expectError(response, 404, 'NotFound', `POST /analysis/${uuid} - asset ${uuid} not found`);
    expect(bed.stateMachines.starts).toEqual([]);
    expect(await bed.record(uuid)).toBeUndefined();
  });
});

describe('DELETE /analysis/{uuid}', () => {
  it('drops the analysis list, the analysis records and the analysis fields of the search index', async () => {
    // Prepare
    const uuid = '30000000-0000-4000-8000-000000000001';
    await analysedAsset(uuid);

    // Act
    const response = await analysisCall('DELETE', uuid);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.text).toBe(JSON.stringify({ uuid, status: 'REMOVED' }));
    expect(await bed.record(uuid)).toMatchObject({ uuid, key: 'show.mp4', overallStatus: 'COMPLETED' });
    expect(await bed.record(uuid)).not.toHaveProperty('analysis');
    expect(await bed.analysis(uuid, 'video')).toBeUndefined();
    expect(bed.search.dropped).toEqual([uuid]);
    expect((await analysisCall('GET', uuid)).body).toEqual([]);
  });

  it('answers 404 for an unknown asset without creating a record', async () => {
    // Prepare
    const uuid = '30000000-0000-4000-8000-0000000000ff';

    // Act
    const response = await analysisCall('DELETE', uuid);

    // Assess
    expectError(response, 404, 'NotFound', `DELETE /analysis/${uuid} - asset ${uuid} not found`);
    expect(await bed.record(uuid)).toBeUndefined();
    expect(bed.search.dropped).toEqual([]);
  });
});
