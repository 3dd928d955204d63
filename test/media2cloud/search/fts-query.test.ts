import { compileFtsHighlight, compileFtsQuery } from '../../../lambdas/media2cloud/search/local/fts-query';
import { parseQuery } from '../../../lambdas/media2cloud/search/parser';

describe('compileFtsQuery', () => {
  it.each([
    ['a word becomes a quoted FTS5 string', 'Andy', { mode: 'match', expression: '"Andy"' }],
    ['a phrase keeps its words, stop words included', '"the river"', { mode: 'match', expression: '"the river"' }],
    [
      'a word the tokenizer splits becomes its tokens OR-ed',
      'e-mail',
      { mode: 'match', expression: '("e") OR ("mail")' },
    ],
    ['a prefix marks its last token', 'moun*', { mode: 'match', expression: '"moun"*' }],
    ['a stop word vanishes from its clause', 'the AND river', { mode: 'match', expression: '"river"' }],
    ['a query of stop words matches nothing', 'the OR a', { mode: 'none' }],
    [
      'AND with a negation is AND ... NOT',
      'x NOT y NOT z',
      { mode: 'match', expression: '("x") NOT (("y") OR ("z"))' },
    ],
    ['a top-level negation selects the other documents', 'NOT andy', { mode: 'except', expression: '"andy"' }],
    [
      'OR with a negation is the complement of what neither side allows',
      'andy OR (NOT bob)',
      { mode: 'except', expression: '("bob") NOT ("andy")' },
    ],
    ['optional clauses do not restrict matching', 'x AND y OR z', { mode: 'match', expression: '("x") AND ("y")' }],
    ['optional clauses become required when the required ones vanish', '+the z', { mode: 'match', expression: '"z"' }],
    [
      'FTS5 syntax in a word is only text',
      'title:NEAR^2',
      { mode: 'match', expression: '("title") OR ("NEAR") OR ("2")' },
    ],
  ])('%s: %s', (_behaviour, input, expected) => {
    // Prepare
    const tree = parseQuery(input);

    // Act
    const compiled = compileFtsQuery(tree);

    // Assess
    expect(compiled).toEqual(expected);
  });
});

describe('compileFtsHighlight', () => {
  it('ORs every positive leaf once, optional ones included, prohibited ones left out', () => {
    // Prepare
    const tree = parseQuery('w AND "x y" OR z NOT v OR w');

    // Act
    const expression = compileFtsHighlight(tree);

    // Assess
    expect(expression).toBe('("w") OR ("x y") OR ("z")');
  });

  it('has nothing to highlight for a pure negation', () => {
    // Prepare, Act, Assess
    expect(compileFtsHighlight(parseQuery('NOT x'))).toBeUndefined();
  });
});
