import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'node-sqlite3-wasm';
import { NotFoundError } from '../../../lambdas/shared/http/errors';
import type { SearchDocument } from '../../../lambdas/media2cloud/search/document';
import { LocalSearchIndex } from '../../../lambdas/media2cloud/search/local/local-search-index';
import { encodeSearchQuery, parseSearchRequest } from '../../../lambdas/media2cloud/search/request';
import {
  bulkIndexSynthetic,
  SYNTHETIC_QUERIES,
  syntheticDocument,
} from '../../../lambdas/media2cloud/search/synthetic';
import { expectBadRequest } from './helpers';

const CLIP = 'aaaaaaaa-0000-4000-8000-000000000001';
const PHOTO = 'aaaaaaaa-0000-4000-8000-000000000002';

const clip: SearchDocument = {
  uuid: CLIP,
  type: 'video',
  basename: 'launch.mp4',
  subtitle: [{ name: 'We launch today', timecodes: [{ begin: 0, end: 1500 }] }],
};

function search(index: LocalSearchIndex, text: string, params: Record<string, string> = {}) {
  return index.search(parseSearchRequest({ query: { query: encodeSearchQuery(text), ...params } }));
}

const ids = (response: { hits: Array<{ id: string }> }) => response.hits.map((hit) => hit.id);

describe('LocalSearchIndex', () => {
  let directory: string;
  let index: LocalSearchIndex;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mediaplane-search-'));
    index = LocalSearchIndex.open(':memory:');
  });

  afterEach(() => {
    index.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps documents in its file across close and reopen, creating the directory', () => {
    // Prepare
    const path = join(directory, 'nested', 'search.sqlite');
    const first = LocalSearchIndex.open(path);
    first.index(clip);
    first.close();

    // Act
    const reopened = LocalSearchIndex.open(path);
    const response = search(reopened, 'launch');
    reopened.close();

    // Assess
    expect(ids(response)).toEqual([CLIP]);
  });

  it('rebuilds its full-text table from the stored documents when the layout changed', () => {
    // Prepare
    const path = join(directory, 'search.sqlite');
    const first = LocalSearchIndex.open(path);
    first.index(clip);
    first.close();
    const raw = new Database(path);
    raw.exec(`DROP TABLE asset_text; UPDATE meta SET value = 'an older layout' WHERE name = 'layout';`);
    raw.close();

    // Act
    const reopened = LocalSearchIndex.open(path);
    const response = search(reopened, 'launch');
    reopened.close();

    // Assess
    expect(ids(response)).toEqual([CLIP]);
  });

  it('replaces the whole document when an asset is indexed again', () => {
    // Prepare
    index.index(clip);

    // Act
    index.index({ ...clip, subtitle: [{ name: 'A new caption', timecodes: [{ begin: 0, end: 1000 }] }] });

    // Assess
    expect(search(index, 'today').totalHits).toBe(0);
    expect(ids(search(index, 'caption'))).toEqual([CLIP]);
    expect(index.count()).toBe(1);
  });

  it('merges an update into the document, so a later analysis field becomes searchable', () => {
    // Prepare
    index.index(clip);

    // Act
    index.update(CLIP, { celeb: [{ name: 'Andy Jassy', timecodes: [{ begin: 10, end: 20 }] }], basename: undefined });

    // Assess
    expect(search(index, 'jassy').hits[0].fields).toEqual({
      celeb: {
        highlights: ['Andy <em>Jassy</em>'],
        hits: [{ name: 'Andy Jassy', timecodes: [{ begin: 10, end: 20 }] }],
      },
    });
    expect(index.get(CLIP)?.basename).toBe('launch.mp4');
  });

  it('stores status changes on the document', () => {
    // Prepare
    index.index(clip);

    // Act
    index.updateStatus(CLIP, { overallStatus: 'COMPLETED', status: 'ANALYSIS_COMPLETED' });

    // Assess
    expect(index.get(CLIP)).toMatchObject({ overallStatus: 'COMPLETED', status: 'ANALYSIS_COMPLETED' });
  });

  it('refuses to update an asset it does not hold', () => {
    // Prepare, Act, Assess
    expect(() => index.update(CLIP, { basename: 'x' })).toThrow(NotFoundError);
  });

  it('drops the analysis fields and keeps the extracted metadata', () => {
    // Prepare
    index.index({ ...clip, label: [{ name: 'Rocket' }] });

    // Act
    index.dropAnalysisFields(CLIP);

    // Assess
    expect(search(index, 'rocket').totalHits).toBe(0);
    expect(search(index, 'launch').totalHits).toBe(1);
    expect(index.get(CLIP)).not.toHaveProperty('label');
  });

  it('removes an asset, and says so only once', () => {
    // Prepare
    index.indexAll([clip, { uuid: PHOTO, type: 'image', basename: 'launch.jpg' }]);

    // Act
    const removed = index.remove(CLIP);
    const removedAgain = index.remove(CLIP);

    // Assess
    expect([removed, removedAgain]).toEqual([true, false]);
    expect(ids(search(index, 'launch'))).toEqual([PHOTO]);
    expect(index.get(CLIP)).toBeUndefined();
  });

  it.each([
    ['a document without uuid', { type: 'video' }, 'search document has no uuid'],
    ['a document of an unknown type', { uuid: CLIP, type: 'film' }, `search document ${CLIP} has no valid type`],
    [
      'an entry field that is not a list',
      { uuid: CLIP, type: 'video', subtitle: 'text' },
      `search document ${CLIP}: subtitle must be a list of entries`,
    ],
  ])('rejects %s', (_behaviour, document, message) => {
    // Prepare, Act, Assess
    expectBadRequest(() => index.index(document as unknown as SearchDocument), message);
  });

  it('caps highlights at five per field but lists every matching entry with its timecodes', () => {
    // Prepare
    const cues = Array.from({ length: 7 }, (_, n) => ({
      name: `Goal number ${n + 1}`,
      timecodes: [{ begin: n * 1000, end: n * 1000 + 500 }],
    }));
    index.index({ uuid: CLIP, type: 'video', subtitle: cues });

    // Act
    const field = search(index, 'goal').hits[0].fields.subtitle;

    // Assess
    expect(field.highlights).toEqual([1, 2, 3, 4, 5].map((n) => `<em>Goal</em> number ${n}`));
    expect(field.hits).toEqual(cues);
  });

  it('highlights optional clauses and both sides of OR, but never a prohibited word', () => {
    // Prepare
    index.index({ uuid: CLIP, type: 'video', subtitle: [{ name: 'rocket launch from the pad' }] });

    // Act
    const response = search(index, 'rocket AND launch OR pad NOT moon');

    // Assess
    expect(response.hits[0].fields.subtitle.highlights).toEqual([
      '<em>rocket</em> <em>launch</em> from the <em>pad</em>',
    ]);
  });

  it('matches documents outside a negated group when OR-ed with a negation', () => {
    // Prepare
    index.indexAll([
      clip,
      { uuid: PHOTO, type: 'image', basename: 'moon.jpg' },
      { uuid: 'aaaaaaaa-0000-4000-8000-000000000003', type: 'audio', basename: 'moon_launch.mp3' },
    ]);

    // Act
    const response = search(index, 'launch OR (NOT moon)');

    // Assess
    expect(response.totalHits).toBe(2);
    expect(ids(response).sort()).toEqual([CLIP, 'aaaaaaaa-0000-4000-8000-000000000003']);
  });

  it('reports how long the search took in whole milliseconds', () => {
    // Prepare
    index.index(clip);

    // Act
    const { elapsed } = search(index, 'launch');

    // Assess
    expect(Number.isInteger(elapsed)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(0);
  });

  it('ranks equal scores most recently added first, and keeps that place when an asset is re-indexed', () => {
    // Prepare
    index.indexAll([
      { uuid: CLIP, type: 'video', basename: 'same.mp4' },
      { uuid: PHOTO, type: 'video', basename: 'same.mp4' },
    ]);
    index.index({ uuid: CLIP, type: 'video', basename: 'same.mp4' });

    // Act
    const response = search(index, 'same');

    // Assess
    expect(ids(response)).toEqual([PHOTO, CLIP]);
  });
});

describe('synthetic documents', () => {
  it('are the same for the same position and seed', () => {
    // Prepare, Act
    const first = syntheticDocument(42, 7);
    const again = syntheticDocument(42, 7);

    // Assess
    expect(again).toEqual(first);
    expect(syntheticDocument(43, 7)).not.toEqual(first);
  });

  it('bulk index into a searchable corpus where every benchmark query finds something', () => {
    // Prepare
    const index = LocalSearchIndex.open(':memory:');

    // Act
    const written = bulkIndexSynthetic(index, 200);
    const totals = SYNTHETIC_QUERIES.map((query) => search(index, query).totalHits);
    const count = index.count();
    index.close();

    // Assess
    expect([written, count]).toEqual([200, 200]);
    for (const total of totals) expect(total).toBeGreaterThan(0);
  });
});
