import type { SearchPort } from '../../../lambdas/media2cloud/api/domain/ports';
import { encodeSearchQuery, type SearchResponse } from '../../../lambdas/media2cloud/search';
import { LocalSearchIndex } from '../../../lambdas/media2cloud/search/local/local-search-index';
import { captureLogs } from '../../support/logs';
import { RecordingSearch, expectError, stubbedApi } from './support';

const CLIP = 'aaaaaaaa-0000-4000-8000-000000000001';

function searchApi(search: SearchPort) {
  const api = stubbedApi({ search });
  return (resource: string, query: Record<string, string>, pathParameters?: Record<string, string>) =>
    api({ resource, query, pathParameters });
}

const ANSWER: SearchResponse = {
  term: '"Andy Jassy"',
  totalHits: 3,
  nextToken: 1,
  elapsed: 49,
  hits: [
    {
      id: CLIP,
      score: 7.0853496,
      type: 'video',
      fields: {
        text: {
          highlights: ['Executive Producer <em>Andy</em> <em>Jassy</em>'],
          hits: [{ name: 'Executive Producer Andy Jassy', timecodes: [{ begin: 834001, end: 834901 }] }],
        },
      },
    },
  ],
};

describe('GET /search', () => {
  it('hands the decoded request to the search port and answers what it found', async () => {
    // Prepare
    const search = new RecordingSearch();
    search.response = ANSWER;
    const api = searchApi(search);

    // Act
    const response = await api('/search', {
      query: encodeSearchQuery('"Andy Jassy"'),
      pageSize: '1',
      document: 'false',
    });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual(ANSWER);
    expect(search.searches).toEqual([
      expect.objectContaining({ term: '"Andy Jassy"', from: 0, size: 1, types: ['audio', 'video', 'image'] }),
    ]);
    expect(search.searches[0]).not.toHaveProperty('uuid');
  });

  it('restricts GET /search/{uuid} to that asset', async () => {
    // Prepare
    const search = new RecordingSearch();
    const api = searchApi(search);

    // Act
    const response = await api('/search/{uuid}', { query: encodeSearchQuery('andy'), token: '30' }, { uuid: CLIP });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(search.searches).toEqual([expect.objectContaining({ uuid: CLIP, from: 30, size: 30 })]);
  });

  it.each([
    ['/search', {}, undefined, 'GET /search - invalid query'],
    ['/search', { query: encodeSearchQuery('x'), token: 'ten' }, undefined, 'GET /search - invalid token'],
    ['/search', { query: encodeSearchQuery('x'), pageSize: '0' }, undefined, 'GET /search - invalid pageSize'],
    ['/search/{uuid}', { query: encodeSearchQuery('x') }, { uuid: 'not-an-id' }, 'GET /search/not-an-id - invalid id'],
  ])('refuses a bad request to %s with 400', async (resource, query, pathParameters, message) => {
    // Prepare
    const search = new RecordingSearch();
    const api = searchApi(search);

    // Act
    const response = await api(resource, query, pathParameters);

    // Assess
    expectError(response, 400, 'M2CException', message);
    expect(search.searches).toEqual([]);
  });

  it('answers 500 without details when the search engine fails', async () => {
    // Prepare
    const search = new RecordingSearch();
    search.failure = new Error('OpenSearch _search answered 503: secret cluster detail');
    const api = searchApi(search);
    const logs = captureLogs();

    // Act
    const response = await api('/search', { query: encodeSearchQuery('andy') });

    // Assess
    logs.restore();
    expectError(response, 500, 'InternalServerError', 'GET /search - An internal error occurred');
    expect(response.text).not.toContain('secret');
    // The details the caller does not get are in the function's log.
    expect(logs.text()).toContain('secret cluster detail');
  });

  it('works on the local search index as its search port', async () => {
    // Prepare
    const index = LocalSearchIndex.open(':memory:');
    index.index({
      uuid: CLIP,
      type: 'video',
      basename: 'keynote',
      subtitle: [{ name: 'Executive Producer Andy Jassy', timecodes: [{ begin: 834001, end: 834901 }] }],
    });
    const api = searchApi(index);

    // Act
    const response = await api('/search', { query: encodeSearchQuery('"Andy Jassy"') });

    // Assess
    index.close();
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ term: '"Andy Jassy"', totalHits: 1, hits: [{ id: CLIP, type: 'video' }] });
  });
});
