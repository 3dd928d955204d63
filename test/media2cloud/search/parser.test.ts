import { parseQuery } from '../../../lambdas/media2cloud/search/parser';
import { and, not, or, phrase, positiveLeaves, term, type QueryNode } from '../../../lambdas/media2cloud/search/query';
import { expectBadRequest } from './helpers';

const a = term('a');
const b = term('b');
const c = term('c');
const d = term('d');

describe('parseQuery', () => {
  it.each<[string, string, QueryNode]>([
    ['a single word is a term', 'Andy', term('Andy')],
    ['a quoted phrase keeps its words together', '"Andy Jassy"', phrase('Andy Jassy')],
    ['words side by side are OR-ed (the default operator)', 'a b', or([a, b])],
    ['OR between words is the same as juxtaposition', 'a OR b', or([a, b])],
    ['|| is OR', 'a || b', or([a, b])],
    ['AND requires both', 'a AND b', and([a, b])],
    ['&& is AND', 'a && b', and([a, b])],
    ['NOT after a word makes that word required and the next one prohibited', 'a NOT b', and([a, not(b)])],
    ['a leading - prohibits', 'a -b', and([a, not(b)])],
    ['a leading ! prohibits', 'a !b', and([a, not(b)])],
    ['a leading + requires and leaves the rest optional', '+a b', and([a], [b])],
    ['AND binds its neighbours only: an OR-ed clause after it is optional', 'a AND b OR c', and([a, b], [c])],
    ['AND binds its neighbours only: an OR-ed clause before it is optional', 'a OR b AND c', and([b, c], [a])],
    ['AND NOT prohibits the next clause', 'a AND NOT b', and([a, not(b)])],
    ['OR NOT still prohibits, as in Lucene', 'a OR NOT b', and([a, not(b)])],
    ['a lone negation stays a negation', 'NOT a', not(a)],
    ['several negations alone combine', '-a -b', and([not(a), not(b)])],
    ['parentheses group', '(a OR b) AND c', and([or([a, b]), c])],
    ['a group can be negated', 'a NOT (b c)', and([a, not(or([b, c]))])],
    ['a negation inside a group keeps its own meaning', 'a OR (NOT b)', or([a, not(b)])],
    ['nested groups', '((a AND b) OR c) AND d', and([or([and([a, b]), c]), d])],
    ['a trailing * is a prefix', 'moun*', term('moun', true)],
    ['a phrase can be prohibited', 'a -"b c"', and([a, not(phrase('b c'))])],
    ['a phrase and a word glued together are two clauses', 'a"b c"', or([a, phrase('b c')])],
    ['a hyphen inside a word is text', 'e-mail', term('e-mail')],
    ['lower-case operators are words', 'a and b', or([a, term('and'), b])],
    ['an escaped operator is a word', '\\AND', term('AND')],
    ['Lucene field syntax is text', 'title:cloud', term('title:cloud')],
    ['an escaped quote inside a phrase is text', '"say \\"hi\\""', phrase('say "hi"')],
  ])('%s: %s', (_behaviour, input, expected) => {
    // Prepare, Act
    const tree = parseQuery(input);

    // Assess
    expect(tree).toEqual(expected);
  });

  it.each([
    ['an empty query', ''],
    ['a leading conjunction', 'AND a'],
    ['a trailing conjunction', 'a AND'],
    ['two conjunctions in a row', 'a AND OR b'],
    ['a double negation', 'NOT NOT a'],
    ['an unclosed group', '(a b'],
    ['an unopened group', 'a b)'],
    ['an empty group', '()'],
    ['an unclosed phrase', '"a b'],
    ['a modifier with nothing after it', 'a -'],
  ])('rejects %s as a bad request', (_behaviour, input) => {
    // Prepare, Act, Assess
    expectBadRequest(() => parseQuery(input), 'invalid query');
  });
});

describe('positiveLeaves', () => {
  it('collects required and optional leaves but nothing under a negation', () => {
    // Prepare
    const tree = parseQuery('a AND "b c" OR d NOT (e f) NOT g');

    // Act
    const leaves = positiveLeaves(tree);

    // Assess
    expect(leaves).toEqual([a, phrase('b c'), d]);
  });
});
