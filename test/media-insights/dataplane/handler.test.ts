import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, ListObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DATAPLANE_ENV,
  MEDIA_BUCKET,
  callApi,
  provisionDataplane,
  startLocalEngines,
  type ApiCall,
  type LambdaHandler,
  type LocalEngines,
} from './support';

const TWO_TO_63 = '9223372036854775808';
const DIGITS_39 = '123456789012345678901234567890123456789';
/** A Matroska track UniqueID as MediaInfo reports it: 128 bits. */
const UNIQUE_ID_128 = '227462152546098813547327498116009536548';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const { DATAPLANE_BUCKET, DATAPLANE_TABLE_NAME, DATAPLANE_LOCK_TABLE_NAME } = DATAPLANE_ENV;

let engines: LocalEngines;
let handler: LambdaHandler;

beforeAll(async () => {
  engines = await startLocalEngines();
  await provisionDataplane(engines);
  // Only now: the handler's SDK clients and configuration come from the environment set above.
  ({ handler } = await import('../../../lambdas/media-insights/dataplane/handler'));
});

afterAll(async () => {
  await engines.stop();
});

function api(call: ApiCall) {
  return callApi(handler, call);
}

async function createAsset(input: Record<string, unknown> = {}): Promise<string> {
  const response = await api({
    resource: '/create',
    method: 'POST',
    body: { Input: { MediaType: 'Video', S3Bucket: MEDIA_BUCKET, S3Key: 'upload/movie.mp4', ...input } },
  });
  expect(response.statusCode).toBe(200);
  return (response.body as { AssetId: string }).AssetId;
}

function storeMetadata(assetId: string, body: unknown, query?: Record<string, string>) {
  return api({ resource: '/metadata/{asset_id}', method: 'POST', pathParameters: { asset_id: assetId }, body, query });
}

async function readObject(bucket: string, key: string): Promise<string> {
  const { Body } = await engines.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Body!.transformToString();
}

async function objectExists(bucket: string, key: string): Promise<boolean> {
  try {
    await engines.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

async function assetItem(assetId: string) {
  const { Item } = await engines.dynamo.send(
    new GetItemCommand({ TableName: DATAPLANE_TABLE_NAME, Key: { AssetId: { S: assetId } }, ConsistentRead: true }),
  );
  return Item;
}

describe('GET / and GET /version', () => {
  it('answers GET / with hello world', async () => {
    // Prepare: nothing

    // Act
    const response = await api({ resource: '/' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.text).toBe('{"hello":"world"}');
  });

  it('reports API version 3.0.0 and the framework version from FRAMEWORK_VERSION', async () => {
    // Prepare: FRAMEWORK_VERSION is v5.1.8

    // Act
    const response = await api({ resource: '/version' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.text).toBe('{"ApiVersion":"3.0.0","FrameworkVersion":"v5.1.8"}');
    expect(response.headers['Access-Control-Allow-Origin']).toBe('*');
  });

  it("refuses a Content-Type other than JSON with chalice's 415", async () => {
    // Prepare
    const call = { resource: '/version', headers: { 'Content-Type': 'text/plain' } };

    // Act
    const response = await api(call);

    // Assess
    expect(response.statusCode).toBe(415);
    expect(response.body).toEqual({ Code: 'UnsupportedMediaType', Message: 'Unsupported media type: text/plain' });
  });
});

describe('POST /create', () => {
  it('creates an asset record and an empty folder marker, without copying the media', async () => {
    // Prepare
    const body = { Input: { MediaType: 'Video', S3Bucket: MEDIA_BUCKET, S3Key: 'upload/movie.mp4' } };

    // Act
    const response = await api({ resource: '/create', method: 'POST', body });

    // Assess
    expect(response.statusCode).toBe(200);
    const created = response.body as Record<string, string>;
    expect(Object.keys(created)).toEqual(['AssetId', 'MediaType', 'S3Bucket', 'S3Key']);
    expect(created).toMatchObject({ MediaType: 'Video', S3Bucket: MEDIA_BUCKET, S3Key: 'upload/movie.mp4' });
    expect(created.AssetId).toMatch(UUID);
    const item = await assetItem(created.AssetId);
    expect(item).toEqual({
      AssetId: { S: created.AssetId },
      MediaType: { S: 'Video' },
      S3Bucket: { S: MEDIA_BUCKET },
      S3Key: { S: 'upload/movie.mp4' },
      Created: { S: expect.stringMatching(/^\d{10}\.\d+$/) },
    });
    const listing = await engines.s3.send(
      new ListObjectsCommand({ Bucket: DATAPLANE_BUCKET, Prefix: `private/assets/${created.AssetId}/` }),
    );
    expect(listing.Contents?.map(({ Key, Size }) => ({ Key, Size }))).toEqual([
      { Key: `private/assets/${created.AssetId}/`, Size: 0 },
    ]);
  });

  it("names a missing input with the original's 400", async () => {
    // Prepare
    const body = { Input: { MediaType: 'Video', S3Bucket: 'InputBucketName' } };

    // Act
    const response = await api({ resource: '/create', method: 'POST', body });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      Code: 'BadRequestError',
      Message: "Missing required inputs for asset creation: 'S3Key'",
    });
  });

  it.each([
    ['malformed JSON', '{"Input": '],
    ['an empty body', undefined],
    [
      'a key that climbs out of its folder',
      { Input: { MediaType: 'Video', S3Bucket: MEDIA_BUCKET, S3Key: '../../x' } },
    ],
  ])('answers %s with a 400 in the {Code, Message} format', async (_, body) => {
    // Prepare: the body

    // Act
    const response = await api({ resource: '/create', method: 'POST', body });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ Code: 'BadRequestError', Message: expect.any(String) });
  });
});

describe('POST /upload', () => {
  it('returns a presigned POST that accepts a file of up to 5 GiB for one hour', async () => {
    // Prepare
    const body = { S3Bucket: MEDIA_BUCKET, S3Key: 'upload/clip.mp4' };
    const before = Date.now();

    // Act
    const response = await api({ resource: '/upload', method: 'POST', body });
    const { url, fields } = response.body as { url: string; fields: Record<string, string> };
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob(['fake video bytes']), 'clip.mp4');
    const upload = await fetch(url, { method: 'POST', body: form });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(fields.key).toBe('upload/clip.mp4');
    const policy = JSON.parse(Buffer.from(fields.Policy, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 0, 5368709120],
        { bucket: MEDIA_BUCKET },
        { key: 'upload/clip.mp4' },
      ]),
    );
    const expiresIn = Date.parse(policy.expiration) - before;
    expect(expiresIn).toBeGreaterThan(3590_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
    expect(upload.status).toBe(204);
    expect(await readObject(MEDIA_BUCKET, 'upload/clip.mp4')).toBe('fake video bytes');
  });

  it("keeps the original's message for a missing bucket, as a 400", async () => {
    // Prepare
    const body = { S3Key: 'testBucketKey' };

    // Act
    const response = await api({ resource: '/upload', method: 'POST', body });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      Code: 'BadRequestError',
      Message: "Unable to generate pre-signed S3 URL for uploading media: 'S3Bucket'",
    });
  });
});

describe('POST /download', () => {
  it('returns a presigned GET URL as the raw body, as chalice sends a string', async () => {
    // Prepare
    await engines.s3.send(new PutObjectCommand({ Bucket: MEDIA_BUCKET, Key: 'upload/song.mp3', Body: 'la la' }));

    // Act
    const response = await api({
      resource: '/download',
      method: 'POST',
      body: { S3Bucket: MEDIA_BUCKET, S3Key: 'upload/song.mp3' },
    });
    const download = await fetch(response.text);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.text).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mie-source-media\/upload\/song\.mp3\?/);
    expect(new URL(response.text).searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(await download.text()).toBe('la la');
  });

  it('refuses to sign a key that climbs out of its folder', async () => {
    // Prepare
    const body = { S3Bucket: MEDIA_BUCKET, S3Key: '../../etc/passwd' };

    // Act
    const response = await api({ resource: '/download', method: 'POST', body });

    // Assess
    expect(response.statusCode).toBe(400);
    expect((response.body as { Code: string }).Code).toBe('BadRequestError');
  });
});

describe('GET /mediapath/{asset_id}/{workflow_id}', () => {
  it('points at the workflow run folder in the data plane bucket', async () => {
    // Prepare
    const pathParameters = { asset_id: 'testAssetId', workflow_id: 'testWorkflowId' };

    // Act
    const response = await api({ resource: '/mediapath/{asset_id}/{workflow_id}', pathParameters });

    // Assess
    expect(response.text).toBe(
      `{"S3Bucket":"${DATAPLANE_BUCKET}","S3Key":"private/assets/testAssetId/workflows/testWorkflowId/"}`,
    );
  });

  it('refuses a path segment that is ..', async () => {
    // Prepare
    const pathParameters = { asset_id: '..', workflow_id: 'w' };

    // Act
    const response = await api({ resource: '/mediapath/{asset_id}/{workflow_id}', pathParameters });

    // Assess
    expect(response.statusCode).toBe(400);
  });
});

describe('POST /metadata/{asset_id}', () => {
  it('stores results in S3 and only a pointer in DynamoDB, with floats kept as numbers', async () => {
    // Prepare
    const assetId = await createAsset();
    const results = { Labels: [{ Name: 'Cat', Confidence: 54.41469192504883 }], Padding: 'x'.repeat(500_000) };

    // Act
    const response = await storeMetadata(assetId, {
      OperatorName: 'labelDetection',
      WorkflowId: 'wf-1',
      Results: results,
    });

    // Assess
    const key = `private/assets/${assetId}/workflows/wf-1/labelDetection.json`;
    expect(response.statusCode).toBe(200);
    expect(response.text).toBe(`{"Status":"Success","Bucket":"${DATAPLANE_BUCKET}","Key":"${key}"}`);
    expect(JSON.parse(await readObject(DATAPLANE_BUCKET, key))).toEqual(results);
    const item = await assetItem(assetId);
    expect(item?.labelDetection).toEqual({ L: [{ M: { workflow: { S: 'wf-1' }, pointer: { S: key } } }] });
    const read = await api({
      resource: '/metadata/{asset_id}/{operator_name}',
      pathParameters: { asset_id: assetId, operator_name: 'labelDetection' },
    });
    expect((read.body as { results: typeof results }).results.Labels[0].Confidence).toBe(54.41469192504883);
  });

  it('appends pages and publishes them only with end=true', async () => {
    // Prepare
    const assetId = await createAsset();
    const page = (n: number) => ({ OperatorName: 'faces', WorkflowId: 'wf-1', Results: { n } });

    // Act
    const first = await storeMetadata(assetId, page(0), { paginated: 'true' });
    const beforeEnd = await api({
      resource: '/metadata/{asset_id}/{operator_name}',
      pathParameters: { asset_id: assetId, operator_name: 'faces' },
    });
    const last = await storeMetadata(assetId, page(1), { paginated: 'true', end: 'true' });

    // Assess
    const key = `private/assets/${assetId}/workflows/wf-1/faces.json`;
    expect(first.text).toBe('{"Status":"Success"}');
    expect(beforeEnd.statusCode).toBe(404);
    expect(last.body).toEqual({ Status: 'Success', Bucket: DATAPLANE_BUCKET, Key: key });
    expect(JSON.parse(await readObject(DATAPLANE_BUCKET, key))).toEqual([{ n: 0 }, { n: 1 }]);
  });

  it.each([
    ['an unsupported query parameter', { wrong_param: 'wrong' }, {}],
    ['end=false', { paginated: 'true', end: 'false' }, {}],
    ['end without paginated', { end: 'true' }, {}],
    ['Results that are not an object', undefined, { Results: ['a'] }],
    ['an operator name with a slash', undefined, { OperatorName: 'a/b' }],
  ])('answers %s with a 400', async (_, query, override) => {
    // Prepare
    const assetId = await createAsset();
    const body = { OperatorName: 'op', WorkflowId: 'wf', Results: {}, ...override };

    // Act
    const response = await storeMetadata(assetId, body, query);

    // Assess
    expect(response.statusCode).toBe(400);
    expect((response.body as { Code: string }).Code).toBe('BadRequestError');
  });

  it('answers an unknown asset with a 404 and writes nothing', async () => {
    // Prepare
    const assetId = 'b3a1c2d4-0000-4000-8000-000000000000';

    // Act
    const response = await storeMetadata(assetId, { OperatorName: 'op', WorkflowId: 'wf', Results: {} });

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({
      Code: 'NotFoundError',
      Message: `Exception occurred while verifying asset exists: ${assetId} does not exist`,
    });
    expect(await objectExists(DATAPLANE_BUCKET, `private/assets/${assetId}/workflows/wf/op.json`)).toBe(false);
    expect(await assetItem(assetId)).toBeUndefined();
  });
});

describe('GET /metadata/{asset_id}', () => {
  async function assetWithMetadata(): Promise<string> {
    const assetId = await createAsset();
    await storeMetadata(assetId, { OperatorName: 'Mediainfo', WorkflowId: 'wf-1', Results: { duration: 12.5 } });
    for (const [n, query] of [
      [0, { paginated: 'true' }],
      [1, { paginated: 'true' }],
      [2, { paginated: 'true', end: 'true' }],
    ] as const) {
      await storeMetadata(assetId, { OperatorName: 'Labels', WorkflowId: 'wf-1', Results: { n } }, query);
    }
    return assetId;
  }

  it('returns global info first, then each operator and page until the cursor is gone', async () => {
    // Prepare
    const assetId = await assetWithMetadata();

    // Act
    const bodies: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const response = await api({
        resource: '/metadata/{asset_id}',
        pathParameters: { asset_id: assetId },
        query: cursor === undefined ? undefined : { cursor },
      });
      expect(response.statusCode).toBe(200);
      const body = response.body as Record<string, unknown>;
      bodies.push(body);
      cursor = body.cursor as string | undefined;
    } while (cursor !== undefined);

    // Assess
    expect(bodies.map(({ asset_id, operator, results }) => ({ asset_id, operator, results }))).toEqual([
      {
        asset_id: assetId,
        operator: undefined,
        results: {
          MediaType: 'Video',
          S3Key: 'upload/movie.mp4',
          S3Bucket: MEDIA_BUCKET,
          Created: expect.stringMatching(/^\d{10}\.\d+$/),
        },
      },
      { asset_id: assetId, operator: 'Labels', results: { n: 0 } },
      { asset_id: assetId, operator: 'Labels', results: { n: 1 } },
      { asset_id: assetId, operator: 'Labels', results: { n: 2 } },
      { asset_id: assetId, operator: 'Mediainfo', results: { duration: 12.5 } },
    ]);
  });

  it("hands out the original's cursor text", async () => {
    // Prepare
    const assetId = await assetWithMetadata();
    const labels = `private/assets/${assetId}/workflows/wf-1/Labels.json`;
    const mediainfo = `private/assets/${assetId}/workflows/wf-1/Mediainfo.json`;

    // Act
    const response = await api({ resource: '/metadata/{asset_id}', pathParameters: { asset_id: assetId } });

    // Assess
    const cursor = (response.body as { cursor: string }).cursor;
    expect(Buffer.from(cursor, 'base64url').toString('utf8')).toBe(
      `{"next": {"Labels": "${labels}", "page": 0}, "remaining": [{"Labels": "${labels}", "page": 0}, {"Mediainfo": "${mediainfo}"}]}`,
    );
  });

  it('serves the asset as the MIE Lambda helper invokes it directly, with a "null" body', async () => {
    // Prepare
    const assetId = await assetWithMetadata();

    // Act
    const response = await api({
      resource: '/metadata/{asset_id}',
      pathParameters: { asset_id: assetId },
      body: 'null',
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect((response.body as { asset_id: string }).asset_id).toBe(assetId);
  });

  it.each([
    ['a cursor that is not base64', () => 'not a cursor!'],
    [
      "a cursor pointing into another asset's metadata",
      () =>
        Buffer.from(
          JSON.stringify({
            next: { op: 'private/assets/other/workflows/w/op.json', page: 0 },
            remaining: [{ op: 'private/assets/other/workflows/w/op.json' }],
          }),
        ).toString('base64url'),
    ],
  ])('answers %s with a 400', async (_, cursor) => {
    // Prepare
    const assetId = await assetWithMetadata();

    // Act
    const response = await api({
      resource: '/metadata/{asset_id}',
      pathParameters: { asset_id: assetId },
      query: { cursor: cursor() },
    });

    // Assess
    expect(response.statusCode).toBe(400);
    expect((response.body as { Message: string }).Message).toMatch(/^Invalid cursor: /);
  });

  it('answers an unknown asset with a 404', async () => {
    // Prepare
    const pathParameters = { asset_id: 'no-such-asset' };

    // Act
    const response = await api({ resource: '/metadata/{asset_id}', pathParameters });

    // Assess
    expect(response.statusCode).toBe(404);
  });
});

describe('GET /metadata/{asset_id}/{operator_name}', () => {
  it('serves a paginated result page by page', async () => {
    // Prepare
    const assetId = await createAsset();
    await storeMetadata(
      assetId,
      { OperatorName: 'Labels', WorkflowId: 'wf', Results: { n: 0 } },
      { paginated: 'true' },
    );
    await storeMetadata(
      assetId,
      { OperatorName: 'Labels', WorkflowId: 'wf', Results: { n: 1 } },
      { paginated: 'true', end: 'true' },
    );
    const pathParameters = { asset_id: assetId, operator_name: 'Labels' };

    // Act
    const first = await api({ resource: '/metadata/{asset_id}/{operator_name}', pathParameters });
    const cursor = (first.body as { cursor: string }).cursor;
    const second = await api({ resource: '/metadata/{asset_id}/{operator_name}', pathParameters, query: { cursor } });

    // Assess
    expect(first.body).toEqual({
      asset_id: assetId,
      operator: 'Labels',
      cursor: expect.any(String),
      results: { n: 0 },
    });
    expect(second.body).toEqual({ asset_id: assetId, operator: 'Labels', results: { n: 1 } });
  });

  it('answers an operator without metadata with a 404', async () => {
    // Prepare
    const assetId = await createAsset();

    // Act
    const response = await api({
      resource: '/metadata/{asset_id}/{operator_name}',
      pathParameters: { asset_id: assetId, operator_name: 'Transcribe' },
    });

    // Assess
    expect(response.statusCode).toBe(404);
    expect((response.body as { Code: string }).Code).toBe('NotFoundError');
  });
});

describe('GET /metadata', () => {
  it('lists the asset ids', async () => {
    // Prepare
    const assetId = await createAsset();

    // Act
    const response = await api({ resource: '/metadata' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect((response.body as { assets: string[] }).assets).toContain(assetId);
  });
});

describe('DELETE /metadata/{asset_id}/{operator_name}', () => {
  it("removes the operator's pointer and its results, and lists the deleted keys", async () => {
    // Prepare
    const assetId = await createAsset();
    await storeMetadata(assetId, { OperatorName: 'op', WorkflowId: 'wf', Results: { a: 1 } });
    const key = `private/assets/${assetId}/workflows/wf/op.json`;
    const pathParameters = { asset_id: assetId, operator_name: 'op' };

    // Act
    const response = await api({ resource: '/metadata/{asset_id}/{operator_name}', method: 'DELETE', pathParameters });
    const again = await api({ resource: '/metadata/{asset_id}/{operator_name}', method: 'DELETE', pathParameters });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ Deleted: [{ Key: key }] });
    expect(await objectExists(DATAPLANE_BUCKET, key)).toBe(false);
    expect((await assetItem(assetId))?.op).toBeUndefined();
    expect(again.statusCode).toBe(404);
    expect(again.body).toEqual({
      Code: 'NotFoundError',
      Message: 'Unable to delete metadata, pointer does not exist for op',
    });
  });

  it('answers an unknown asset with a 404 without creating a record for it', async () => {
    // Prepare
    const pathParameters = { asset_id: 'ghost-asset', operator_name: 'op' };

    // Act
    const response = await api({ resource: '/metadata/{asset_id}/{operator_name}', method: 'DELETE', pathParameters });

    // Assess
    expect(response.statusCode).toBe(404);
    expect(await assetItem('ghost-asset')).toBeUndefined();
  });
});

describe('DELETE /metadata/{asset_id}', () => {
  it('removes the record, the metadata objects and the marker, and keeps the source media', async () => {
    // Prepare: media uploaded into the data plane bucket itself, as the original's web app does
    await engines.s3.send(
      new PutObjectCommand({ Bucket: DATAPLANE_BUCKET, Key: 'public/upload/movie.mp4', Body: 'm' }),
    );
    const assetId = await createAsset({ S3Bucket: DATAPLANE_BUCKET, S3Key: 'public/upload/movie.mp4' });
    await storeMetadata(assetId, { OperatorName: 'op', WorkflowId: 'wf', Results: {} });

    // Act
    const response = await api({
      resource: '/metadata/{asset_id}',
      method: 'DELETE',
      pathParameters: { asset_id: assetId },
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.text).toBe(`Deleted asset: ${assetId} from the dataplane`);
    expect(await assetItem(assetId)).toBeUndefined();
    expect(await objectExists(DATAPLANE_BUCKET, `private/assets/${assetId}/workflows/wf/op.json`)).toBe(false);
    expect(await objectExists(DATAPLANE_BUCKET, `private/assets/${assetId}/`)).toBe(false);
    expect(await readObject(DATAPLANE_BUCKET, 'public/upload/movie.mp4')).toBe('m');
    const read = await api({ resource: '/metadata/{asset_id}', pathParameters: { asset_id: assetId } });
    expect(read.statusCode).toBe(404);
  });

  it('answers an unknown asset with a 404', async () => {
    // Prepare
    const pathParameters = { asset_id: 'never-created' };

    // Act
    const response = await api({ resource: '/metadata/{asset_id}', method: 'DELETE', pathParameters });

    // Assess
    expect(response.statusCode).toBe(404);
    expect((response.body as { Code: string }).Code).toBe('NotFoundError');
  });
});

describe('checkout, checkin and checkouts', () => {
  it('locks an asset, refuses a second lock with 409, lists it, and unlocks it', async () => {
    // Prepare
    const assetId = await createAsset();
    const pathParameters = { asset_id: assetId };

    // Act
    const checkout = await api({
      resource: '/checkout/{asset_id}',
      method: 'POST',
      pathParameters,
      body: { LockedBy: 'user1@example.com' },
    });
    const second = await api({
      resource: '/checkout/{asset_id}',
      method: 'POST',
      pathParameters,
      body: { LockedBy: 'user2@example.com' },
    });
    const listing = await api({ resource: '/checkouts' });
    const { Item: lockItem } = await engines.dynamo.send(
      new GetItemCommand({ TableName: DATAPLANE_LOCK_TABLE_NAME, Key: { AssetId: { S: assetId } } }),
    );
    const checkin = await api({ resource: '/checkin/{asset_id}', method: 'POST', pathParameters });
    const checkinAgain = await api({ resource: '/checkin/{asset_id}', method: 'POST', pathParameters });

    // Assess
    expect(checkout.statusCode).toBe(200);
    const lockedAt = (checkout.body as { LockedAt: number }).LockedAt;
    expect(checkout.body).toEqual({ AssetId: assetId, LockedBy: 'user1@example.com', LockedAt: expect.any(Number) });
    expect(second.statusCode).toBe(409);
    expect((second.body as { Code: string }).Code).toBe('ConflictError');
    expect((listing.body as { locks: unknown[] }).locks).toContainEqual({
      AssetId: assetId,
      LockedBy: 'user1@example.com',
      LockedAt: String(lockedAt),
    });
    expect(lockItem).toEqual({
      AssetId: { S: assetId },
      Locked: { S: 'true' },
      LockedBy: { S: 'user1@example.com' },
      LockedAt: { N: String(lockedAt) },
    });
    expect(checkin.statusCode).toBe(200);
    expect(checkin.text).toBe(`Unlocked asset ${assetId}`);
    expect(checkinAgain.statusCode).toBe(409);
  });

  it('refuses to lock an unknown asset with a 404', async () => {
    // Prepare
    const pathParameters = { asset_id: 'not-an-asset' };

    // Act
    const response = await api({
      resource: '/checkout/{asset_id}',
      method: 'POST',
      pathParameters,
      body: { LockedBy: 'u' },
    });

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('refuses a checkout without LockedBy with a 400', async () => {
    // Prepare
    const assetId = await createAsset();

    // Act
    const response = await api({
      resource: '/checkout/{asset_id}',
      method: 'POST',
      pathParameters: { asset_id: assetId },
      body: {},
    });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      Code: 'BadRequestError',
      Message: "Missing required inputs for locking asset: 'LockedBy'",
    });
  });

  it('drops the lock when the asset is deleted', async () => {
    // Prepare
    const assetId = await createAsset();
    const pathParameters = { asset_id: assetId };
    await api({ resource: '/checkout/{asset_id}', method: 'POST', pathParameters, body: { LockedBy: 'u' } });

    // Act
    await api({ resource: '/metadata/{asset_id}', method: 'DELETE', pathParameters });
    const listing = await api({ resource: '/checkouts' });

    // Assess
    expect((listing.body as { locks: { AssetId: string }[] }).locks.map((lock) => lock.AssetId)).not.toContain(assetId);
  });
});

describe('input the store cannot hold', () => {
  async function assetCount(): Promise<number> {
    return ((await api({ resource: '/metadata' })).body as { assets: string[] }).assets.length;
  }

  it('refuses a 450 KB MediaType on /create with 400 naming the field, creating nothing', async () => {
    // Prepare
    const before = await assetCount();

    // Act
    const response = await api({
      resource: '/create',
      method: 'POST',
      body: { Input: { MediaType: 'V'.repeat(450 * 1024), S3Bucket: MEDIA_BUCKET, S3Key: 'upload/movie.mp4' } },
    });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      Code: 'BadRequestError',
      Message: expect.stringMatching(
        /^Invalid input for asset creation: MediaType is too large: the record would take/,
      ),
    });
    expect(await assetCount()).toBe(before);
  });

  it('refuses a 450 KB LockedBy on /checkout with 400 naming the field, locking nothing', async () => {
    // Prepare
    const assetId = await createAsset();
    const pathParameters = { asset_id: assetId };

    // Act
    const response = await api({
      resource: '/checkout/{asset_id}',
      method: 'POST',
      pathParameters,
      body: { LockedBy: 'u'.repeat(450 * 1024) },
    });

    // Assess
    expect(response.statusCode).toBe(400);
    expect((response.body as { Message: string }).Message).toMatch(
      /^Invalid input for locking asset: LockedBy is too large/,
    );
    const listing = await api({ resource: '/checkouts' });
    expect((listing.body as { locks: { AssetId: string }[] }).locks.map((lock) => lock.AssetId)).not.toContain(assetId);
  });

  it.each([
    [
      'nested 100,000 deep',
      '{"Results":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}',
      'nests deeper than 64 levels',
    ],
    [
      'holding a number that overflows to Infinity',
      '{"OperatorName":"op","WorkflowId":"w","Results":{"n":1e400}}',
      'holds a number beyond what JSON can carry at $.Results.n',
    ],
  ])('refuses /metadata bodies %s with 400 in chalice format', async (_case, body, reason) => {
    // Prepare
    const assetId = await createAsset();

    // Act
    const response = await storeMetadata(assetId, body);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ Code: 'BadRequestError', Message: `Request body ${reason}` });
  });

  it('keeps integers beyond 2^53 exact from the request to S3 and back, pages included (2**63, 39 digits, a 128-bit id)', async () => {
    // Prepare: as Python's json writes them; JSON.parse would round every one of them.
    const assetId = await createAsset();
    const results = `{"tracks":[{"unique_id":${UNIQUE_ID_128},"size":${TWO_TO_63},"n":${DIGITS_39},"f":0.5}]}`;
    const body = (operator: string, page: string) =>
      `{"OperatorName":"${operator}","WorkflowId":"w","Results":${page}}`;

    // Act
    const whole = await storeMetadata(assetId, body('Mediainfo', results));
    await storeMetadata(assetId, body('Labels', `{"page":${TWO_TO_63}}`), { paginated: 'true' });
    const paged = await storeMetadata(assetId, body('Labels', `{"page":-${DIGITS_39}}`), {
      paginated: 'true',
      end: 'true',
    });
    const byOperator = await api({
      resource: '/metadata/{asset_id}/{operator_name}',
      pathParameters: { asset_id: assetId, operator_name: 'Mediainfo' },
    });
    const walk: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api({
        resource: '/metadata/{asset_id}',
        pathParameters: { asset_id: assetId },
        ...(cursor === undefined ? {} : { query: { cursor } }),
      });
      walk.push(page.text);
      cursor = (page.body as { cursor?: string }).cursor;
    } while (cursor !== undefined);

    // Assess
    expect([whole.statusCode, paged.statusCode]).toEqual([200, 200]);
    expect(await readObject(DATAPLANE_BUCKET, (whole.body as { Key: string }).Key)).toBe(results);
    expect(await readObject(DATAPLANE_BUCKET, (paged.body as { Key: string }).Key)).toBe(
      `[{"page":${TWO_TO_63}},{"page":-${DIGITS_39}}]`,
    );
    expect(byOperator.text).toBe(`{"asset_id":"${assetId}","operator":"Mediainfo","results":${results}}`);
    expect(walk.slice(1).map((text) => text.slice(text.indexOf('"results":')))).toEqual([
      `"results":{"page":${TWO_TO_63}}}`,
      `"results":{"page":-${DIGITS_39}}}`,
      `"results":${results}}`,
    ]);
  });
});
