import {
  parseQueryString,
  QueryStringSyntaxError,
  QueryStringUnsupportedError,
} from '../../../lambdas/media2cloud/search/local/query-string';
import { toQueryString } from '../../../lambdas/media2cloud/search/opensearch/compiler';
import { and, not, or, phrase, term, type QueryNode } from '../../../lambdas/media2cloud/search/query';
import { encodeSearchQuery, parseSearchRequest } from '../../../lambdas/media2cloud/search/request';
import { CONFORMANCE_CASES } from './conformance-cases';

/**
 * The same query in one spelling: single-child groups unwrapped and nested groups of the same kind flattened, which
 * Lucene's boolean logic treats alike.
 */
function normalize(node: QueryNode): QueryNode {
  switch (node.kind) {
    case 'term':
    case 'phrase':
      return node;
    case 'not':
      return not(normalize(node.child));
    case 'or': {
      const children = node.children
        .map(normalize)
        .flatMap((child) => (child.kind === 'or' ? child.children : [child]));
      return children.length === 1 ? (children[0] as QueryNode) : or(children);
    }
    case 'and': {
      const optional = node.optional.map(normalize);
      const children = node.children
        .map(normalize)
        .flatMap((child) => (child.kind === 'and' && child.optional.length === 0 ? child.children : [child]));
      return children.length === 1 && optional.length === 0 ? (children[0] as QueryNode) : and(children, optional);
    }
  }
}

function userQuery(text: string): QueryNode {
  return parseSearchRequest({ query: { query: encodeSearchQuery(text) } }).query;
}

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('parseQueryString', () => {
  it.each(CONFORMANCE_CASES.map((testCase) => [testCase.query, testCase.name] as const))(
    'reads the query_string sent for the conformance query %s back as the same tree',
    (query) => {
      // Prepare
      const tree = userQuery(query);
      const sent = toQueryString(tree);

      // Act
      const parsed = parseQueryString(sent);

      // Assess
      expect(normalize(parsed)).toEqual(normalize(tree));
    },
  );

  it.each<[string, QueryNode]>([
    [
      'nested groups with optional clauses',
      and([term('a'), or([term('b'), and([term('c'), not(phrase('d e'))])])], [term('f')]),
    ],
    ['a negated conjunction inside OR', or([not(and([term('a'), term('b')])), term('c', true)])],
    ['prohibitions only', and([not(term('x')), not(or([term('y'), term('z')]))])],
    ['every Lucene special character in a term', term('we ird:text(1) +-!^[]{}~*?|&/\\"')],
    ['quotes and backslashes in a phrase', phrase('say "hi" \\ bye')],
    ['words spelled like operators', or([term('AND'), term('OR'), term('NOT'), term('&&'), term('||')])],
    ['a prefix whose text ends in an escaped star', term('a*', true)],
    ['an empty prefix', term('', true)],
    ['an empty phrase', phrase('')],
    ['unicode and unusual spaces', or([term('Zürich\u00a0Straße'), phrase('東京\u3000タワー')])],
  ])('reads %s back from what toQueryString writes', (_name, tree) => {
    // Prepare
    const sent = toQueryString(tree);

    // Act
    const parsed = parseQueryString(sent);

    // Assess
    expect(normalize(parsed)).toEqual(normalize(tree));
  });

  it.each<[string, string, QueryNode]>([
    ['&& and || glued to text are words', 'a&&b c||d', or([term('a&&b'), term('c||d')])],
    ['an operator character followed by a space is a word', 'a - b', or([term('a'), term('-'), term('b')])],
    ['! ends a term and prohibits the next one', 'a!b', and([term('a'), not(term('b'))])],
    ['- and + continue a term', 'e-mail c++', or([term('e-mail'), term('c++')])],
    ['several trailing stars are one prefix', 'moun**', term('moun', true)],
    ['an ideographic space separates clauses', 'a\u3000b', or([term('a'), term('b')])],
  ])('reads Lucene syntax as Lucene does: %s', (_name, text, expected) => {
    // Act
    const parsed = parseQueryString(text);

    // Assess
    expect(parsed).toEqual(expected);
  });

  it.each([
    ['field queries', 'title:cloud'],
    ['fuzzy queries', 'cloud~2'],
    ['proximity queries', '"andy jassy"~3'],
    ['boosts', 'cloud^2'],
    ['boosted groups', '(a b)^2'],
    ['inclusive ranges', '[a TO b]'],
    ['exclusive ranges', '{a TO b}'],
    ['regular expressions', '/clo.d/'],
    ['? wildcards', 'cl?ud'],
    ['inner * wildcards', 'cl*ud'],
    ['leading * wildcards', '*loud'],
  ])('refuses %s, which the local engine cannot run', (_name, text) => {
    // Act
    const error = thrown(() => parseQueryString(text));

    // Assess
    expect(error).toBeInstanceOf(QueryStringUnsupportedError);
    expect((error as Error).message).toContain(`Cannot run '${text}'`);
  });

  it.each([
    ['an unclosed phrase', '"andy'],
    ['an unclosed group', '(a b'],
    ['an unopened group', 'a b)'],
    ['an empty group', '()'],
    ['a leading AND', 'AND a'],
    ['a trailing OR', 'a OR'],
    ['a trailing modifier', 'a -'],
    ['a trailing backslash', 'a\\'],
  ])('fails %s as a syntax error', (_name, text) => {
    // Act
    const error = thrown(() => parseQueryString(text));

    // Assess
    expect(error).toBeInstanceOf(QueryStringSyntaxError);
    expect((error as Error).message).toMatch(new RegExp(`^Cannot parse '${text.replace(/[\\()]/g, '\\$&')}': `));
  });
});
