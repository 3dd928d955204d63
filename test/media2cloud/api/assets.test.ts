import { createHash } from 'node:crypto';
import { captureLogs } from '../../support/logs';
import {
  MEDIA2CLOUD_ENV,
  OTHER_BUCKET,
  expectError,
  startMedia2CloudTestbed,
  stubbedApi,
  type Media2CloudTestbed,
} from './support';

const { INGEST_BUCKET, PROXY_BUCKET, MAIN_STATE_MACHINE_ARN } = MEDIA2CLOUD_ENV;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CLIP = '11111111-2222-4333-8444-555555555555';

let bed: Media2CloudTestbed;

beforeAll(async () => {
  bed = await startMedia2CloudTestbed();
});

afterAll(async () => {
  await bed.stop();
});

beforeEach(() => bed.reset());

function ingest(input: unknown) {
  return bed.api({ resource: '/assets', method: 'POST', body: input === undefined ? undefined : { input } });
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('POST /assets', () => {
  it('writes the first ingest record and starts the main state machine with the original input shape, leaving aiOptions to the pipeline', async () => {
    // Prepare
    await bed.putObject(INGEST_BUCKET, 'tutorial/demo clip.mp4', 'movie bytes');

    // Act
    const response = await ingest({ bucket: INGEST_BUCKET, key: 'tutorial/demo clip.mp4' });

    // Assess
    expect(response.statusCode).toBe(200);
    const body = response.body as Record<string, string>;
    expect(Object.keys(body)).toEqual(['executionArn', 'startDate', 'uuid', 'status']);
    expect(body.uuid).toMatch(UUID_V4);
    expect(body).toMatchObject({ startDate: '2024-04-10T22:37:58.905Z', status: 'STARTED' });
    const destination = { bucket: PROXY_BUCKET, prefix: `${body.uuid}/tutorial/` };
    expect(bed.stateMachines.starts).toEqual([
      {
        stateMachineArn: MAIN_STATE_MACHINE_ARN,
        input: {
          input: {
            uuid: body.uuid,
            bucket: INGEST_BUCKET,
            key: 'tutorial/demo clip.mp4',
            destination,
          },
        },
      },
    ]);
    const record = await bed.record(body.uuid);
    expect(record).toEqual({
      uuid: body.uuid,
      bucket: INGEST_BUCKET,
      key: 'tutorial/demo clip.mp4',
      basename: 'demo clip',
      md5: md5('movie bytes'),
      mime: 'video/mp4',
      type: 'video',
      fileSize: 11,
      storageClass: 'STANDARD',
      lastModified: expect.any(Number),
      timestamp: bed.clock.now,
      schemaVersion: 1,
      status: 'INGEST_STARTED',
      overallStatus: 'PROCESSING',
      destination,
      executionArn: body.executionArn,
    });
  });

  it('takes the ingest bucket when the input names none, and any readable bucket when it does', async () => {
    // Prepare
    await bed.putObject(INGEST_BUCKET, 'photo.png', 'png');
    await bed.putObject(OTHER_BUCKET, 'photo.png', 'png');

    // Act
    const defaulted = await ingest({ key: 'photo.png' });
    const other = await ingest({ bucket: OTHER_BUCKET, key: 'photo.png' });

    // Assess
    expect(defaulted.statusCode).toBe(200);
    expect(other.statusCode).toBe(200);
    expect(bed.stateMachines.starts.map((start) => start.input.input.bucket)).toEqual([INGEST_BUCKET, OTHER_BUCKET]);
    const record = await bed.record((defaulted.body as { uuid: string }).uuid);
    expect(record).toMatchObject({ type: 'image', mime: 'image/png', destination: { prefix: `${record!.uuid}/` } });
  });

  it('keeps the caller uuid, group, attributes, aiOptions and destination, filling the destination defaults', async () => {
    // Prepare
    await bed.putObject(INGEST_BUCKET, 'news/report.mp3', 'mp3', { md5: 'abcdefabcdefabcdefabcdefabcdef12' });
    const input = {
      uuid: CLIP,
      bucket: INGEST_BUCKET,
      key: 'news/report.mp3',
      destination: { bucket: 'my-proxies' },
      group: 'evening_news',
      attributes: { Programme: 'Race to the Cloud', Type: 'Dailies' },
      aiOptions: { transcribe: true },
    };

    // Act
    const response = await ingest(input);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ uuid: CLIP, status: 'STARTED' });
    const destination = { bucket: 'my-proxies', prefix: `${CLIP}/news/` };
    expect(bed.stateMachines.starts[0].input).toEqual({
      input: { ...input, destination },
    });
    expect(await bed.record(CLIP)).toMatchObject({
      type: 'audio',
      md5: 'abcdefabcdefabcdefabcdefabcdef12',
      group: 'evening_news',
      attributes: input.attributes,
      aiOptions: { transcribe: true },
      destination,
    });
  });

  it('re-ingests a uuid with the same key, keeping what the pipeline added to the record', async () => {
    // Prepare
    const uuid = '22222222-2222-4333-8444-555555555555';
    await bed.putObject(INGEST_BUCKET, 'again.mp4', 'again');
    await bed.putRecord({
      uuid,
      key: 'again.mp4',
      bucket: INGEST_BUCKET,
      overallStatus: 'COMPLETED',
      status: 'ANALYSIS_COMPLETED',
      proxies: [{ key: 'proxy.mp4' }],
      timestamp: 1,
      schemaVersion: 1,
      type: 'video',
    });

    // Act
    const response = await ingest({ uuid, key: 'again.mp4' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(await bed.record(uuid)).toMatchObject({
      proxies: [{ key: 'proxy.mp4' }],
      status: 'INGEST_STARTED',
      overallStatus: 'PROCESSING',
      executionArn: (response.body as { executionArn: string }).executionArn,
    });
  });

  it('refuses a uuid that already names an asset with another key, with 409', async () => {
    // Prepare
    const uuid = '33333333-2222-4333-8444-555555555555';
    await bed.putObject(INGEST_BUCKET, 'other.mp4', 'x');
    await bed.putRecord({ uuid, key: 'first.mp4', bucket: INGEST_BUCKET });

    // Act
    const response = await ingest({ uuid, key: 'other.mp4' });

    // Assess
    expectError(response, 409, 'M2CException', `POST /assets - ${uuid} is already used for other asset`);
    expect(bed.stateMachines.starts).toEqual([]);
    expect(await bed.record(uuid)).toEqual({ uuid, key: 'first.mp4', bucket: INGEST_BUCKET });
  });

  it('answers 404 when the source object does not exist, writing nothing and starting nothing', async () => {
    // Prepare
    const uuid = '44444444-2222-4333-8444-555555555555';

    // Act
    const response = await ingest({ uuid, key: 'nowhere/missing.mp4' });

    // Assess
    expectError(response, 404, 'NotFound', `POST /assets - s3://${INGEST_BUCKET}/nowhere/missing.mp4 not found`);
    expect(bed.stateMachines.starts).toEqual([]);
    expect(await bed.record(uuid)).toBeUndefined();
  });

  it('answers 403 when the function may not read the source object, writing nothing', async () => {
    // Prepare
    const api = stubbedApi({ objects: { head: async () => 'denied', readText: async () => '' } });

    // Act
    const response = await api({
      resource: '/assets',
      method: 'POST',
      body: { input: { bucket: 'private-media', key: 'a.mp4' } },
    });

    // Assess
    expectError(response, 403, 'AccessDenied', 'POST /assets - s3://private-media/a.mp4 cannot be read');
  });

  it('removes the new record again when the state machine cannot be started', async () => {
    // Prepare
    const uuid = '55555555-2222-4333-8444-555555555555';
    await bed.putObject(INGEST_BUCKET, 'doomed.mp4', 'x');
    bed.stateMachines.failNext = new Error('ExecutionLimitExceeded');
    const logs = captureLogs();

    // Act
    const response = await ingest({ uuid, key: 'doomed.mp4' });

    // Assess
    logs.restore();
    expectError(response, 500, 'InternalServerError', 'POST /assets - An internal error occurred');
    expect(await bed.record(uuid)).toBeUndefined();
    expect(logs.entries()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Unhandled error',
        route: 'POST /assets',
        error: expect.objectContaining({ message: 'ExecutionLimitExceeded' }),
      }),
    ]);
  });

  it('puts a re-ingested record back as it was when the state machine cannot be started', async () => {
    // Prepare
    const uuid = '66666666-2222-4333-8444-555555555555';
    const previous = { uuid, key: 'kept.mp4', bucket: INGEST_BUCKET, overallStatus: 'COMPLETED', timestamp: 5 };
    await bed.putObject(INGEST_BUCKET, 'kept.mp4', 'x');
    await bed.putRecord(previous);
    bed.stateMachines.failNext = new Error('ThrottlingException');
    const logs = captureLogs();

    // Act
    const response = await ingest({ uuid, key: 'kept.mp4' });

    // Assess
    logs.restore();
    expect(response.statusCode).toBe(500);
    expect(await bed.record(uuid)).toEqual(previous);
  });

  it.each([
    ['no input', { other: 1 }, 'input object must be specified'],
    ['an input that is not an object', { input: 'video.mp4' }, 'input object must be specified'],
    ['no key', { input: { bucket: INGEST_BUCKET } }, 'invalid key name'],
    ['a key climbing out with ..', { input: { key: 'a/../b.mp4' } }, 'invalid key name'],
    ['a key with //', { input: { key: 'a//b.mp4' } }, 'invalid key name'],
    ['a key with a leading space', { input: { key: ' a.mp4' } }, 'invalid key name'],
    ['a key with a trailing space', { input: { key: 'a.mp4 ' } }, 'invalid key name'],
    ['a key with a character outside the safe set', { input: { key: 'a*b.mp4' } }, 'invalid key name'],
    ['a key that is not a string', { input: { key: 42 } }, 'invalid key name'],
    ['a uuid that is not one', { input: { key: 'a.mp4', uuid: 'not-a-uuid' } }, 'invalid uuid'],
    ['an invalid bucket name', { input: { key: 'a.mp4', bucket: 'Bad_Bucket' } }, 'invalid bucket name'],
    ['a destination that is not an object', { input: { key: 'a.mp4', destination: 'x' } }, 'invalid destination'],
    [
      'an invalid destination bucket',
      { input: { key: 'a.mp4', destination: { bucket: 'a' } } },
      'invalid destination bucket name',
    ],
    [
      'an invalid destination prefix',
      { input: { key: 'a.mp4', destination: { prefix: 'x/../y' } } },
      'invalid destination prefix',
    ],
    ['an invalid group name', { input: { key: 'a.mp4', group: 'my group' } }, 'invalid group name'],
    ['attributes that are not an object', { input: { key: 'a.mp4', attributes: ['a'] } }, 'invalid attributes'],
    [
      'an invalid attribute name',
      { input: { key: 'a.mp4', attributes: { 'bad name': 'x' } } },
      'invalid attribute key name',
    ],
    [
      'an invalid attribute value',
      { input: { key: 'a.mp4', attributes: { name: '<script>' } } },
      'invalid attribute key value',
    ],
    ['aiOptions that are not an object', { input: { key: 'a.mp4', aiOptions: [true] } }, 'invalid aiOptions'],
    ['an invalid mime type', { input: { key: 'a.mp4', mime: 'video' } }, 'invalid mime'],
    ['an invalid md5', { input: { key: 'a.mp4', md5: 'xyz' } }, 'invalid md5'],
  ])('refuses %s with 400, starting nothing', async (_case, body, message) => {
    // Prepare
    await bed.putObject(INGEST_BUCKET, 'a.mp4', 'x');

    // Act
    const response = await bed.api({ resource: '/assets', method: 'POST', body });

    // Assess
    expectError(response, 400, 'M2CException', `POST /assets - ${message}`);
    expect(bed.stateMachines.starts).toEqual([]);
  });

  it('refuses a body that is not JSON with 400', async () => {
    // Prepare
    const body = '{"input": {"key": ';

    // Act
    const response = await bed.api({ resource: '/assets', method: 'POST', body });

    // Assess
    expectError(response, 400, 'M2CException', 'POST /assets - Request body is not valid JSON');
  });
});

describe('POST /assets limits', () => {
  it('refuses attributes that would make the record larger than DynamoDB holds, naming them, writing nothing', async () => {
    // Prepare
    const uuid = '88888888-3333-4333-8444-555555555555';
    await bed.putObject(INGEST_BUCKET, 'big.mp4', 'x');
    const attributes = Object.fromEntries([...Array(3000).keys()].map((k) => [`attribute${k}`, 'v'.repeat(150)]));

    // Act
    const response = await ingest({ uuid, key: 'big.mp4', attributes });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({
      errorName: 'M2CException',
      errorMessage: expect.stringMatching(/^POST \/assets - attributes is too large: the record would take \d+ bytes/),
    });
    expect(bed.stateMachines.starts).toEqual([]);
    expect(await bed.record(uuid)).toBeUndefined();
  });

  it.each([
    ['aiOptions larger than 64 KB', { celeb: true, note: 'x'.repeat(70 * 1024) }],
    ['aiOptions nested deeper than DynamoDB stores', JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40))],
  ])('refuses %s with 400, writing nothing', async (_case, aiOptions) => {
    // Prepare
    const uuid = '99999999-3333-4333-8444-555555555555';
    await bed.putObject(INGEST_BUCKET, 'a.mp4', 'x');

    // Act
    const response = await ingest({ uuid, key: 'a.mp4', aiOptions });

    // Assess
    expect(response.statusCode).toBe(400);
    expect((response.body as { errorMessage: string }).errorMessage).toMatch(/^POST \/assets - invalid aiOptions: /);
    expect(await bed.record(uuid)).toBeUndefined();
  });

  it.each([
    [
      'JSON nested 100,000 deep',
      '{"input":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}',
      'nests deeper than 64 levels',
    ],
    [
      'a number beyond 2^53',
      '{"input":{"key":"a.mp4","attributes":{"n":1e308}}}',
      'holds a number beyond ±2^53 at $.input.attributes.n',
    ],
  ])('refuses %s with 400 in its own error body', async (_case, body, reason) => {
    // Act
    const response = await bed.api({ resource: '/assets', method: 'POST', body });

    // Assess
    expectError(response, 400, 'M2CException', `POST /assets - Request body ${reason}`);
    expect(bed.stateMachines.starts).toEqual([]);
  });

  it('starts one ingest for ten concurrent requests with the same uuid and key; the others get 409', async () => {
    // Prepare
    const uuid = 'aaaaaaaa-3333-4333-8444-555555555555';
    await bed.putObject(INGEST_BUCKET, 'race.mp4', 'x');

    // Act
    const responses = await Promise.all([...Array(10).keys()].map(() => ingest({ uuid, key: 'race.mp4' })));

    // Assess
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    expect(bed.stateMachines.starts).toHaveLength(1);
    const refused = responses.find((response) => response.statusCode === 409)!;
    expectError(
      refused,
      409,
      'M2CException',
      `POST /assets - ${uuid} is being processed; try again when its current run has ended`,
    );
    expect(await bed.record(uuid)).toMatchObject({ overallStatus: 'PROCESSING', executionArn: expect.any(String) });
  });

  it('refuses to re-ingest an asset whose run is still in flight, with 409', async () => {
    // Prepare
    const uuid = 'bbbbbbbb-3333-4333-8444-555555555555';
    const record = {
      uuid,
      key: 'busy.mp4',
      bucket: INGEST_BUCKET,
      status: 'INGEST_STARTED',
      overallStatus: 'PROCESSING',
    };
    await bed.putObject(INGEST_BUCKET, 'busy.mp4', 'x');
    await bed.putRecord(record);

    // Act
    const response = await ingest({ uuid, key: 'busy.mp4' });

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bed.stateMachines.starts).toEqual([]);
    expect(await bed.record(uuid)).toEqual(record);
  });
});

describe('POST /assets with a batch manifest', () => {
  const GIVEN = '77777777-2222-4333-8444-555555555555';

  it('starts one ingest per listed file and reports each failure in its own entry', async () => {
    // Prepare
    await bed.putObject(INGEST_BUCKET, 'batch/a.mp4', 'a');
    await bed.putObject(INGEST_BUCKET, 'batch/b.jpg', 'b');
    const manifest = {
      collectionUuid: 'collection-1',
      files: [
        { location: 'batch/a.mp4', checksums: [{ type: 'MD5', value: md5('a') }] },
        { uuid: GIVEN, location: 'batch/b.jpg' },
        { location: 'batch/missing.mp4' },
        { location: '../escape.mp4' },
      ],
    };
    await bed.putObject(INGEST_BUCKET, 'batch/manifest.json', JSON.stringify(manifest));

    // Act
    const response = await ingest({ key: 'batch/manifest.json', group: 'batch', attributes: { dropped: 'yes' } });

    // Assess
    expect(response.statusCode).toBe(200);
    const entries = response.body as Record<string, string>[];
    expect(entries).toHaveLength(4);
    expect(entries[0]).toMatchObject({ status: 'STARTED', uuid: expect.stringMatching(UUID_V4) });
    expect(entries[1]).toMatchObject({ status: 'STARTED', uuid: GIVEN });
    expect(entries[2]).toEqual({
      uuid: expect.stringMatching(UUID_V4),
      status: 'ERROR',
      errorMessage: `s3://${INGEST_BUCKET}/batch/missing.mp4 not found`,
    });
    expect(entries[3]).toEqual({
      uuid: expect.stringMatching(UUID_V4),
      status: 'ERROR',
      errorMessage: 'invalid key name',
    });
    const inputs = bed.stateMachines.starts.map((start) => start.input.input);
    expect(inputs.find((input) => input.key === 'batch/a.mp4')).toMatchObject({
      group: 'batch',
      attributes: { collectionUuid: 'collection-1' },
      md5: md5('a'),
    });
    expect(inputs.find((input) => input.key === 'batch/b.jpg')).toMatchObject({ uuid: GIVEN });
    expect(await bed.record(GIVEN)).toMatchObject({ type: 'image', attributes: { collectionUuid: 'collection-1' } });
  });

  it('answers 404 when the manifest does not exist', async () => {
    // Prepare: nothing uploaded

    // Act
    const response = await ingest({ key: 'batch/absent.json' });

    // Assess
    expectError(response, 404, 'NotFound', `POST /assets - s3://${INGEST_BUCKET}/batch/absent.json not found`);
  });

  it.each([
    ['is not JSON', 'not json', 'invalid manifest'],
    ['has no known provider', JSON.stringify({ migrationObject: {} }), 'fail to find provider'],
    ['has no file list', JSON.stringify({ collectionUuid: 'c' }), 'invalid manifest'],
  ])('refuses a manifest that %s with 400', async (_case, text, message) => {
    // Prepare
    await bed.putObject(INGEST_BUCKET, 'batch/bad.json', text);

    // Act
    const response = await ingest({ key: 'batch/bad.json' });

    // Assess
    expectError(response, 400, 'M2CException', `POST /assets - ${message}`);
    expect(bed.stateMachines.starts).toEqual([]);
  });
});

describe('GET /assets/{uuid}', () => {
  it('returns the whole ingest record', async () => {
    // Prepare
    const uuid = '88888888-3333-4333-8444-555555555555';
    const record = {
      uuid,
      bucket: INGEST_BUCKET,
      key: 'done.png',
      type: 'image',
      overallStatus: 'COMPLETED',
      analysis: ['image'],
      proxies: [{ outputType: 'proxy', key: `${uuid}/proxy.jpg`, fileSize: 1211335 }],
      imageinfo: `${uuid}/imageinfo/imageinfo.json`,
    };
    await bed.putRecord(record);

    // Act
    const response = await bed.api({ resource: '/assets/{uuid}', pathParameters: { uuid } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual(record);
    expect(response.headers['Access-Control-Allow-Origin']).toBe('*');
  });

  it('answers 404 for an unknown uuid and 400 for something that is not one', async () => {
    // Prepare
    const unknown = '99999999-2222-4333-8444-555555555555';

    // Act
    const missing = await bed.api({ resource: '/assets/{uuid}', pathParameters: { uuid: unknown } });
    const invalid = await bed.api({ resource: '/assets/{uuid}', pathParameters: { uuid: 'nope' } });

    // Assess
    expectError(missing, 404, 'NotFound', `GET /assets/${unknown} - asset ${unknown} not found`);
    expectError(invalid, 400, 'M2CException', 'GET /assets/nope - invalid uuid');
  });
});

describe('DELETE /assets/{uuid}', () => {
  it('queues the removal with the execution to stop and answers REMOVED at once', async () => {
    // Prepare
    const uuid = 'aaaaaaaa-3333-4333-8444-555555555555';
    const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:m2c-main:run';
    await bed.putRecord({ uuid, key: 'busy.mp4', overallStatus: 'PROCESSING', executionArn });

    // Act
    const response = await bed.api({ resource: '/assets/{uuid}', method: 'DELETE', pathParameters: { uuid } });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.text).toBe(JSON.stringify({ uuid, status: 'REMOVED' }));
    expect(bed.removal.requests).toEqual([{ uuid, executionArn }]);
  });

  it('answers 404 for an unknown asset without queueing anything', async () => {
    // Prepare
    const uuid = 'bbbbbbbb-2222-4333-8444-555555555555';

    // Act
    const response = await bed.api({ resource: '/assets/{uuid}', method: 'DELETE', pathParameters: { uuid } });

    // Assess
    expectError(response, 404, 'NotFound', `DELETE /assets/${uuid} - asset ${uuid} not found`);
    expect(bed.removal.requests).toEqual([]);
  });

  it('refuses a path that is not a uuid with 400', async () => {
    // Prepare
    const uuid = '../etc';

    // Act
    const response = await bed.api({ resource: '/assets/{uuid}', method: 'DELETE', pathParameters: { uuid } });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bed.removal.requests).toEqual([]);
  });
});
