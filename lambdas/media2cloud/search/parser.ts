import { BadRequestError } from '../../shared/http/errors';
import { and, not, or, phrase, term, type QueryNode } from './query';

/**
 * Parses a search term (already decoded by `decodeSearchTerm`) into a query tree, with the semantics Lucene's
 * classic query parser gives it inside the original's `query_string` query:
 * - words and quoted phrases; a trailing `*` makes a prefix;
 * - `AND`/`&&`, `OR`/`||` between clauses, `NOT`/`!`/`-` and `+` before one, parentheses for groups;
 * - operators are upper case only: the original upper-cases stand-alone `and`/`or`/`not` before sending, so a
 *   lower-case one still glued to a parenthesis stays a word (and, being a stop word, matches nothing);
 * - juxtaposition is OR (`query_string`'s default operator);
 * - no precedence: `AND` makes both of its neighbours required, so `a OR b AND c` requires `b` and `c`, and
 *   `a AND b OR c` requires `a` and `b` with `c` optional.
 * Other Lucene syntax (`field:`, `~`, `^`, ranges, regular expressions, inner wildcards) is taken as plain text.
 */
export function parseQuery(text: string): QueryNode {
  return parseClauses(tokenize(text), invalidQuery);
}

/**
 * Lucene's clause grammar over tokens (`Query ::= Modifiers Clause (Conjunction Modifiers Clause)*`), combined the
 * way its `addClause` does. Shared by this parser and the local search endpoint's `query_string` parser, which only
 * tokenize differently; `fail` makes the error each of them reports.
 */
export function parseClauses(tokens: readonly QueryToken[], fail: (reason: string) => Error): QueryNode {
  const parser = new Parser(tokens, fail);
  const node = parser.parseGroup();
  if (!parser.atEnd()) throw fail('unbalanced closing parenthesis');
  return node;
}

// The API answers every malformed query alike; the reason only matters to the local search endpoint's errors.
function invalidQuery(): BadRequestError {
  return new BadRequestError('invalid query');
}

export type QueryToken =
  | { readonly type: 'and' | 'or' | 'not' | 'plus' | 'minus' | 'open' | 'close' }
  | { readonly type: 'term'; readonly text: string; readonly prefix: boolean }
  | { readonly type: 'phrase'; readonly text: string };

const OPERATOR_WORDS: ReadonlyMap<string, 'and' | 'or' | 'not'> = new Map([
  ['AND', 'and'],
  ['OR', 'or'],
  ['NOT', 'not'],
]);
const TERM_END = /[\s()"]/;

function tokenize(text: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ type: char === '(' ? 'open' : 'close' });
      i += 1;
    } else if (char === '"') {
      const [phraseText, next] = readPhrase(text, i + 1);
      tokens.push({ type: 'phrase', text: phraseText });
      i = next;
    } else if (text.startsWith('&&', i) || text.startsWith('||', i)) {
      tokens.push({ type: char === '&' ? 'and' : 'or' });
      i += 2;
    } else if (char === '+' || char === '-' || char === '!') {
      // Lucene reads these as operators only where a clause starts; inside a word (`e-mail`) they are text.
      tokens.push({ type: char === '+' ? 'plus' : char === '-' ? 'minus' : 'not' });
      i += 1;
    } else {
      const [token, next] = readTerm(text, i);
      tokens.push(token);
      i = next;
    }
  }
  return tokens;
}

function readPhrase(text: string, start: number): [string, number] {
  const phrase = readQuotedPhrase(text, start);
  if (phrase === undefined) throw invalidQuery();
  return phrase;
}

/**
 * The text of a quoted phrase whose opening `"` is just before `start` (a backslash escapes the next character),
 * and the index after its closing `"`; `undefined` when it is never closed. Shared with the local engine's
 * `query_string` reader, which reads phrases the same way.
 */
export function readQuotedPhrase(text: string, start: number): [string, number] | undefined {
  let value = '';
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 1;
    } else if (char === '"') {
      return [value, i + 1];
    } else {
      value += char;
    }
  }
  return undefined;
}

function readTerm(text: string, start: number): [QueryToken, number] {
  let value = '';
  let escaped = false;
  let trailingStars = 0;
  let i = start;
  for (; i < text.length && !TERM_END.test(text[i]); i += 1) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      escaped = true;
      trailingStars = 0;
      i += 1;
    } else {
      value += char;
      trailingStars = char === '*' ? trailingStars + 1 : 0;
    }
  }
  const operator = escaped ? undefined : OPERATOR_WORDS.get(value);
  if (operator) return [{ type: operator }, i];
  return [{ type: 'term', text: value.slice(0, value.length - trailingStars), prefix: trailingStars > 0 }, i];
}

const SPELLING = { and: 'AND', or: 'OR', not: 'NOT', plus: '+', minus: '-', open: '(', close: ')' } as const;

type Occur = 'must' | 'should' | 'mustNot';

interface Clause {
  occur: Occur;
  readonly node: QueryNode;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: readonly QueryToken[],
    private readonly fail: (reason: string) => Error,
  ) {}

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  /** A clause list up to the end or a closing parenthesis, combined the way Lucene's `addClause` does. */
  parseGroup(): QueryNode {
    const clauses: Clause[] = [];
    while (!this.atEnd() && this.peek().type !== 'close') {
      let conjunction: 'and' | 'or' | undefined;
      const next = this.peek().type;
      if (next === 'and' || next === 'or') {
        if (clauses.length === 0) throw this.fail(`a query cannot start with ${SPELLING[next]}`);
        conjunction = next;
        this.position += 1;
      }
      let modifier: 'required' | 'prohibited' | undefined;
      const mod = this.atEnd() ? undefined : this.peek().type;
      if (mod === 'plus' || mod === 'minus' || mod === 'not') {
        modifier = mod === 'plus' ? 'required' : 'prohibited';
        this.position += 1;
      }
      const node = this.parseClause();
      if (conjunction === 'and') {
        const previous = clauses[clauses.length - 1];
        if (previous.occur !== 'mustNot') previous.occur = 'must';
      }
      const occur: Occur =
        modifier === 'prohibited' ? 'mustNot' : modifier === 'required' || conjunction === 'and' ? 'must' : 'should';
      clauses.push({ occur, node });
    }
    if (clauses.length === 0) throw this.fail('empty query or group');
    return combine(clauses);
  }

  private parseClause(): QueryNode {
    if (this.atEnd()) throw this.fail('a clause is missing at the end');
    const token = this.tokens[this.position];
    this.position += 1;
    switch (token.type) {
      case 'term':
        if (token.text === '' && !token.prefix) throw this.fail('empty term');
        return term(token.text, token.prefix);
      case 'phrase':
        return phrase(token.text);
      case 'open': {
        const node = this.parseGroup();
        if (this.atEnd() || this.peek().type !== 'close') throw this.fail('missing closing parenthesis');
        this.position += 1;
        return node;
      }
      default:
        throw this.fail(`a clause is missing before ${SPELLING[token.type]}`);
    }
  }

  private peek(): QueryToken {
    return this.tokens[this.position];
  }
}

/**
 * Lucene's matching rule for one boolean clause list: with any required clause the optional ones only score;
 * without one, at least one optional clause must match; a list of prohibitions alone matches everything else
 * (OpenSearch adds the match-all Lucene would otherwise lack).
 */
function combine(clauses: readonly Clause[]): QueryNode {
  const pick = (occur: Occur) => clauses.filter((clause) => clause.occur === occur).map((clause) => clause.node);
  const musts = pick('must');
  const shoulds = pick('should');
  const prohibited = pick('mustNot').map(not);
  if (musts.length > 0) {
    if (musts.length === 1 && prohibited.length === 0 && shoulds.length === 0) return musts[0];
    return and([...musts, ...prohibited], shoulds);
  }
  if (shoulds.length > 0) {
    const anyOf = shoulds.length === 1 ? shoulds[0] : or(shoulds);
    return prohibited.length === 0 ? anyOf : and([anyOf, ...prohibited]);
  }
  return prohibited.length === 1 ? prohibited[0] : and(prohibited);
}
