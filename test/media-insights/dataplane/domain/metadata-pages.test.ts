import { BadRequestError } from '../../../../lambdas/shared/http';
import { decodeAssetCursor, decodeOperatorCursor } from '../../../../lambdas/media-insights/dataplane/domain/cursor';
import { ChaliceViewError } from '../../../../lambdas/media-insights/dataplane/domain/errors';
import {
  firstAssetPage,
  nextAssetPage,
  operatorPage,
} from '../../../../lambdas/media-insights/dataplane/domain/metadata-pages';
import type { Asset } from '../../../../lambdas/media-insights/dataplane/domain/ports';

const ALPHA = 'private/assets/a1/workflows/w1/Alpha.json';
const BETA = 'private/assets/a1/workflows/w2/Beta.json';

function asset(operators: [string, { workflow: string; pointer: string }[]][]): Asset {
  return {
    assetId: 'a1',
    mediaType: 'Video',
    s3Bucket: 'media-bucket',
    s3Key: 'upload/movie.mp4',
    created: '1700000000.123',
    operators: new Map(operators),
  };
}

describe('firstAssetPage', () => {
  it('returns the global info without AssetId and no cursor for an asset without metadata', () => {
    // Prepare
    const record = asset([]);

    // Act
    const page = firstAssetPage(record);

    // Assess
    expect(page).toEqual({
      asset_id: 'a1',
      results: { MediaType: 'Video', S3Key: 'upload/movie.mp4', S3Bucket: 'media-bucket', Created: '1700000000.123' },
    });
    expect(Object.keys(page)).toEqual(['asset_id', 'results']);
  });

  it("returns a cursor that starts at the first operator by name, on each operator's newest pointer", () => {
    // Prepare
    const record = asset([
      ['Beta', [{ workflow: 'w2', pointer: BETA }]],
      [
        'Alpha',
        [
          { workflow: 'w1', pointer: ALPHA },
          { workflow: 'w0', pointer: 'private/assets/a1/workflows/w0/Alpha.json' },
        ],
      ],
    ]);

    // Act
    const page = firstAssetPage(record);

    // Assess
    expect(Object.keys(page)).toEqual(['asset_id', 'cursor', 'results']);
    expect(decodeAssetCursor(page.cursor!, 'a1')).toEqual({
      next: { operatorName: 'Alpha', pointer: ALPHA, page: 0 },
      remaining: [
        { operatorName: 'Alpha', pointer: ALPHA, page: 0 },
        { operatorName: 'Beta', pointer: BETA },
      ],
    });
  });
});

describe('nextAssetPage', () => {
  it('serves a whole result and moves the cursor to the next operator', () => {
    // Prepare
    const cursor = decodeAssetCursor(
      firstAssetPage(
        asset([
          ['Alpha', [{ workflow: 'w1', pointer: ALPHA }]],
          ['Beta', [{ workflow: 'w2', pointer: BETA }]],
        ]),
      ).cursor!,
      'a1',
    );

    // Act
    const page = nextAssetPage('a1', cursor, { Labels: ['cat'] });

    // Assess
    expect(Object.keys(page)).toEqual(['asset_id', 'operator', 'cursor', 'results']);
    expect(page).toMatchObject({ asset_id: 'a1', operator: 'Alpha', results: { Labels: ['cat'] } });
    expect(decodeAssetCursor(page.cursor!, 'a1').next).toEqual({ operatorName: 'Beta', pointer: BETA, page: 0 });
  });

  it('serves a paginated result one page at a time, keeping the operator current until its last page', () => {
    // Prepare
    const first = decodeAssetCursor(
      firstAssetPage(asset([['Beta', [{ workflow: 'w2', pointer: BETA }]]])).cursor!,
      'a1',
    );
    const stored = [{ page: 'one' }, { page: 'two' }];

    // Act
    const pageOne = nextAssetPage('a1', first, stored);
    const pageTwo = nextAssetPage('a1', decodeAssetCursor(pageOne.cursor!, 'a1'), stored);

    // Assess
    expect(pageOne).toMatchObject({ operator: 'Beta', results: { page: 'one' } });
    expect(decodeAssetCursor(pageOne.cursor!, 'a1').next.page).toBe(1);
    expect(pageTwo).toEqual({ asset_id: 'a1', operator: 'Beta', results: { page: 'two' } });
  });

  it('leaves the cursor out after the last operator', () => {
    // Prepare
    const cursor = decodeAssetCursor(
      firstAssetPage(asset([['Alpha', [{ workflow: 'w1', pointer: ALPHA }]]])).cursor!,
      'a1',
    );

    // Act
    const page = nextAssetPage('a1', cursor, { done: true });

    // Assess
    expect(page).toEqual({ asset_id: 'a1', operator: 'Alpha', results: { done: true } });
  });

  it('rejects a cursor naming a page the stored list does not have', () => {
    // Prepare
    const cursor = {
      next: { operatorName: 'Beta', pointer: BETA, page: 5 },
      remaining: [{ operatorName: 'Beta', pointer: BETA, page: 0 }],
    };

    // Act
    const act = () => nextAssetPage('a1', cursor, [{ only: 'page' }]);

    // Assess
    expect(act).toThrow(BadRequestError);
  });
});

describe('operatorPage', () => {
  it('returns a whole result without a cursor', () => {
    // Prepare
    const stored = { Labels: [] };

    // Act
    const page = operatorPage('a1', 'Alpha', ALPHA, 0, stored, false);

    // Assess
    expect(page).toEqual({ asset_id: 'a1', operator: 'Alpha', results: stored });
  });

  it('returns the first page of a paginated result with a cursor to the second', () => {
    // Prepare
    const stored = [{ n: 0 }, { n: 1 }, { n: 2 }];

    // Act
    const page = operatorPage('a1', 'Beta', BETA, 0, stored, false);

    // Assess
    expect(Object.keys(page)).toEqual(['asset_id', 'operator', 'cursor', 'results']);
    expect(page.results).toEqual({ n: 0 });
    expect(decodeOperatorCursor(page.cursor!, 'a1', 'Beta')).toEqual({ operatorName: 'Beta', pointer: BETA, page: 1 });
  });

  it('returns the last page without a cursor', () => {
    // Prepare
    const stored = [{ n: 0 }, { n: 1 }];

    // Act
    const page = operatorPage('a1', 'Beta', BETA, 1, stored, true);

    // Assess
    expect(page).toEqual({ asset_id: 'a1', operator: 'Beta', results: { n: 1 } });
  });

  it('rejects a cursor page of a result that is not paginated', () => {
    // Prepare
    const stored = { whole: true };

    // Act
    const act = () => operatorPage('a1', 'Alpha', ALPHA, 1, stored, true);

    // Assess
    expect(act).toThrow(BadRequestError);
  });

  it('rejects a cursor page beyond the last', () => {
    // Prepare
    const stored = [{ n: 0 }];

    // Act
    const act = () => operatorPage('a1', 'Beta', BETA, 3, stored, true);

    // Assess
    expect(act).toThrow(BadRequestError);
  });

  it("reports an empty stored list as our failure, not the caller's", () => {
    // Prepare
    const stored: unknown[] = [];

    // Act
    const act = () => operatorPage('a1', 'Beta', BETA, 0, stored, false);

    // Assess
    expect(act).toThrow(ChaliceViewError);
  });
});
