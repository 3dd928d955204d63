import { or, phrase, term } from '../../../lambdas/media2cloud/search/query';
import {
  DEFAULT_PAGE_SIZE,
  decodeSearchTerm,
  encodeSearchQuery,
  parseSearchRequest,
} from '../../../lambdas/media2cloud/search/request';
import { expectBadRequest } from './helpers';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const UUID = '8a8b2c4e-1f0a-4c3b-9d6e-0123456789ab';

describe('decodeSearchTerm', () => {
  it('decodes base64 the way `echo "Andy Jassy" | base64` encodes it, trailing newline included', () => {
    // Prepare
    const raw = base64('"Andy Jassy"\n');

    // Act
    const decoded = decodeSearchTerm(raw);

    // Assess
    expect(decoded).toBe('"Andy Jassy"');
  });

  it('URL-decodes around the base64 so non-Latin queries survive', () => {
    // Prepare
    const raw = encodeURIComponent(base64(encodeURIComponent('東京 Zürich')));

    // Act
    const decoded = decodeSearchTerm(raw);

    // Assess
    expect(decoded).toBe('東京 Zürich');
  });

  it('keeps the base64-decoded text when it is not URL-encoded', () => {
    // Prepare
    const raw = base64('100% cotton');

    // Act
    const decoded = decodeSearchTerm(raw);

    // Assess
    expect(decoded).toBe('100% cotton');
  });

  it('upper-cases stand-alone operators in any case and joins words on single spaces', () => {
    // Prepare
    const raw = base64('  andy   aNd\tjassy Or  bezos not  "rock and roll"  ');

    // Act
    const decoded = decodeSearchTerm(raw);

    // Assess
    expect(decoded).toBe('andy AND jassy OR bezos NOT "rock and roll"');
  });

  it('drops an unpaired quote', () => {
    // Prepare
    const raw = base64('"Andy Jassy');

    // Act
    const decoded = decodeSearchTerm(raw);

    // Assess
    expect(decoded).toBe('Andy Jassy');
  });

  it('accepts a decoded query of exactly 2048 bytes', () => {
    // Prepare
    const raw = encodeSearchQuery('a'.repeat(2048));

    // Act
    const decoded = decodeSearchTerm(raw);

    // Assess
    expect(decoded).toHaveLength(2048);
  });

  it('rejects a decoded query over 2048 UTF-8 bytes even when it has fewer characters', () => {
    // Prepare
    const raw = encodeSearchQuery('é'.repeat(1025));

    // Act, Assess
    expectBadRequest(() => decodeSearchTerm(raw), 'invalid query');
  });

  it.each([
    ['a missing query', undefined],
    ['an empty query', ''],
    ['a query of spaces only', base64('   ')],
    ['a query without a letter, digit, punctuation or space', base64('😀')],
    ['a malformed URL escape', '%E0%A4%A'],
  ])('rejects %s', (_behaviour, raw) => {
    // Prepare, Act, Assess
    expectBadRequest(() => decodeSearchTerm(raw), 'invalid query');
  });
});

describe('parseSearchRequest', () => {
  it('defaults to the first page of 30 over every media type', () => {
    // Prepare
    const input = { query: { query: encodeSearchQuery('Andy Jassy') } };

    // Act
    const request = parseSearchRequest(input);

    // Assess
    expect(request).toEqual({
      term: 'Andy Jassy',
      query: or([term('Andy'), term('Jassy')]),
      from: 0,
      size: DEFAULT_PAGE_SIZE,
      types: ['audio', 'video', 'image', 'document'],
    });
    expect(DEFAULT_PAGE_SIZE).toBe(30);
  });

  it("reads the base64 query sent without its name, as the API guide's curl examples send it", () => {
    // Prepare: `--data-urlencode "$(echo \"Andy Jassy\" | base64)"` makes `IkFuZHkgSmFzc3kiCg=%3D`, whose first
    // `=` curl reads as the separator; `echo Andy NOT Jassy | base64` has no padding and comes as a bare name.
    const padded = { pageSize: '1', IkFuZHkgSmFzc3kiCg: '=' };
    const bare = { pageSize: '1', [base64('Andy NOT Jassy\n')]: '' };

    // Act
    const phraseRequest = parseSearchRequest({ query: padded });
    const booleanRequest = parseSearchRequest({ query: bare });

    // Assess
    expect(base64('"Andy Jassy"\n')).toBe('IkFuZHkgSmFzc3kiCg==');
    expect(phraseRequest).toMatchObject({ term: '"Andy Jassy"', query: phrase('Andy Jassy'), size: 1 });
    expect(booleanRequest.term).toBe('Andy NOT Jassy');
    expectBadRequest(() => parseSearchRequest({ query: { pageSize: '1', a: 'b', c: '' } }), 'invalid query');
    expectBadRequest(() => parseSearchRequest({ query: { 'not base64!': '' } }), 'invalid query');
  });

  it('reads token as the offset and pageSize as the page size', () => {
    // Prepare
    const input = { query: { query: encodeSearchQuery('x'), token: '20', pageSize: '10' } };

    // Act
    const request = parseSearchRequest(input);

    // Assess
    expect([request.from, request.size]).toEqual([20, 10]);
  });

  it('treats empty token and pageSize as absent', () => {
    // Prepare
    const input = { query: { query: encodeSearchQuery('x'), token: '', pageSize: '' } };

    // Act
    const request = parseSearchRequest(input);

    // Assess
    expect([request.from, request.size]).toEqual([0, 30]);
  });

  it('excludes media types set to exactly false, keeping the original order', () => {
    // Prepare
    const input = { query: { query: encodeSearchQuery('x'), video: 'false', image: 'False', document: 'false' } };

    // Act
    const request = parseSearchRequest(input);

    // Assess
    expect(request.types).toEqual(['audio', 'image']);
  });

  it('restricts to the asset of the path', () => {
    // Prepare
    const input = { query: { query: encodeSearchQuery('"a b"') }, uuid: UUID };

    // Act
    const request = parseSearchRequest(input);

    // Assess
    expect(request).toMatchObject({ uuid: UUID, query: phrase('a b') });
  });

  it('lets an id query parameter override the path, as the original merges them', () => {
    // Prepare
    const input = { query: { query: encodeSearchQuery('x'), id: 'abcdef0123' }, uuid: UUID };

    // Act
    const request = parseSearchRequest(input);

    // Assess
    expect(request.uuid).toBe('abcdef0123');
  });

  it('ignores parameters whose value is the string undefined', () => {
    // Prepare
    const input = { query: { query: encodeSearchQuery('x'), token: 'undefined', video: 'undefined' } };

    // Act
    const request = parseSearchRequest(input);

    // Assess
    expect(request.from).toBe(0);
    expect(request.types).toContain('video');
  });

  it.each([
    ['an id that is not a uuid', { query: encodeSearchQuery('x') }, 'not-a-uuid', 'invalid id'],
    ['a token that is not a whole number', { query: encodeSearchQuery('x'), token: 'abc' }, undefined, 'invalid token'],
    ['a negative token', { query: encodeSearchQuery('x'), token: '-1' }, undefined, 'invalid token'],
    ['a fractional pageSize', { query: encodeSearchQuery('x'), pageSize: '2.5' }, undefined, 'invalid pageSize'],
    ['a pageSize of zero', { query: encodeSearchQuery('x'), pageSize: '0' }, undefined, 'invalid pageSize'],
    [
      'a page beyond the first 10,000 results',
      { query: encodeSearchQuery('x'), token: '9990', pageSize: '11' },
      undefined,
      'invalid token: token + pageSize must not exceed 10000',
    ],
    ['a query that does not parse', { query: encodeSearchQuery('a AND') }, undefined, 'invalid query'],
  ])('rejects %s', (_behaviour, query, uuid, message) => {
    // Prepare, Act, Assess
    expectBadRequest(() => parseSearchRequest({ query, uuid }), message);
  });

  it('validates the id before the query, as the original does', () => {
    // Prepare, Act, Assess
    expectBadRequest(() => parseSearchRequest({ query: {}, uuid: 'bad' }), 'invalid id');
  });
});
