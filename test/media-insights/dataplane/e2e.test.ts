import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DATAPLANE_ROUTES } from '../../../lambdas/media-insights/dataplane/routes';
import { apiClient, request, startTestLocalMode, type TestLocalMode } from '../../support/local';

/** A Matroska track UniqueID as MediaInfo reports it: 128 bits. */
const UNIQUE_ID_128 = '227462152546098813547327498116009536548';

// Asynchronous: local mode serves from this very process, so a blocking child would wait on itself.
const run = async (command: string, args: string[]) => (await promisify(execFile)(command, args)).stdout;

/** The data plane API end to end: local mode, API Gateway emulation, SigV4, the handler and the real engines. */
describe('Media Insights data plane API through local mode', () => {
  let env: TestLocalMode;
  let endpoint: string;
  let bucket: string;
  let api: ReturnType<typeof apiClient>;
  let s3: S3Client;

  beforeAll(async () => {
    env = await startTestLocalMode();
    endpoint = env.local.outputs.MediaInsights?.DataplaneApiEndpoint ?? '';
    bucket = env.local.outputs.MediaInsights?.DataplaneBucket ?? '';
    api = apiClient(endpoint, env.local.credentials);
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: env.local.outputs.Local?.S3Endpoint,
      credentials: env.local.credentials,
    });
  });
  afterAll(async () => {
    s3.destroy();
    await env.stop();
  });

  async function createAsset(key = 'media/clip.mp4') {
    const response = await api.post('create', { Input: { MediaType: 'Video', S3Bucket: bucket, S3Key: key } });
    expect(response.status).toBe(200);
    return response.json<{ AssetId: string }>().AssetId;
  }

  it('answers curl --aws-sigv4 with the version, as the README shows', async () => {
    const { accessKeyId, secretAccessKey } = env.local.credentials;

    const output = await run('curl', [
      '-s',
      '--aws-sigv4',
      'aws:amz:us-east-1:execute-api',
      '--user',
      `${accessKeyId}:${secretAccessKey}`,
      `${endpoint}version`,
    ]);

    expect(JSON.parse(output)).toEqual({ ApiVersion: '3.0.0', FrameworkVersion: 'v5.1.8' });
  });

  it('refuses every signed route when it is called without a signature', async () => {
    const signedRoutes = DATAPLANE_ROUTES.filter((route) => route.auth === 'iam');

    const statuses = await Promise.all(
      signedRoutes.map(async (route) => {
        const routePath = route.path
          .replace('{asset_id}', 'a1')
          .replace('{workflow_id}', 'w1')
          .replace('{operator_name}', 'op');
        return (await api.unsigned(route.method, routePath, route.method === 'POST' ? {} : undefined)).status;
      }),
    );

    expect(statuses).toEqual(signedRoutes.map(() => 403));
  });

  it('creates an asset with its folder marker and leaves the media where it is', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/source.mp4', Body: 'video' }));

    const assetId = await createAsset('media/source.mp4');

    const marker = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `private/assets/${assetId}/` }));
    const source = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'media/source.mp4' }));
    expect(marker.ContentLength).toBe(0);
    expect(await source.Body?.transformToString()).toBe('video');
  });

  it('stores operator results and serves them back, global info first, then by operator', async () => {
    const assetId = await createAsset();
    const stored = await api.post(`metadata/${assetId}`, {
      OperatorName: 'Mediainfo',
      WorkflowId: 'wf-1',
      Results: { duration: 12.5, tracks: [{ type: 'Video' }] },
    });

    const first = await api.get(`metadata/${assetId}`);
    const second = await api.get(`metadata/${assetId}?cursor=${encodeURIComponent(first.json().cursor)}`);
    const byOperator = await api.get(`metadata/${assetId}/Mediainfo`);
    const listing = await api.get('metadata');

    expect(stored.json()).toEqual({
      Status: 'Success',
      Bucket: bucket,
      Key: `private/assets/${assetId}/workflows/wf-1/Mediainfo.json`,
    });
    expect(first.json().results).toMatchObject({ MediaType: 'Video', S3Bucket: bucket, S3Key: 'media/clip.mp4' });
    expect(second.json()).toMatchObject({ operator: 'Mediainfo', results: { duration: 12.5 } });
    expect(second.json().cursor).toBeUndefined();
    expect(byOperator.json()).toEqual({
      asset_id: assetId,
      operator: 'Mediainfo',
      results: { duration: 12.5, tracks: [{ type: 'Video' }] },
    });
    expect(listing.json().assets).toContain(assetId);
  });

  it('collects paginated results and publishes them when the last page arrives', async () => {
    const assetId = await createAsset();
    const page = (n: number, end = false) =>
      api.post(`metadata/${assetId}?paginated=true${end ? '&end=true' : ''}`, {
        OperatorName: 'Transcript',
        WorkflowId: 'wf-2',
        Results: { n },
      });

    await page(0);
    const beforeEnd = await api.get(`metadata/${assetId}/Transcript`);
    await page(1, true);
    const firstPage = await api.get(`metadata/${assetId}/Transcript`);
    const secondPage = await api.get(
      `metadata/${assetId}/Transcript?cursor=${encodeURIComponent(firstPage.json().cursor)}`,
    );

    expect(beforeEnd.status).toBe(404);
    expect(firstPage.json().results).toEqual({ n: 0 });
    expect(secondPage.json()).toEqual({ asset_id: assetId, operator: 'Transcript', results: { n: 1 } });
  });

  it('keeps 2**63, a 39-digit integer and a 128-bit track id exact, stored and served page by page', async () => {
    // As Python's json writes them (the original keeps every integer exact); JSON.parse would round them all.
    const assetId = await createAsset();
    const results = (value: string) => `{"tracks":[{"unique_id":${value},"f":0.5}]}`;
    const values = ['9223372036854775808', '-123456789012345678901234567890123456789', UNIQUE_ID_128];
    const json = { 'Content-Type': 'application/json' };
    for (const [index, value] of values.entries()) {
      const query = `paginated=true${index === values.length - 1 ? '&end=true' : ''}`;
      const body = `{"OperatorName":"Mediainfo","WorkflowId":"wf-3","Results":${results(value)}}`;
      expect((await api.post(`metadata/${assetId}?${query}`, body, json)).status).toBe(200);
    }

    const served: string[] = [];
    let response = await api.get(`metadata/${assetId}/Mediainfo`);
    served.push(response.text);
    while (response.json().cursor) {
      response = await api.get(`metadata/${assetId}/Mediainfo?cursor=${encodeURIComponent(response.json().cursor)}`);
      served.push(response.text);
    }
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `private/assets/${assetId}/workflows/wf-3/Mediainfo.json` }),
    );

    expect(await stored.Body?.transformToString()).toBe(`[${values.map(results).join(',')}]`);
    expect(served.map((text) => text.slice(text.indexOf('"results":')))).toEqual(
      values.map((value) => `"results":${results(value)}}`),
    );
  });

  it('points at the workflow folder of an asset', async () => {
    const response = await api.get('mediapath/asset-1/wf-9');

    expect(response.json()).toEqual({ S3Bucket: bucket, S3Key: 'private/assets/asset-1/workflows/wf-9/' });
  });

  it('hands out a presigned POST that plain curl -F can upload a file with', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mediaplane-upload-')), 'clip.mp4');
    fs.writeFileSync(file, 'not really a video');
    const response = await api.post('upload', { S3Bucket: bucket, S3Key: 'upload/clip.mp4' });
    const { url, fields } = response.json<{ url: string; fields: Record<string, string> }>();

    const status = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      ...Object.entries(fields).flatMap(([name, value]) => ['-F', `${name}=${value}`]),
      '-F',
      `file=@${file}`,
      url,
    ]);

    const uploaded = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'upload/clip.mp4' }));
    expect(status).toBe('204');
    expect(await uploaded.Body?.transformToString()).toBe('not really a video');
  });

  it('hands out a presigned GET URL, as the raw body, that downloads the media', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/song.mp3', Body: 'la la la' }));

    const response = await api.post('download', { S3Bucket: bucket, S3Key: 'media/song.mp3' });
    const download = await fetch(response.text);

    expect(response.status).toBe(200);
    expect(await download.text()).toBe('la la la');
  });

  it('locks an asset once, refuses a second lock with 409, lists and releases it', async () => {
    const assetId = await createAsset();

    const checkout = await api.post(`checkout/${assetId}`, { LockedBy: 'editor@example.com' });
    const again = await api.post(`checkout/${assetId}`, { LockedBy: 'someone-else' });
    const locks = await api.get('checkouts');
    const checkin = await api.post(`checkin/${assetId}`);

    expect(checkout.json()).toMatchObject({ AssetId: assetId, LockedBy: 'editor@example.com' });
    expect(again.status).toBe(409);
    expect(again.json()).toEqual({ Code: 'ConflictError', Message: expect.stringContaining(assetId) });
    expect(locks.json().locks).toContainEqual(
      expect.objectContaining({ AssetId: assetId, LockedBy: 'editor@example.com' }),
    );
    expect(checkin.text).toBe(`Unlocked asset ${assetId}`);
  });

  it('deletes one operator, then the whole asset, never the source media', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/keep.mp4', Body: 'keep me' }));
    const assetId = await createAsset('media/keep.mp4');
    await api.post(`metadata/${assetId}`, { OperatorName: 'Labels', WorkflowId: 'wf', Results: { a: 1 } });
    await api.post(`metadata/${assetId}`, { OperatorName: 'Faces', WorkflowId: 'wf', Results: { b: 2 } });

    const operator = await api.delete(`metadata/${assetId}/Labels`);
    const asset = await api.delete(`metadata/${assetId}`);
    const after = await api.get(`metadata/${assetId}`);
    const source = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'media/keep.mp4' }));

    expect(operator.json()).toEqual({ Deleted: [{ Key: `private/assets/${assetId}/workflows/wf/Labels.json` }] });
    expect(asset.text).toBe(`Deleted asset: ${assetId} from the dataplane`);
    expect(after.status).toBe(404);
    expect(after.json().Code).toBe('NotFoundError');
    expect(await source.Body?.transformToString()).toBe('keep me');
  });

  it('answers malformed JSON, wrong shapes and missing fields with 400 in the {Code, Message} format', async () => {
    const malformed = await request(`${endpoint}create`, {
      method: 'POST',
      body: '{"Input": ',
      headers: { 'Content-Type': 'application/json' },
      credentials: env.local.credentials,
    });
    const notAnObject = await api.post('create', [1, 2]);
    const missingKey = await api.post('create', { Input: { MediaType: 'Video', S3Bucket: bucket } });
    const resultsNotObject = await api.post('metadata/any', { OperatorName: 'x', WorkflowId: 'w', Results: 'text' });
    const badQuery = await api.post('metadata/any?paginated=maybe', {
      OperatorName: 'x',
      WorkflowId: 'w',
      Results: {},
    });

    for (const response of [malformed, notAnObject, missingKey, resultsNotObject, badQuery]) {
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ Code: 'BadRequestError', Message: expect.any(String) });
    }
    expect(missingKey.json().Message).toContain('S3Key');
  });

  it("answers a non-JSON content type with chalice's 415", async () => {
    const response = await request(`${endpoint}create`, {
      method: 'POST',
      body: 'Input=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      credentials: env.local.credentials,
    });

    expect(response.status).toBe(415);
    expect(response.json().Code).toBe('UnsupportedMediaType');
  });

  it('answers unknown assets with 404 and writes nothing for them', async () => {
    const metadata = await api.get('metadata/does-not-exist');
    const store = await api.post('metadata/does-not-exist', { OperatorName: 'op', WorkflowId: 'w', Results: {} });
    const checkout = await api.post('checkout/does-not-exist', { LockedBy: 'me' });

    expect([metadata.status, store.status, checkout.status]).toEqual([404, 404, 404]);
    expect((await api.get('metadata')).json().assets).not.toContain('does-not-exist');
  });

  it('refuses keys and names that would escape their folders', async () => {
    const traversal = await api.post('upload', { S3Bucket: bucket, S3Key: '../other/secret' });
    const operator = await api.post('metadata/x', { OperatorName: '../evil', WorkflowId: 'w', Results: {} });

    expect(traversal.status).toBe(400);
    expect(operator.status).toBe(400);
  });
});
