import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
// The adapter modules themselves: the package index would create the handler's module-scope clients too early.
import { AssetTable } from '../../../lambdas/media-insights/tables/assets';
import { LockTable } from '../../../lambdas/media-insights/tables/locks';
import { S3MetadataObjects } from '../../../lambdas/media-insights/dataplane/adapters/s3-metadata-objects';
import { DATAPLANE_ENV, provisionDataplane, startLocalEngines, type LocalEngines } from './support';

const { DATAPLANE_BUCKET, DATAPLANE_TABLE_NAME, DATAPLANE_LOCK_TABLE_NAME } = DATAPLANE_ENV;

let engines: LocalEngines;
let documents: DynamoDBDocumentClient;
let s3: S3Client;

beforeAll(async () => {
  engines = await startLocalEngines();
  await provisionDataplane(engines);
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  s3 = new S3Client({});
});

afterAll(async () => {
  documents.destroy();
  s3.destroy();
  await engines.stop();
});

function asset(assetId: string) {
  return { assetId, mediaType: 'Video', s3Bucket: 'media', s3Key: `${assetId}.mp4`, created: '1700000000.1' };
}

describe('AssetTable', () => {
  it('lists every asset id across Scan pages', async () => {
    // Prepare
    const store = new AssetTable(documents, DATAPLANE_TABLE_NAME, { scanPageSize: 2 });
    const ids = ['scan-1', 'scan-2', 'scan-3', 'scan-4', 'scan-5'];
    for (const id of ids) await store.create(asset(id));

    // Act
    const listed = await store.listIds();

    // Assess
    expect(listed).toEqual(expect.arrayContaining(ids));
  });

  it('refuses to create an asset twice', async () => {
    // Prepare
    const store = new AssetTable(documents, DATAPLANE_TABLE_NAME);
    await store.create(asset('twice'));

    // Act
    const act = store.create(asset('twice'));

    // Assess
    await expect(act).rejects.toThrow(ConditionalCheckFailedException);
  });

  it('reads back operators as pointer lists and leaves global attributes out of them', async () => {
    // Prepare
    const store = new AssetTable(documents, DATAPLANE_TABLE_NAME);
    await store.create(asset('with-pointers'));
    await store.prependPointer('with-pointers', 'op', { workflow: 'w1', pointer: 'p1' });
    await store.prependPointer('with-pointers', 'op', { workflow: 'w2', pointer: 'p2' });

    // Act
    const record = await store.get('with-pointers');

    // Assess
    expect(record).toEqual({
      ...asset('with-pointers'),
      operators: new Map([
        [
          'op',
          [
            { workflow: 'w2', pointer: 'p2' },
            { workflow: 'w1', pointer: 'p1' },
          ],
        ],
      ]),
    });
  });

  it('adds a pointer equal to the newest one only once, and still adds an older one again', async () => {
    // Prepare
    const store = new AssetTable(documents, DATAPLANE_TABLE_NAME);
    await store.create(asset('repeated'));

    // Act
    const writes = [
      await store.prependPointer('repeated', 'op', { workflow: 'w1', pointer: 'p1' }),
      await store.prependPointer('repeated', 'op', { workflow: 'w1', pointer: 'p1' }),
      await store.prependPointer('repeated', 'op', { workflow: 'w2', pointer: 'p2' }),
      await store.prependPointer('repeated', 'op', { workflow: 'w1', pointer: 'p1' }),
    ];

    // Assess
    expect(writes).toEqual(['stored', 'stored', 'stored', 'stored']);
    expect((await store.pointers('repeated', 'op'))?.map((entry) => entry.pointer)).toEqual(['p1', 'p2', 'p1']);
  });

  it('reports a record that cannot hold another pointer as full instead of failing', async () => {
    // Prepare
    const store = new AssetTable(documents, DATAPLANE_TABLE_NAME);
    await store.create(asset('crowded'));
    const long = 'k'.repeat(1_000);
    let written: string = 'stored';

    // Act
    for (let index = 0; index < 500 && written === 'stored'; index += 1) {
      written = await store.prependPointer('crowded', 'op', { workflow: `w${index}`, pointer: `${long}${index}` });
    }

    // Assess
    expect(written).toBe('full');
    expect(await store.exists('crowded')).toBe(true);
  });

  it('does not create an item when pointing at or removing from an asset that does not exist', async () => {
    // Prepare
    const store = new AssetTable(documents, DATAPLANE_TABLE_NAME);

    // Act
    const prepended = await store.prependPointer('phantom', 'op', { workflow: 'w', pointer: 'p' });
    const removed = await store.removePointers('phantom', 'op');

    // Assess
    expect(prepended).toBe('missing');
    expect(removed).toBeUndefined();
    expect(await store.exists('phantom')).toBe(false);
  });

  it('tells an asset without the operator from a missing asset', async () => {
    // Prepare
    const store = new AssetTable(documents, DATAPLANE_TABLE_NAME);
    await store.create(asset('no-operators'));

    // Act
    const present = await store.pointers('no-operators', 'op');
    const absent = await store.pointers('no-such-asset', 'op');

    // Assess
    expect(present).toEqual([]);
    expect(absent).toBeUndefined();
  });
});

describe('LockTable', () => {
  it('lists every lock across Scan pages', async () => {
    // Prepare
    const store = new LockTable(documents, DATAPLANE_LOCK_TABLE_NAME, { scanPageSize: 1 });
    for (const [index, assetId] of ['lock-1', 'lock-2', 'lock-3'].entries()) {
      await store.acquire({ assetId, lockedBy: 'u', lockedAt: 1000 + index });
    }

    // Act
    const locks = await store.list();

    // Assess
    expect(locks).toEqual(
      expect.arrayContaining([
        { assetId: 'lock-1', lockedBy: 'u', lockedAt: 1000 },
        { assetId: 'lock-2', lockedBy: 'u', lockedAt: 1001 },
        { assetId: 'lock-3', lockedBy: 'u', lockedAt: 1002 },
      ]),
    );
  });

  it('acquires a lock once and releases it once', async () => {
    // Prepare
    const store = new LockTable(documents, DATAPLANE_LOCK_TABLE_NAME);

    // Act
    const first = await store.acquire({ assetId: 'once', lockedBy: 'a', lockedAt: 1 });
    const second = await store.acquire({ assetId: 'once', lockedBy: 'b', lockedAt: 2 });
    const released = await store.release('once');
    const releasedAgain = await store.release('once');

    // Assess
    expect([first, second, released, releasedAgain]).toEqual([true, false, true, false]);
  });
});

describe('S3MetadataObjects', () => {
  it('deletes more keys than fit in one DeleteObjects request', async () => {
    // Prepare
    const objects = new S3MetadataObjects(s3, DATAPLANE_BUCKET, { deleteBatchSize: 2 });
    const keys = ['batch/1.json', 'batch/2.json', 'batch/3.json', 'batch/4.json', 'batch/5.json'];
    for (const key of keys) await objects.write(key, '{}');

    // Act
    const deleted = await objects.delete(keys);

    // Assess
    expect(deleted.sort()).toEqual(keys);
    for (const key of keys) expect(await objects.read(key)).toBeUndefined();
  });

  it('reads an object back as text and a missing one as undefined', async () => {
    // Prepare
    const objects = new S3MetadataObjects(s3, DATAPLANE_BUCKET);
    await s3.send(new PutObjectCommand({ Bucket: DATAPLANE_BUCKET, Key: 'read/text.json', Body: '{"é":1}' }));

    // Act
    const present = await objects.read('read/text.json');
    const missing = await objects.read('read/missing.json');

    // Assess
    expect(present).toBe('{"é":1}');
    expect(missing).toBeUndefined();
  });

  it('writes an empty folder marker', async () => {
    // Prepare
    const objects = new S3MetadataObjects(s3, DATAPLANE_BUCKET);

    // Act
    await objects.writeMarker('private/assets/marker-test/');

    // Assess
    expect(await objects.read('private/assets/marker-test/')).toBe('');
  });

  it('sends nothing to S3 for an empty list of keys', async () => {
    // Prepare
    const objects = new S3MetadataObjects(new S3Client({ endpoint: 'http://127.0.0.1:9' }), DATAPLANE_BUCKET);

    // Act
    const deleted = await objects.delete([]);

    // Assess
    expect(deleted).toEqual([]);
  });
});
