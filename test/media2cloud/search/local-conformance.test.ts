import { LocalSearchIndex } from '../../../lambdas/media2cloud/search/local/local-search-index';
import { encodeSearchQuery, parseSearchRequest } from '../../../lambdas/media2cloud/search/request';
import { CONFORMANCE_CASES, CORPUS, expectConformance, type ConformanceCase } from './conformance-cases';

describe('search conformance: local FTS5 engine', () => {
  let index: LocalSearchIndex;

  beforeAll(() => {
    index = LocalSearchIndex.open(':memory:');
    index.indexAll(CORPUS);
  });

  afterAll(() => index.close());

  function run(testCase: ConformanceCase) {
    return index.search(
      parseSearchRequest({
        query: { query: encodeSearchQuery(testCase.query), ...testCase.params },
        uuid: testCase.uuid,
      }),
    );
  }

  it.each(CONFORMANCE_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    // Prepare
    const { expected } = testCase;

    // Act
    const response = run(testCase);

    // Assess
    expectConformance(response, expected);
  });

  it('reports each hit with its asset type and a positive score, best first', () => {
    // Prepare
    const testCase: ConformanceCase = { name: 'river', query: 'river', expected: { totalHits: 2 } };

    // Act
    const response = run(testCase);

    // Assess
    expect(response.hits.map((hit) => [hit.id, hit.type])).toEqual([
      [CORPUS[4].uuid, 'video'],
      [CORPUS[7].uuid, 'document'],
    ]);
    expect(response.hits[0].score).toBeGreaterThan(response.hits[1].score);
    expect(response.hits[1].score).toBeGreaterThan(0);
  });

  it('walks every match exactly once when following nextToken', () => {
    // Prepare
    const seen: string[] = [];
    let token = 0;
    let pages = 0;

    // Act
    for (;;) {
      const response = run({
        name: 'page',
        query: 'cloud',
        params: { pageSize: '1', token: String(token) },
        expected: { totalHits: 3 },
      });
      seen.push(...response.hits.map((hit) => hit.id));
      pages += 1;
      if (response.nextToken === response.totalHits) break;
      token = response.nextToken;
    }

    // Assess
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual([CORPUS[0].uuid, CORPUS[3].uuid, CORPUS[4].uuid].sort());
  });
});
