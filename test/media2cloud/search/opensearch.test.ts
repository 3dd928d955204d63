import { toOpenSearchSearch, toQueryString } from '../../../lambdas/media2cloud/search/opensearch/compiler';
import {
  fromOpenSearchMget,
  fromOpenSearchSearch,
  type OpenSearchHit,
  type OpenSearchSearchResponseBody,
} from '../../../lambdas/media2cloud/search/opensearch/mapper';
import { parseQuery } from '../../../lambdas/media2cloud/search/parser';
import { and, not, or, phrase, term } from '../../../lambdas/media2cloud/search/query';
import { encodeSearchQuery, parseSearchRequest, type SearchRequest } from '../../../lambdas/media2cloud/search/request';
import type { SearchResponse } from '../../../lambdas/media2cloud/search/response';

const VIDEO = '11111111-2222-4333-8444-555555555555';
const IMAGE = '66666666-7777-4888-9999-aaaaaaaaaaaa';

function request(text: string, params: Record<string, string> = {}, uuid?: string): SearchRequest {
  return parseSearchRequest({ query: { query: encodeSearchQuery(text), ...params }, uuid });
}

function searchBody(hits: OpenSearchHit[], total = hits.length, took = 49): OpenSearchSearchResponseBody {
  return { took, hits: { total: { value: total, relation: 'eq' }, hits } };
}

describe('toOpenSearchSearch', () => {
  it('builds the original request: query_string over every field, type filter, highlight of every field', () => {
    // Prepare
    const search = request('"Andy Jassy"');

    // Act
    const params = toOpenSearchSearch(search);

    // Assess
    expect(params).toEqual({
      index: 'content',
      from: 0,
      size: 30,
      body: {
        _source: { includes: ['type'] },
        query: {
          bool: {
            must: [
              { terms: { type: ['audio', 'video', 'image', 'document'] } },
              { query_string: { query: '"Andy Jassy"', default_field: '*', analyze_wildcard: true } },
            ],
          },
        },
        highlight: { fields: { '*': {} } },
      },
    });
  });

  it('adds the asset id filter for /search/{uuid} and carries paging and media types', () => {
    // Prepare
    const search = request('andy NOT jassy', { token: '10', pageSize: '5', audio: 'false', document: 'false' }, VIDEO);

    // Act
    const params = toOpenSearchSearch(search);

    // Assess
    expect(params).toEqual({
      index: 'content',
      from: 10,
      size: 5,
      body: {
        _source: { includes: ['type'] },
        query: {
          bool: {
            must: [
              { terms: { type: ['video', 'image'] } },
              { query_string: { query: 'andy NOT jassy', default_field: '*', analyze_wildcard: true } },
              { terms: { _id: [VIDEO] } },
            ],
          },
        },
        highlight: { fields: { '*': {} } },
      },
    });
  });
});

describe('toQueryString', () => {
  it.each([
    ['Andy'],
    ['"Andy Jassy"'],
    ['Andy Jassy'],
    ['andy AND jassy'],
    ['Andy NOT Jassy'],
    ['a AND b OR c'],
    ['a AND b NOT c NOT d'],
    ['NOT a'],
    ['moun*'],
    ['(a b) AND "c d"'],
  ])('sends the same text as the original for %s', (input) => {
    // Prepare
    const tree = parseQuery(input);

    // Act
    const text = toQueryString(tree);

    // Assess
    expect(text).toBe(input);
  });

  it.each([
    ['a OR b', 'a b'],
    ['a OR b AND c', 'b AND c OR a'],
    ['+a b', '+a OR b'],
    ['-a -b', 'NOT a NOT b'],
    ['a OR (NOT b)', 'a (NOT b)'],
    ['NOT (a OR b)', 'NOT (a b)'],
    ['title:cloud', 'title\\:cloud'],
    ['e-mail', 'e\\-mail'],
    ['\\AND', '\\AND'],
  ])('spells %s as the equivalent %s', (input, expected) => {
    // Prepare
    const tree = parseQuery(input);

    // Act
    const text = toQueryString(tree);

    // Assess
    expect(text).toBe(expected);
  });

  it.each([
    [and([term('a'), or([term('b'), and([term('c'), not(phrase('d e'))])])], [term('f')])],
    [or([not(and([term('a'), term('b')])), term('c', true)])],
    [and([not(term('x')), not(or([term('y'), term('z')]))])],
    [term('we ird:text(1)')],
    [phrase('say "hi" \\ bye')],
  ])('renders a tree that parses back to the same tree (%#)', (tree) => {
    // Prepare
    const text = toQueryString(tree);

    // Act
    const reparsed = parseQuery(text);

    // Assess
    expect(reparsed).toEqual(tree);
  });
});

describe('fromOpenSearchSearch', () => {
  it('groups highlight paths by top-level field, de-duplicates them and asks mget for those fields', () => {
    // Prepare
    const search = request('"Andy Jassy"', { pageSize: '1' });
    const body = searchBody(
      [
        {
          _index: 'content',
          _id: VIDEO,
          _score: 7.0853496,
          _source: { type: 'video' },
          highlight: {
            'celeb.name': ['<em>Andy</em> <em>Jassy</em>'],
            'celeb.name.keyword': ['<em>Andy Jassy</em>', '<em>Andy</em> <em>Jassy</em>'],
            'attributes.director': ['<em>Andy</em> <em>Jassy</em>'],
            type: ['<em>video</em>'],
            key: ['demo/<em>Andy</em>'],
            bucket: ['<em>Andy</em>-bucket'],
          },
        },
      ],
      3,
    );

    // Act
    const step = fromOpenSearchSearch(search, body);

    // Assess
    expect(step).toEqual({
      response: {
        term: '"Andy Jassy"',
        totalHits: 3,
        nextToken: 1,
        elapsed: 49,
        hits: [
          {
            id: VIDEO,
            score: 7.0853496,
            type: 'video',
            fields: {
              celeb: { highlights: ['<em>Andy</em> <em>Jassy</em>', '<em>Andy Jassy</em>'] },
              attributes: { highlights: ['<em>Andy</em> <em>Jassy</em>'] },
            },
          },
        ],
      },
      mget: {
        index: 'content',
        body: { docs: [{ _id: VIDEO, _source: { include: ['celeb', 'attributes'] } }] },
      },
    });
  });

  it('drops hits with nothing reportable but keeps them in totalHits and in the nextToken count', () => {
    // Prepare
    const search = request('andy', { pageSize: '2' });
    const body = searchBody(
      [
        { _id: VIDEO, _score: 2, _source: { type: 'video' }, highlight: { key: ['<em>andy</em>/clip.mp4'] } },
        { _id: IMAGE, _score: 1, _source: { type: 'image' } },
      ],
      5,
    );

    // Act
    const step = fromOpenSearchSearch(search, body);

    // Assess
    expect(step).toEqual({ response: { term: 'andy', totalHits: 5, nextToken: 2, elapsed: 49, hits: [] } });
  });

  it('answers nextToken totalHits on a short page and accepts a numeric total', () => {
    // Prepare
    const search = request('andy', { token: '30' });
    const body: OpenSearchSearchResponseBody = { took: 3, hits: { total: 31, hits: [] } };

    // Act
    const step = fromOpenSearchSearch(search, body);

    // Assess
    expect(step).toEqual({ response: { term: 'andy', totalHits: 31, nextToken: 31, elapsed: 3, hits: [] } });
  });
});

describe('fromOpenSearchMget', () => {
  const partial = (fields: SearchResponse['hits'][number]['fields']): SearchResponse => ({
    term: 'x',
    totalHits: 1,
    nextToken: 1,
    elapsed: 1,
    hits: [{ id: VIDEO, score: 1, type: 'video', fields }],
  });

  it('attaches the entries whose name equals a highlight ignoring case and accents, with their timecodes', () => {
    // Prepare
    const response = partial({ celeb: { highlights: ['<em>ANDY</em> <em>JASSY</em>', '<em>Beyonce</em>'] } });
    const body = {
      docs: [
        {
          _index: 'content',
          _id: VIDEO,
          found: true,
          _source: {
            celeb: [
              { name: 'Andy Jassy', timecodes: [{ begin: 0, end: 10 }] },
              { name: 'Beyoncé', timecodes: [{ begin: 20, end: 30 }] },
              { name: 'Werner Vogels', timecodes: [{ begin: 40, end: 50 }] },
            ],
          },
        },
      ],
    };

    // Act
    const merged = fromOpenSearchMget(response, body);

    // Assess
    expect(merged.hits[0].fields).toEqual({
      celeb: {
        highlights: ['<em>ANDY</em> <em>JASSY</em>', '<em>Beyonce</em>'],
        hits: [
          { name: 'Andy Jassy', timecodes: [{ begin: 0, end: 10 }] },
          { name: 'Beyoncé', timecodes: [{ begin: 20, end: 30 }] },
        ],
      },
    });
  });

  it('reports a string field as the string and an object field as its matching {key: value} pairs', () => {
    // Prepare
    const response = partial({
      basename: { highlights: ['<em>keynote</em>.mp4'] },
      attributes: { highlights: ['<em>Jane</em> Doe'] },
    });
    const body = {
      docs: [
        { _id: VIDEO, _source: { basename: 'keynote.mp4', attributes: { photographer: 'Jane Doe', year: '2024' } } },
      ],
    };

    // Act
    const merged = fromOpenSearchMget(response, body);

    // Assess
    expect(merged.hits[0].fields).toEqual({
      basename: { highlights: ['<em>keynote</em>.mp4'], hits: ['keynote.mp4'] },
      attributes: { highlights: ['<em>Jane</em> Doe'], hits: [{ photographer: 'Jane Doe' }] },
    });
  });

  it('keeps an empty hits list for an entry field whose highlight is only a fragment of a long value', () => {
    // Prepare
    const response = partial({ transcribe: { highlights: ['closing remarks <em>Andy</em> thanked'] } });
    const body = {
      docs: [{ _id: VIDEO, _source: { transcribe: [{ name: 'In his closing remarks Andy thanked everyone.' }] } }],
    };

    // Act
    const merged = fromOpenSearchMget(response, body);

    // Assess
    expect(merged.hits[0].fields).toEqual({
      transcribe: { highlights: ['closing remarks <em>Andy</em> thanked'], hits: [] },
    });
  });

  it('leaves a hit without matched values when its document is missing from the mget answer', () => {
    // Prepare
    const response = partial({ celeb: { highlights: ['<em>Andy</em>'] } });

    // Act
    const merged = fromOpenSearchMget(response, { docs: [{ _id: VIDEO, found: false }] });

    // Assess
    expect(merged).toEqual(response);
  });
});
