import { parseClauses, readQuotedPhrase, type QueryToken } from '../parser';
import type { QueryNode } from '../query';

/** The text is not valid Lucene classic syntax; OpenSearch fails such a `query_string` the same way. */
export class QueryStringSyntaxError extends Error {
  override readonly name = 'QueryStringSyntaxError';
}

/** The text is valid Lucene syntax that the local engine cannot run (fields, fuzziness, boosts, ranges, ...). */
export class QueryStringUnsupportedError extends Error {
  override readonly name = 'QueryStringUnsupportedError';
}

/**
 * Reads the `query` of an OpenSearch `query_string` back into the query tree, for the local search endpoint: the
 * subset of Lucene's classic syntax that `toQueryString` writes — terms with backslash escapes, a trailing `*` for a
 * prefix, quoted phrases with escapes, `AND`/`&&`, `OR`/`||`, `NOT`/`!`/`-`, `+`, juxtaposition (OR) and groups.
 *
 * Unlike `parseQuery`, which reads what a user typed and takes any other syntax as text, this reads what a client
 * sent to a search engine: Lucene syntax the local engine does not implement (`field:`, `~`, `^`, ranges, regular
 * expressions, `?` and inner `*` wildcards) is refused with `QueryStringUnsupportedError` rather than searched for
 * as words, so a client never gets a silently different answer.
 */
export function parseQueryString(text: string): QueryNode {
  const fail = (reason: string) => new QueryStringSyntaxError(`Cannot parse '${text}': ${reason}`);
  return parseClauses(tokenize(text, fail), fail);
}

/** Lucene's `_WHITESPACE`: other space characters are term characters unless escaped. */
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\u3000']);
/** Characters that cannot start a term (Lucene's `_TERM_START_CHAR` excludes them and whitespace). */
const NOT_TERM_START = new Set([...'+-!():^[]"{}~*?\\/']);
/** `-` and `+` may continue a term (`e-mail`); the other specials end it. */
const TERM_CONTINUE = new Set(['-', '+']);

const UNSUPPORTED: Readonly<Record<string, string>> = {
  ':': 'field queries',
  '^': 'boosts',
  '~': 'fuzzy and proximity queries',
  '[': 'range queries',
  ']': 'range queries',
  '{': 'range queries',
  '}': 'range queries',
  '/': 'regular expressions',
  '?': 'wildcards',
};

function tokenize(text: string, fail: (reason: string) => Error): QueryToken[] {
  const unsupported = (char: string, at: number) =>
    new QueryStringUnsupportedError(
      `Cannot run '${text}': the local search engine does not support ${UNSUPPORTED[char] ?? `'${char}'`} ` +
        `(at character ${at}); escape the character to search for it`,
    );
  const tokens: QueryToken[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (WHITESPACE.has(char)) {
      i += 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ type: char === '(' ? 'open' : 'close' });
      i += 1;
    } else if (char === '"') {
      const [phrase, next] = readPhrase(text, i + 1, fail);
      if (next < text.length && (text[next] === '~' || text[next] === '^')) throw unsupported(text[next], next);
      tokens.push({ type: 'phrase', text: phrase });
      i = next;
    } else if (char === '+' || char === '-' || char === '!') {
      // Lucene's BAREOPER: an operator character followed by whitespace is a term of its own.
      const bare = i + 1 < text.length && WHITESPACE.has(text[i + 1]);
      tokens.push(bare ? { type: 'term', text: char, prefix: false } : { type: TOKEN_OF[char] });
      i += 1;
    } else if (NOT_TERM_START.has(char) && char !== '\\' && char !== '*') {
      throw unsupported(char, i);
    } else {
      // A term, an escaped character, or a `*` (a lone one is what `toQueryString` writes for an empty prefix).
      const [token, next] = readTerm(text, i, fail, unsupported);
      tokens.push(token);
      i = next;
    }
  }
  return tokens;
}

const TOKEN_OF = { '+': 'plus', '-': 'minus', '!': 'not' } as const;

function readPhrase(text: string, start: number, fail: (reason: string) => Error): [string, number] {
  const phrase = readQuotedPhrase(text, start);
  if (phrase === undefined) throw fail('a quoted phrase is not closed');
  return phrase;
}

/**
 * A term up to whitespace or a special character: Lucene's TERM, or PREFIXTERM when only `*` follow its last
 * character. `AND`, `OR`, `NOT`, `&&` and `||` standing alone are operators; glued to more text they are words.
 */
function readTerm(
  text: string,
  start: number,
  fail: (reason: string) => Error,
  unsupported: (char: string, at: number) => Error,
): [QueryToken, number] {
  let value = '';
  let escaped = false;
  let stars = 0;
  let i = start;
  for (; i < text.length; i += 1) {
    const char = text[i];
    if (WHITESPACE.has(char)) break;
    if (char === '\\') {
      if (i + 1 >= text.length) throw fail('a backslash escapes nothing at the end');
      if (stars > 0) throw unsupported('*', i - 1);
      value += text[i + 1];
      escaped = true;
      i += 1;
    } else if (char === '*') {
      stars += 1;
    } else if (NOT_TERM_START.has(char) && !TERM_CONTINUE.has(char)) {
      if (char === '(' || char === ')' || char === '"' || char === '!') break;
      throw unsupported(char, i);
    } else {
      if (stars > 0) throw unsupported('*', i - 1);
      value += char;
    }
  }
  if (!escaped && stars === 0) {
    const operator = OPERATORS.get(value);
    if (operator) return [{ type: operator }, i];
  }
  return [{ type: 'term', text: value, prefix: stars > 0 }, i];
}

const OPERATORS: ReadonlyMap<string, 'and' | 'or' | 'not'> = new Map([
  ['AND', 'and'],
  ['&&', 'and'],
  ['OR', 'or'],
  ['||', 'or'],
  ['NOT', 'not'],
]);
