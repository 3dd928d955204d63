import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IndexFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mediaTools, runTool } from '../../lambdas/shared/media/tools';
import { faceSample, renderText } from '../local/rekognition/support';
import { apiClient, request, startTestLocalMode, type HttpResult, type TestLocalMode } from '../support/local';
import { assetSettled } from './settled';

/** The original web app's query encoding: RFC 3986 by its request builder, then once more by its signer's handler. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function webAppQuery(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(rfc3986(value))}`)
    .join('&');
}

function expectError(response: HttpResult, status: number, errorName: string, message: string | RegExp): void {
  expect(response.status).toBe(status);
  const body = response.json();
  expect(body).toEqual({ errorCode: status, errorName, errorMessage: expect.any(String) });
  expect(body.errorMessage).toMatch(message);
}

/**
 * The rest of the Media2Cloud API that the original web app calls — execution status, stats, global aiOptions,
 * users (on the local Cognito stand-in), face collections and Custom Labels models (local Rekognition), and the
 * AWS-only IoT and Bedrock routes — through local mode, signed as the web app signs.
 */
describe('Media2Cloud web app API through local mode', () => {
  let env: TestLocalMode;
  let api: ReturnType<typeof apiClient>;
  let endpoint: string;
  let s3: S3Client;
  let media: string;

  beforeAll(async () => {
    env = await startTestLocalMode();
    endpoint = env.local.outputs.Media2Cloud?.ApiEndpoint ?? '';
    api = apiClient(`${endpoint}/`, env.local.credentials);
    s3 = new S3Client({
      region: env.local.outputs.Local?.Region,
      endpoint: env.local.outputs.Local?.S3Endpoint,
      forcePathStyle: true,
      credentials: env.local.credentials,
    });
    media = mkdtempSync(path.join(tmpdir(), 'm2c-console-'));
  }, 120_000);

  afterAll(async () => {
    s3?.destroy();
    await env?.stop();
    rmSync(media, { recursive: true, force: true });
  });

  it('refuses unsigned and wrongly signed calls as API Gateway does', async () => {
    // Prepare
    const wrongKey = { ...env.local.credentials, secretAccessKey: 'not-the-secret' };

    // Act
    const unsigned = await Promise.all(
      ['stats', 'users', 'settings/aioptions', 'rekognition/face-collections'].map((route) =>
        api.unsigned('GET', route),
      ),
    );
    const forged = await request(`${endpoint}/users`, { credentials: wrongKey });

    // Assess
    for (const response of unsigned) {
      expect(response.status).toBe(403);
      expect(response.json()).toEqual({ message: 'Missing Authentication Token' });
    }
    expect(forged.status).toBe(403);
    expect(forged.json().message).toMatch(/signature/i);
  });

  describe('GET /stats', () => {
    beforeAll(async () => {
      const table = ingestTableName();
      const dynamo = new DynamoDBClient({
        region: env.local.outputs.Local?.Region,
        endpoint: env.local.outputs.Local?.DynamoDbEndpoint,
        credentials: env.local.credentials,
      });
      const item = (uuid: string, fields: Record<string, string | number>) => ({
        PutRequest: {
          Item: Object.fromEntries([
            ['uuid', { S: uuid }],
            ['schemaVersion', { N: '1' }],
            ...Object.entries(fields).map(([name, value]) => [
              name,
              typeof value === 'number' ? { N: String(value) } : { S: value },
            ]),
          ]),
        },
      });
      await dynamo.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: [
              item('00000000-0000-4000-8000-000000000001', {
                type: 'video',
                basename: 'a',
                fileSize: 1000,
                duration: 2000.7,
                timestamp: 1,
                overallStatus: 'COMPLETED',
              }),
              item('00000000-0000-4000-8000-000000000002', {
                type: 'video',
                basename: 'b',
                fileSize: 3001,
                duration: 4000,
                timestamp: 3,
                overallStatus: 'ERROR',
              }),
              item('00000000-0000-4000-8000-000000000003', {
                type: 'image',
                basename: 'c',
                fileSize: 10,
                lastModified: 5,
                timestamp: 2,
                overallStatus: 'COMPLETED',
              }),
            ],
          },
        }),
      );
      dynamo.destroy();
    });

    it('answers the assets by type and by status, and the most recent ones', async () => {
      // Act
      const response = await api.get(`stats?${webAppQuery({ size: '2' })}`);

      // Assess
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({
        stats: {
          types: [
            {
              type: 'video',
              count: 2,
              fileSize: { max: 3001, min: 1000, avg: 2000, total: 4001 },
              duration: { max: 4000, min: 2000, avg: 3000, total: 6000 },
            },
            {
              type: 'image',
              count: 1,
              fileSize: { max: 10, min: 10, avg: 10, total: 10 },
              duration: { max: 0, min: 0, avg: 0, total: 0 },
            },
          ],
          overallStatuses: [
            { overallStatus: 'COMPLETED', count: 2 },
            { overallStatus: 'ERROR', count: 1 },
          ],
        },
        recents: [
          {
            uuid: '00000000-0000-4000-8000-000000000002',
            type: 'video',
            basename: 'b',
            fileSize: 3001,
            duration: 4000,
            timestamp: 3,
          },
          {
            uuid: '00000000-0000-4000-8000-000000000003',
            type: 'image',
            basename: 'c',
            fileSize: 10,
            lastModified: 5,
            timestamp: 2,
          },
        ],
      });
    });

    it('counts the names each asked analysis found, per asset, from the search index', async () => {
      // Prepare: a photo analysed for faces only; its face entries in the index are named 'Face'.
      const aiOptions = Object.fromEntries(
        ['celeb', 'facematch', 'label', 'moderation', 'text', 'segment', 'person', 'transcribe', 'keyphrase']
          .concat(['entity', 'sentiment', 'textract'])
          .map((option) => [option, false]),
      );
      const key = 'stats/face.jpg';
      await s3.send(
        new PutObjectCommand({
          Bucket: env.local.outputs.Media2Cloud?.IngestBucket,
          Key: key,
          Body: faceSample(1),
          Metadata: { webupload: 'true' },
        }),
      );
      const started = await api.post('assets', { input: { key, aiOptions: { ...aiOptions, face: true } } });
      const record = await settled(started.json().uuid);

      // Act
      const counted = await api.get(`stats?${webAppQuery({ aggregate: 'face,transcribe,label', size: '5' })}`);

      // Assess
      expect(record.overallStatus).toBe('COMPLETED');
      expect(counted.status).toBe(200);
      // `transcribe` names have no keyword in the original's index; nothing was labelled.
      expect(counted.json()).toEqual({
        aggregations: { face: [{ name: 'Face', count: 1 }], transcribe: [], label: [] },
      });
    }, 120_000);

    it('refuses a bad size or aggregate field in the original error body', async () => {
      // Act
      const [size, field, noBuckets] = await Promise.all([
        api.get(`stats?${webAppQuery({ size: 'ten' })}`),
        api.get(`stats?${webAppQuery({ aggregate: 'celeb,shoesize' })}`),
        api.get(`stats?${webAppQuery({ aggregate: 'celeb', size: '0' })}`),
      ]);

      // Assess
      expectError(size, 400, 'M2CException', 'GET /stats - invalid size');
      expectError(field, 400, 'M2CException', 'GET /stats - invalid aggregate value');
      expectError(noBuckets, 400, 'M2CException', 'GET /stats - invalid size');
    });
  });

  describe('GET|POST|DELETE /settings/aioptions and GET /execution', () => {
    it('stores global aiOptions that a new ingest without its own uses, and reports its execution', async () => {
      // Prepare
      const image = path.join(media, 'still.jpg');
      await runTool(mediaTools().ffmpeg, [
        ...['-hide_banner', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=1', '-frames:v', '1', image],
      ]);
      const key = 'settings/still.jpg';
      await s3.send(
        new PutObjectCommand({
          Bucket: env.local.outputs.Media2Cloud?.IngestBucket,
          Key: key,
          Body: readFileSync(image),
          Metadata: { webupload: 'true' },
        }),
      );
      const stackDefault = (await api.get('settings/aioptions')).json();
      const options = { minConfidence: 61, tags: true, subtitle: false, pagetext: false, label: false };

      // Act
      const stored = await api.post('settings/aioptions', options);
      const read = await api.get('settings/aioptions');
      const started = await api.post('assets', { input: { key } });
      const uuid = started.json().uuid as string;
      const record = await settled(uuid);
      const execution = await api.get(`execution?${webAppQuery({ executionArn: started.json().executionArn })}`);
      const reset = await api.delete('settings/aioptions');
      const afterReset = await api.get('settings/aioptions');

      // Assess
      expect(stackDefault).toMatchObject({ celeb: true, label: true, minConfidence: 80 });
      expect(stored.status).toBe(200);
      expect(stored.json()).toMatchObject({ ETag: expect.any(String) });
      expect(read.json()).toEqual(options);
      expect(started.status).toBe(200);
      expect(record.overallStatus).toBe('COMPLETED');
      expect(record.aiOptions).toMatchObject({ minConfidence: 61, label: false });
      expect(execution.status).toBe(200);
      expect(execution.json()).toMatchObject({
        executionArn: started.json().executionArn,
        name: started.json().executionArn.split(':').pop(),
        status: 'SUCCEEDED',
        startDate: expect.any(String),
        stopDate: expect.any(String),
        input: { input: { uuid, key } },
        output: expect.any(Object),
      });
      expect(reset.json()).toBe(true);
      expect(afterReset.json()).toEqual(stackDefault);
    }, 120_000);

    it('refuses empty or malformed settings and bad execution ARNs in the original error body', async () => {
      // Prepare
      const unknownExecution =
        'arn:aws:states:us-east-1:000000000000:execution:Nothing:11111111-2222-4333-8444-555555555555';

      // Act
      const [empty, list, broken, missing, malformed, unknown] = await Promise.all([
        api.post('settings/aioptions', {}),
        api.post('settings/aioptions', [{ label: true }]),
        api.post('settings/aioptions', '{"label": tru', { 'Content-Type': 'application/json' }),
        api.get('execution'),
        api.get(`execution?${webAppQuery({ executionArn: 'arn:aws:states:us-east-1:1:execution:x' })}`),
        api.get(`execution?${webAppQuery({ executionArn: unknownExecution })}`),
      ]);

      // Assess
      expectError(empty, 400, 'M2CException', 'POST /settings/aioptions - aiOptions must be a non-empty JSON object');
      expectError(list, 400, 'M2CException', /non-empty JSON object/);
      expectError(broken, 400, 'M2CException', /POST \/settings\/aioptions - /);
      expectError(missing, 400, 'M2CException', 'GET /execution - missing executionArn');
      expectError(malformed, 400, 'M2CException', 'GET /execution - invalid executionArn');
      expect([403, 404]).toContain(unknown.status);
    });
  });

  describe('/users', () => {
    it('adds users to groups, lists them with their highest group, and removes them', async () => {
      // Act
      const before = await api.get('users');
      const added = await api.post('users', [
        { email: 'ada@example.com', group: 'admin' },
        { email: 'not-an-address', group: 'viewer' },
        { email: 'bob@example.com', username: 'bob', group: 'nobody' },
      ]);
      const again = await api.post('users', [{ email: 'ada@example.com', group: 'viewer' }]);
      const listed = await api.get('users');
      const removed = await api.delete(`users?${webAppQuery({ user: 'ada' })}`);
      const removedAgain = await api.delete(`users?${webAppQuery({ user: 'ada' })}`);
      const after = await api.get('users');

      // Assess
      expect(before.json()).toEqual([]);
      expect(added.status).toBe(200);
      expect(added.json()).toEqual([
        {
          email: 'ada@example.com',
          group: 'admin',
          username: 'ada',
          status: 'FORCE_CHANGE_PASSWORD',
          enabled: true,
          lastModified: expect.any(Number),
        },
        { status: 'error', error: 'M2CException - invalid email address', email: 'not-an-address', group: 'viewer' },
        {
          status: 'error',
          error: 'ResourceNotFoundException - Group not found.',
          email: 'bob@example.com',
          group: 'nobody',
        },
      ]);
      expect(again.json()[0]).toMatchObject({ username: 'ada', group: 'viewer' });
      // bob exists without a group, so the list leaves him out, as the original's does; ada shows her admin group.
      expect(listed.json()).toEqual([
        expect.objectContaining({ username: 'ada', email: 'ada@example.com', group: 'admin', enabled: true }),
      ]);
      expect(removed.json()).toEqual({ user: 'ada', status: 'removed' });
      expectError(removedAgain, 404, 'NotFound', 'DELETE /users - user ada not found');
      expect(after.json()).toEqual([]);
    });

    it('refuses a body that is not a list of users and a removal without a user', async () => {
      // Act
      const [object, notJson, noUser] = await Promise.all([
        api.post('users', { email: 'ada@example.com', group: 'admin' }),
        api.post('users', 'users please', { 'Content-Type': 'application/json' }),
        api.delete('users'),
      ]);

      // Assess
      expectError(object, 400, 'M2CException', /POST \/users - invalid users/);
      expectError(notJson, 400, 'M2CException', /POST \/users - /);
      expectError(noUser, 400, 'M2CException', 'DELETE /users - invalid user');
    });
  });

  describe('/rekognition', () => {
    it('creates, describes, lists and deletes a face collection', async () => {
      // Act
      const created = await api.post('rekognition/face-collection', { collectionId: 'crew.2026' });
      const duplicate = await api.post('rekognition/face-collection', { collectionId: 'crew.2026' });
      const described = await api.get(`rekognition/face-collection?${webAppQuery({ collectionId: 'crew.2026' })}`);
      const listed = await api.get('rekognition/face-collections');
      const deleted = await api.delete(`rekognition/face-collection?${webAppQuery({ collectionId: 'crew.2026' })}`);
      const gone = await api.get(`rekognition/face-collection?${webAppQuery({ collectionId: 'crew.2026' })}`);

      // Assess
      expect(created.json()).toEqual({
        name: 'crew.2026',
        faces: 0,
        modelVersion: expect.any(String),
        creationDate: expect.any(String),
      });
      expectError(duplicate, 409, 'ResourceAlreadyExistsException', /already exists/);
      expect(described.json()).toMatchObject({ name: 'crew.2026', faces: 0 });
      expect(listed.json()).toContainEqual(expect.objectContaining({ name: 'crew.2026', faces: 0 }));
      expect(deleted.json()).toEqual({ statusCode: 200 });
      expectError(gone, 404, 'NotFound', 'GET /rekognition/face-collection - face collection crew.2026 not found');
    });

    it('lists no Custom Labels model locally, and answers the face routes as deprecated, as the original', async () => {
      // Act
      const [models, badId, faces, face] = await Promise.all([
        api.get('rekognition/custom-label-models'),
        api.post('rekognition/face-collection', { collectionId: 'no/slashes' }),
        api.get(`rekognition/faces?${webAppQuery({ collectionId: 'crew' })}`),
        api.delete(`rekognition/face?${webAppQuery({ collectionId: 'crew', faceId: '0' })}`),
      ]);

      // Assess
      expect(models.status).toBe(200);
      expect(models.json()).toEqual([]);
      expectError(badId, 400, 'M2CException', 'POST /rekognition/face-collection - invalid collection id');
      expectError(faces, 400, 'M2CException', 'GET /rekognition/faces - Deprecated. Use /faceindexer instead.');
      expectError(face, 400, 'M2CException', 'DELETE /rekognition/face - Deprecated. Use /faceindexer instead.');
    });
  });

  describe('/faceindexer', () => {
    const COLLECTION = 'people.2026';
    const asset = '8d1c2b3a-4e5f-4a6b-9c7d-0e1f2a3b4c5d';
    const blobOf = (jpeg: Buffer) => `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    let rekognition: RekognitionClient;

    beforeAll(async () => {
      rekognition = new RekognitionClient({
        region: env.local.outputs.Local?.Region,
        endpoint: env.local.outputs.Local?.RekognitionEndpoint,
        credentials: env.local.credentials,
      });
      const created = await api.post('rekognition/face-collection', { collectionId: COLLECTION });
      if (created.status !== 200) throw new Error(`collection: ${created.status} ${created.text}`);
    });

    afterAll(() => rekognition?.destroy());

    it('indexes faces under names, lists them with their names, and renames every face of a renamed name', async () => {
      // Prepare: two faces of one person, and a face indexed by hand (its name in ExternalImageId) to import.
      const first = await api.post('faceindexer/index', {
        uuid: asset,
        timestamp: 2000,
        collectionId: COLLECTION,
        celeb: 'Ada Lovelace',
        blob: blobOf(faceSample(1)),
      });
      const second = await api.post('faceindexer/index', {
        uuid: asset,
        timestamp: 4000,
        collectionId: COLLECTION,
        celeb: 'Ada Lovelace',
        blob: blobOf(faceSample(2)),
      });
      const byHand = await rekognition.send(
        new IndexFacesCommand({
          CollectionId: COLLECTION,
          Image: { Bytes: faceSample(3) },
          ExternalImageId: 'grace_hopper',
          MaxFaces: 1,
        }),
      );
      const [firstId, secondId] = [first.json().faceId, second.json().faceId];
      const handId = byHand.FaceRecords![0]!.Face!.FaceId!;

      // Act
      const imported = await api.post('faceindexer/import', { collectionId: COLLECTION });
      const listed = await api.get(`faceindexer?${webAppQuery({ collectionId: COLLECTION, pageSize: '10' })}`);
      const batch = await api.get(`faceindexer?${webAppQuery({ faceIds: `${firstId},${handId}` })}`);
      const renamed = await api.post(`faceindexer/update?${webAppQuery({ uuid: asset })}`, [
        { action: 'tagging', faceId: firstId, celeb: 'Augusta Ada King' },
      ]);
      const one = await api.get(`faceindexer?${webAppQuery({ faceId: secondId })}`);
      const image = await s3.send(
        new HeadObjectCommand({ Bucket: env.local.outputs.Media2Cloud?.ProxyBucket, Key: first.json().key }),
      );

      // Assess
      expect(first.json()).toEqual({
        faceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        uuid: asset,
        collectionId: COLLECTION,
        externalImageId: `v4:${asset.replaceAll('-', '')}:2000`,
        celeb: 'Ada Lovelace',
        key: `autofaceindexer/${COLLECTION}/${firstId.replaceAll('-', '')}.jpg`,
        timestamp: expect.any(Number),
      });
      expect(imported.json()).toEqual({
        processed: [
          {
            faceId: handId,
            collectionId: COLLECTION,
            externalImageId: 'grace_hopper',
            celeb: 'Grace Hopper',
            timestamp: expect.any(Number),
          },
        ],
        unprocessed: [],
      });
      expect(listed.json().faces).toHaveLength(3);
      expect(listed.json().faces).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ faceId: firstId, celeb: 'Ada Lovelace' }),
          expect.objectContaining({ faceId: handId, celeb: 'Grace Hopper' }),
        ]),
      );
      expect(
        batch
          .json()
          .map((face: { celeb: string }) => face.celeb)
          .sort(),
      ).toEqual(['Ada Lovelace', 'Grace Hopper']);
      expect(
        renamed
          .json()
          .updated.map((face: { faceId: string }) => face.faceId)
          .sort(),
      ).toEqual([firstId, secondId].sort());
      expect(renamed.json().updated[0]).toMatchObject({ celeb: 'Augusta Ada King', updateFrom: 'Ada Lovelace' });
      expect(one.json()).toMatchObject({ faceId: secondId, celeb: 'Augusta Ada King' });
      expect(image.ContentType).toBe('image/jpeg');
    });

    it('deletes a face nobody named from its collection, keeps a named one, and deletes unmanaged faces', async () => {
      // Prepare: a face imported without a name (the indexer's own id format), and one the indexer never saw.
      const unnamed = await rekognition.send(
        new IndexFacesCommand({
          CollectionId: COLLECTION,
          Image: { Bytes: faceSample(4) },
          ExternalImageId: `v4:${'a'.repeat(32)}:0`,
          MaxFaces: 1,
        }),
      );
      await api.post('faceindexer/import', { collectionId: COLLECTION });
      await api.post('rekognition/face-collection', { collectionId: 'crew-unmanaged' });
      const unmanaged = await rekognition.send(
        new IndexFacesCommand({ CollectionId: 'crew-unmanaged', Image: { Bytes: faceSample(5) }, MaxFaces: 1 }),
      );
      const unnamedId = unnamed.FaceRecords![0]!.Face!.FaceId!;
      const unmanagedId = unmanaged.FaceRecords![0]!.Face!.FaceId!;
      const named = (await api.get(`faceindexer?${webAppQuery({ collectionId: COLLECTION })}`))
        .json()
        .faces.find((face: { celeb?: string }) => face.celeb === 'Grace Hopper');

      // Act
      const deleted = await api.delete(`faceindexer?${webAppQuery({ faceId: unnamedId, collectionId: COLLECTION })}`);
      const kept = await api.delete(`faceindexer?${webAppQuery({ faceId: named.faceId, collectionId: COLLECTION })}`);
      const direct = await api.delete(
        `faceindexer?${webAppQuery({ faceId: unmanagedId, collectionId: 'crew-unmanaged' })}`,
      );
      const gone = await api.get(`faceindexer?${webAppQuery({ faceId: unnamedId })}`);
      const left = await api.get(`faceindexer?${webAppQuery({ collectionId: COLLECTION })}`);

      // Assess
      expect(deleted.json().deleted).toEqual([
        expect.objectContaining({ faceId: unnamedId, collectionId: COLLECTION }),
      ]);
      expect(kept.json()).toEqual({ deleted: [] });
      expect(direct.json()).toEqual({ deleted: [{ faceId: unmanagedId }] });
      expectError(gone, 404, 'NotFound', `GET /faceindexer - face ${unnamedId} not found`);
      expect(left.json().faces.map((face: { faceId: string }) => face.faceId)).not.toContain(unnamedId);
      expect(left.json().faces.map((face: { faceId: string }) => face.faceId)).toContain(named.faceId);
    });

    it("refuses malformed requests in the original's error body, and passes Rekognition's refusals on", async () => {
      // Act
      const [noOperation, badCollection, badBlob, badCeleb, badAction, noSuchCollection, noFace, fromResults] =
        await Promise.all([
          api.get('faceindexer'),
          api.get(`faceindexer?${webAppQuery({ collectionId: 'no/slashes' })}`),
          api.post('faceindexer/index', { uuid: asset, collectionId: COLLECTION, celeb: 'X', blob: 'not an image' }),
          api.post('faceindexer/index', {
            uuid: asset,
            collectionId: COLLECTION,
            celeb: '',
            blob: blobOf(faceSample(1)),
          }),
          api.post('faceindexer/update', [{ action: 'renaming', faceId: asset, celeb: 'X' }]),
          api.post('faceindexer/index', {
            uuid: asset,
            collectionId: 'missing',
            celeb: 'X',
            blob: blobOf(faceSample(1)),
          }),
          api.post('faceindexer/index', {
            uuid: asset,
            collectionId: COLLECTION,
            celeb: 'Nobody',
            blob: `data:image/png;base64,${renderText(['no face here'], 320, 180).toString('base64')}`,
          }),
          api.post('faceindexer/index', { bucket: 'm2c-proxy', key: 'autofaceindexer/faces.json' }),
        ]);

      // Assess
      expectError(noOperation, 400, 'M2CException', 'GET /faceindexer - invalid operation');
      expectError(badCollection, 400, 'M2CException', 'GET /faceindexer - invalid collection id');
      expectError(badBlob, 400, 'M2CException', 'POST /faceindexer/index - invalid blob');
      expectError(badCeleb, 400, 'M2CException', 'POST /faceindexer/index - invalid celeb');
      expectError(badAction, 400, 'M2CException', 'POST /faceindexer/update - invalid action');
      expectError(noSuchCollection, 404, 'ResourceNotFoundException', /missing/);
      expectError(noFace, 400, 'M2CException', 'POST /faceindexer/index - no face found in the image');
      expectError(fromResults, 501, 'NotImplemented', /no auto face indexer/);
    });
  });

  describe('/attach-policy and /genai', () => {
    it('tokenizes text, and refuses IoT and Bedrock calls locally with a message saying why', async () => {
      // Prepare
      const prompt = { model: 'anthropic.claude-3-haiku', prompt: 'genre', text_inputs: 'We ride at dawn.' };

      // Act
      const [tokens, noIdentity, attach, genre] = await Promise.all([
        api.post('genai/tokenize', { text: 'Tide turns at 4pm!' }),
        api.post('attach-policy'),
        api.post(`attach-policy?${webAppQuery({ requester: 'us-east-1:11111111-2222-4333-8444-555555555555' })}`),
        api.post('genai/genre', prompt),
      ]);

      // Assess
      expect(tokens.json()).toEqual([
        { value: 'Tide', tag: 'word' },
        { value: 'turns', tag: 'word' },
        { value: 'at', tag: 'word' },
        { value: '4pm', tag: 'time' },
        { value: '!', tag: 'punctuation' },
      ]);
      expectError(noIdentity, 400, 'M2CException', 'POST /attach-policy - invalid user id');
      expectError(attach, 501, 'NotImplementedException', /no MQTT broker/);
      expectError(genre, 501, 'NotImplementedException', /no offline language model/);
    });

    it('checks prompt requests as the original does', async () => {
      // Act
      const [noModel, noText, badTask, otherModel, noTokenText] = await Promise.all([
        api.post('genai/genre', { prompt: 'p', text_inputs: 't' }),
        api.post('genai/summarize', { model: 'anthropic.claude-3-haiku', prompt: 'p' }),
        api.post('genai/poem', { model: 'anthropic.claude-3-haiku', prompt: 'p', text_inputs: 't' }),
        api.post('genai/theme', { model: 'meta.llama3', prompt: 'p', text_inputs: 't' }),
        api.post('genai/tokenize', {}),
      ]);

      // Assess
      expectError(noModel, 400, 'M2CException', 'POST /genai/genre - model name is missing');
      expectError(noText, 400, 'M2CException', 'POST /genai/summarize - text input is missing');
      expectError(badTask, 400, 'M2CException', 'POST /genai/poem - invalid prompt parameter');
      expectError(otherModel, 400, 'M2CException', 'POST /genai/theme - invalid model name');
      expectError(noTokenText, 400, 'M2CException', 'POST /genai/tokenize - invalid text');
    });
  });

  /** Polls `GET /assets/{uuid}` until the asset is no longer PROCESSING. */
  async function settled(uuid: string, timeoutMs = 90_000): Promise<Record<string, any>> {
    return assetSettled(api, uuid, timeoutMs);
  }

  /** The table the API function was configured with, as a deployed function would read it. */
  function ingestTableName(): string {
    const fn = [...env.local.functions.values()].find((each) =>
      each.spec.functionName.startsWith('Media2Cloud-ApiHandler'),
    );
    const name = fn?.spec.environment.INGEST_TABLE_NAME;
    if (!name) throw new Error('no Media2Cloud API function in local mode');
    return name;
  }
});
