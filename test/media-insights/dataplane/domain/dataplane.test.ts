import { BadRequestError, ConflictError, NotFoundError } from '../../../../lambdas/shared/http';
import { Dataplane } from '../../../../lambdas/media-insights/dataplane/domain/dataplane';
import { DATAPLANE_BUCKET, inMemoryDataplane } from '../fakes';

const NOT_PAGINATED = { paginated: false } as const;
const PAGE = { paginated: true, end: false } as const;
const LAST_PAGE = { paginated: true, end: true } as const;

async function createAsset(dataplane: Dataplane, s3Key = 'upload/movie.mp4', s3Bucket = 'media-bucket') {
  return dataplane.createAsset({ mediaType: 'Video', s3Bucket, s3Key });
}

describe('Dataplane.version', () => {
  it('reports API version 3.0.0 and the framework version it was given', () => {
    // Prepare
    const { dataplane } = inMemoryDataplane();

    // Act
    const version = dataplane.version();

    // Assess
    expect(version).toEqual({ ApiVersion: '3.0.0', FrameworkVersion: 'v5.1.8' });
  });
});

describe('Dataplane.mediaPath', () => {
  it('points at the workflow run folder of the asset in the data plane bucket', () => {
    // Prepare
    const { dataplane } = inMemoryDataplane();

    // Act
    const path = dataplane.mediaPath('testAssetId', 'testWorkflowId');

    // Assess
    expect(path).toEqual({ S3Bucket: DATAPLANE_BUCKET, S3Key: 'private/assets/testAssetId/workflows/testWorkflowId/' });
  });
});

describe('Dataplane presigned URLs', () => {
  it('signs uploads for one hour and at most 5 GiB', async () => {
    // Prepare
    const { dataplane, urls } = inMemoryDataplane();

    // Act
    await dataplane.uploadForm({ bucket: 'media-bucket', key: 'upload/movie.mp4' });

    // Assess
    expect(urls.calls).toEqual([
      {
        kind: 'post',
        ref: { bucket: 'media-bucket', key: 'upload/movie.mp4' },
        options: { expiresInSeconds: 3600, maxContentLength: 5368709120 },
      },
    ]);
  });

  it('signs downloads for one hour', async () => {
    // Prepare
    const { dataplane, urls } = inMemoryDataplane();

    // Act
    const url = await dataplane.downloadUrl({ bucket: 'media-bucket', key: 'upload/movie.mp4' });

    // Assess
    expect(url).toContain('upload/movie.mp4');
    expect(urls.calls[0]).toMatchObject({ kind: 'get', options: { expiresInSeconds: 3600 } });
  });
});

describe('Dataplane.createAsset', () => {
  it('records the asset with a Python-style Created time and returns its id and source', async () => {
    // Prepare
    const { dataplane, assets } = inMemoryDataplane({ now: 1_700_000_000_500 });

    // Act
    const created = await createAsset(dataplane);

    // Assess
    expect(created).toEqual({
      AssetId: 'asset-1',
      MediaType: 'Video',
      S3Bucket: 'media-bucket',
      S3Key: 'upload/movie.mp4',
    });
    expect(assets.records.get('asset-1')?.info).toEqual({
      assetId: 'asset-1',
      mediaType: 'Video',
      s3Bucket: 'media-bucket',
      s3Key: 'upload/movie.mp4',
      created: '1700000000.5',
    });
  });

  it('writes only an empty folder marker: the media is not copied', async () => {
    // Prepare
    const { dataplane, objects } = inMemoryDataplane();

    // Act
    await createAsset(dataplane);

    // Assess
    expect([...objects.objects]).toEqual([['private/assets/asset-1/', '']]);
  });

  it('takes the marker back when the record cannot be written', async () => {
    // Prepare
    const { dataplane, assets, objects } = inMemoryDataplane();
    assets.create = async () => {
      throw new Error('table unavailable');
    };

    // Act
    const act = createAsset(dataplane);

    // Assess
    await expect(act).rejects.toThrow('table unavailable');
    expect(objects.objects.size).toBe(0);
  });
});

describe('Dataplane.listAssets', () => {
  it('lists every asset id', async () => {
    // Prepare
    const { dataplane } = inMemoryDataplane();
    await createAsset(dataplane);
    await createAsset(dataplane);

    // Act
    const listing = await dataplane.listAssets();

    // Assess
    expect(listing).toEqual({ assets: ['asset-1', 'asset-2'] });
  });
});

describe('Dataplane.storeMetadata', () => {
  it('writes the results to {operator}.json and answers with the bucket and key', async () => {
    // Prepare
    const { dataplane, objects } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    const results = { Labels: [{ Name: 'Cat', Confidence: 99.25 }] };

    // Act
    const stored = await dataplane.storeMetadata(
      AssetId,
      { operatorName: 'labelDetection', workflowId: 'wf-1', results },
      NOT_PAGINATED,
    );

    // Assess
    const key = 'private/assets/asset-1/workflows/wf-1/labelDetection.json';
    expect(stored).toEqual({ Status: 'Success', Bucket: DATAPLANE_BUCKET, Key: key });
    expect(JSON.parse(objects.objects.get(key)!)).toEqual(results);
  });

  it('keeps every run of an operator, newest pointer first', async () => {
    // Prepare
    const { dataplane, assets } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);

    // Act
    for (const workflowId of ['wf-1', 'wf-2']) {
      await dataplane.storeMetadata(
        AssetId,
        { operatorName: 'op', workflowId, results: { workflowId } },
        NOT_PAGINATED,
      );
    }

    // Assess
    expect(await assets.pointers(AssetId, 'op')).toEqual([
      { workflow: 'wf-2', pointer: 'private/assets/asset-1/workflows/wf-2/op.json' },
      { workflow: 'wf-1', pointer: 'private/assets/asset-1/workflows/wf-1/op.json' },
    ]);
  });

  it('refuses an unknown asset with a 404 and writes nothing', async () => {
    // Prepare
    const { dataplane, objects } = inMemoryDataplane();

    // Act
    const act = dataplane.storeMetadata(
      'missing',
      { operatorName: 'op', workflowId: 'wf', results: {} },
      NOT_PAGINATED,
    );

    // Assess
    await expect(act).rejects.toThrow(NotFoundError);
    await expect(act).rejects.toThrow('Exception occurred while verifying asset exists: missing does not exist');
    expect(objects.objects.size).toBe(0);
  });

  it('records no pointer when the results could not be written', async () => {
    // Prepare
    const { dataplane, assets, objects } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    objects.write = async () => {
      throw new Error('bucket unavailable');
    };

    // Act
    const act = dataplane.storeMetadata(AssetId, { operatorName: 'op', workflowId: 'wf', results: {} }, NOT_PAGINATED);

    // Assess
    await expect(act).rejects.toThrow('bucket unavailable');
    expect(await assets.pointers(AssetId, 'op')).toEqual([]);
  });

  it('collects pages into one list and publishes the pointer only with the last page', async () => {
    // Prepare
    const { dataplane, assets, objects } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    const input = (n: number) => ({ operatorName: 'faces', workflowId: 'wf', results: { n } });

    // Act
    const first = await dataplane.storeMetadata(AssetId, input(0), PAGE);
    const second = await dataplane.storeMetadata(AssetId, input(1), PAGE);
    const pointersBeforeEnd = await assets.pointers(AssetId, 'faces');
    const last = await dataplane.storeMetadata(AssetId, input(2), LAST_PAGE);

    // Assess
    const key = 'private/assets/asset-1/workflows/wf/faces.json';
    expect(first).toEqual({ Status: 'Success' });
    expect(second).toEqual({ Status: 'Success' });
    expect(pointersBeforeEnd).toEqual([]);
    expect(last).toEqual({ Status: 'Success', Bucket: DATAPLANE_BUCKET, Key: key });
    expect(JSON.parse(objects.objects.get(key)!)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(await assets.pointers(AssetId, 'faces')).toEqual([{ workflow: 'wf', pointer: key }]);
  });

  it('refuses a page for a key that holds results that are not paginated', async () => {
    // Prepare
    const { dataplane } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    const input = { operatorName: 'op', workflowId: 'wf', results: { whole: true } };
    await dataplane.storeMetadata(AssetId, input, NOT_PAGINATED);

    // Act
    const act = dataplane.storeMetadata(AssetId, input, PAGE);

    // Assess
    await expect(act).rejects.toThrow(ConflictError);
  });

  it('takes the results back and answers 404 when the asset is deleted before its pointer is written', async () => {
    // Prepare
    const { dataplane, assets, objects } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    assets.prependPointer = async () => 'missing';

    // Act
    const act = dataplane.storeMetadata(AssetId, { operatorName: 'op', workflowId: 'wf', results: {} }, NOT_PAGINATED);

    // Assess
    await expect(act).rejects.toThrow(NotFoundError);
    expect(objects.objects.has('private/assets/asset-1/workflows/wf/op.json')).toBe(false);
  });

  it('answers a 400 naming the asset when its record cannot hold another pointer', async () => {
    // Prepare
    const { dataplane, assets } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    assets.prependPointer = async () => 'full';

    // Act
    const act = dataplane.storeMetadata(AssetId, { operatorName: 'op', workflowId: 'wf', results: {} }, NOT_PAGINATED);

    // Assess
    await expect(act).rejects.toThrow(BadRequestError);
    await expect(act).rejects.toThrow(`Asset ${AssetId} holds as many metadata pointers as one record can`);
  });
});

describe('Dataplane metadata reads', () => {
  async function assetWithMetadata() {
    const setup = inMemoryDataplane();
    const { AssetId } = await createAsset(setup.dataplane);
    const store = (
      operatorName: string,
      results: Record<string, unknown>,
      mode: typeof NOT_PAGINATED | typeof PAGE | typeof LAST_PAGE,
    ) => setup.dataplane.storeMetadata(AssetId, { operatorName, workflowId: 'wf', results }, mode);
    await store('Mediainfo', { duration: 12.5 }, NOT_PAGINATED);
    await store('Labels', { page: 0 }, PAGE);
    await store('Labels', { page: 1 }, LAST_PAGE);
    return { ...setup, assetId: AssetId };
  }

  it('walks global info, then every operator and every page, until the cursor disappears', async () => {
    // Prepare
    const { dataplane, assetId } = await assetWithMetadata();

    // Act
    const pages = [];
    let page = await dataplane.assetMetadata(assetId, undefined);
    pages.push(page);
    while (page.cursor !== undefined) {
      page = await dataplane.assetMetadata(assetId, page.cursor);
      pages.push(page);
    }

    // Assess
    expect(pages.map(({ operator, results }) => ({ operator, results }))).toEqual([
      {
        operator: undefined,
        results: { MediaType: 'Video', S3Key: 'upload/movie.mp4', S3Bucket: 'media-bucket', Created: '1700000000.123' },
      },
      { operator: 'Labels', results: { page: 0 } },
      { operator: 'Labels', results: { page: 1 } },
      { operator: 'Mediainfo', results: { duration: 12.5 } },
    ]);
  });

  it('serves one operator page by page', async () => {
    // Prepare
    const { dataplane, assetId } = await assetWithMetadata();

    // Act
    const first = await dataplane.operatorMetadata(assetId, 'Labels', undefined);
    const second = await dataplane.operatorMetadata(assetId, 'Labels', first.cursor);

    // Assess
    expect(first).toMatchObject({ asset_id: assetId, operator: 'Labels', results: { page: 0 } });
    expect(second).toEqual({ asset_id: assetId, operator: 'Labels', results: { page: 1 } });
  });

  it('serves the newest run of an operator', async () => {
    // Prepare
    const { dataplane, assetId } = await assetWithMetadata();
    await dataplane.storeMetadata(
      assetId,
      { operatorName: 'Mediainfo', workflowId: 'wf-2', results: { duration: 3 } },
      NOT_PAGINATED,
    );

    // Act
    const page = await dataplane.operatorMetadata(assetId, 'Mediainfo', undefined);

    // Assess
    expect(page.results).toEqual({ duration: 3 });
  });

  it('answers 404 for an operator without metadata and for an unknown asset', async () => {
    // Prepare
    const { dataplane, assetId } = await assetWithMetadata();

    // Act
    const unknownOperator = dataplane.operatorMetadata(assetId, 'Transcribe', undefined);
    const unknownAsset = dataplane.assetMetadata('missing', undefined);

    // Assess
    await expect(unknownOperator).rejects.toThrow(NotFoundError);
    await expect(unknownOperator).rejects.toThrow('Unable to retrieve metadata, pointer does not exist for Transcribe');
    await expect(unknownAsset).rejects.toThrow(NotFoundError);
  });

  it('answers 404 for a cursor whose results were deleted since', async () => {
    // Prepare
    const { dataplane, assetId } = await assetWithMetadata();
    const first = await dataplane.operatorMetadata(assetId, 'Labels', undefined);
    await dataplane.deleteOperatorMetadata(assetId, 'Labels');

    // Act
    const act = dataplane.operatorMetadata(assetId, 'Labels', first.cursor);

    // Assess
    await expect(act).rejects.toThrow(NotFoundError);
  });
});

describe('Dataplane.deleteOperatorMetadata', () => {
  it("drops the operator's pointers and every run's results, and lists what was deleted", async () => {
    // Prepare
    const { dataplane, assets, objects } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    for (const workflowId of ['wf-1', 'wf-2']) {
      await dataplane.storeMetadata(AssetId, { operatorName: 'op', workflowId, results: {} }, NOT_PAGINATED);
    }

    // Act
    const deleted = await dataplane.deleteOperatorMetadata(AssetId, 'op');

    // Assess
    expect(deleted).toEqual({
      Deleted: [
        { Key: 'private/assets/asset-1/workflows/wf-2/op.json' },
        { Key: 'private/assets/asset-1/workflows/wf-1/op.json' },
      ],
    });
    expect(await assets.pointers(AssetId, 'op')).toEqual([]);
    expect([...objects.objects.keys()]).toEqual(['private/assets/asset-1/']);
  });

  it("answers 404 with the original's message when the operator has no metadata", async () => {
    // Prepare
    const { dataplane } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);

    // Act
    const act = dataplane.deleteOperatorMetadata(AssetId, 'op');

    // Assess
    await expect(act).rejects.toThrow('Unable to delete metadata, pointer does not exist for op');
  });

  it('answers 404 for an unknown asset without creating it', async () => {
    // Prepare
    const { dataplane, assets } = inMemoryDataplane();

    // Act
    const act = dataplane.deleteOperatorMetadata('missing', 'op');

    // Assess
    await expect(act).rejects.toThrow(NotFoundError);
    expect(assets.records.size).toBe(0);
  });
});

describe('Dataplane.deleteAsset', () => {
  it('deletes the record, its lock, its metadata objects and its marker', async () => {
    // Prepare
    const { dataplane, assets, locks, objects } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    await dataplane.storeMetadata(AssetId, { operatorName: 'op', workflowId: 'wf', results: {} }, NOT_PAGINATED);
    await dataplane.checkout(AssetId, 'user');

    // Act
    const message = await dataplane.deleteAsset(AssetId);

    // Assess
    expect(message).toBe('Deleted asset: asset-1 from the dataplane');
    expect(assets.records.size).toBe(0);
    expect(locks.locks.size).toBe(0);
    expect(objects.objects.size).toBe(0);
  });

  it('never deletes the source media, even when it lies in the data plane bucket', async () => {
    // Prepare
    const { dataplane, objects } = inMemoryDataplane();
    objects.objects.set('upload/movie.mp4', 'media');
    const { AssetId } = await createAsset(dataplane, 'upload/movie.mp4', DATAPLANE_BUCKET);

    // Act
    await dataplane.deleteAsset(AssetId);

    // Assess
    expect([...objects.objects.keys()]).toEqual(['upload/movie.mp4']);
  });

  it('answers 404 for an unknown asset', async () => {
    // Prepare
    const { dataplane } = inMemoryDataplane();

    // Act
    const act = dataplane.deleteAsset('missing');

    // Assess
    await expect(act).rejects.toThrow(NotFoundError);
  });

  it('deletes nothing outside the asset when a pointer strays from its metadata', async () => {
    // Prepare
    const { dataplane, assets, objects } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    const foreignKey = 'private/assets/other/workflows/wf/op.json';
    objects.objects.set(foreignKey, '{}');
    await assets.prependPointer(AssetId, 'op', { workflow: 'wf', pointer: foreignKey });

    // Act
    await dataplane.deleteAsset(AssetId);

    // Assess
    expect(assets.records.has(AssetId)).toBe(false);
    expect([...objects.objects.keys()]).toEqual([foreignKey]);
  });
});

describe('Dataplane locks', () => {
  it('checks an asset out to a user at the current whole second', async () => {
    // Prepare
    const { dataplane } = inMemoryDataplane({ now: 1_641_411_425_999 });
    const { AssetId } = await createAsset(dataplane);

    // Act
    const lock = await dataplane.checkout(AssetId, 'user1@example.com');

    // Assess
    expect(lock).toEqual({ AssetId, LockedBy: 'user1@example.com', LockedAt: 1641411425 });
  });

  it('refuses a second checkout with 409 and keeps the first lock', async () => {
    // Prepare
    const { dataplane, locks } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    await dataplane.checkout(AssetId, 'first');

    // Act
    const act = dataplane.checkout(AssetId, 'second');

    // Assess
    await expect(act).rejects.toThrow(ConflictError);
    expect(locks.locks.get(AssetId)?.lockedBy).toBe('first');
  });

  it('checks an asset back in, after which a checkin is a 409', async () => {
    // Prepare
    const { dataplane } = inMemoryDataplane();
    const { AssetId } = await createAsset(dataplane);
    await dataplane.checkout(AssetId, 'user');

    // Act
    const message = await dataplane.checkin(AssetId);
    const again = dataplane.checkin(AssetId);

    // Assess
    expect(message).toBe(`Unlocked asset ${AssetId}`);
    await expect(again).rejects.toThrow(ConflictError);
  });

  it('refuses to lock or unlock an unknown asset with 404', async () => {
    // Prepare
    const { dataplane, locks } = inMemoryDataplane();

    // Act
    const checkout = dataplane.checkout('missing', 'user');
    const checkin = dataplane.checkin('missing');

    // Assess
    await expect(checkout).rejects.toThrow(NotFoundError);
    await expect(checkin).rejects.toThrow(NotFoundError);
    expect(locks.locks.size).toBe(0);
  });

  it('lists locks oldest first with LockedAt as a string, as the original does', async () => {
    // Prepare
    const { dataplane, clock } = inMemoryDataplane({ now: 2_000_000 });
    const first = await createAsset(dataplane);
    const second = await createAsset(dataplane);
    await dataplane.checkout(second.AssetId, 'late');
    clock.now = 1_000_000;
    await dataplane.checkout(first.AssetId, 'early');

    // Act
    const listing = await dataplane.checkouts();

    // Assess
    expect(listing).toEqual({
      locks: [
        { AssetId: first.AssetId, LockedBy: 'early', LockedAt: '1000' },
        { AssetId: second.AssetId, LockedBy: 'late', LockedAt: '2000' },
      ],
    });
  });
});
