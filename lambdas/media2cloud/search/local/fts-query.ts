import { positiveLeaves, type LeafNode, type QueryNode } from '../query';
import { isStopWord, tokens } from './analysis';

/**
 * A query tree compiled for FTS5. FTS5 has no unary NOT, so a query whose top is a negation compiles to the
 * expression of what it excludes, and the index selects every other document.
 */
export type FtsQuery =
  | { readonly mode: 'match'; readonly expression: string }
  | { readonly mode: 'except'; readonly expression: string }
  | { readonly mode: 'none' };

/** A compiled sub-tree: the documents matching `expression`, or (`positive: false`) all the others. */
interface Part {
  readonly positive: boolean;
  readonly expression: string;
}

export function compileFtsQuery(node: QueryNode): FtsQuery {
  const part = compile(node);
  if (part === undefined) return { mode: 'none' };
  return { mode: part.positive ? 'match' : 'except', expression: part.expression };
}

/**
 * The expression whose matches get highlighted: any positive leaf, whatever branch made the document match, the
 * way OpenSearch's highlighter extracts terms from a query. `undefined` when nothing can be highlighted.
 */
export function compileFtsHighlight(node: QueryNode): string | undefined {
  const leaves = [...new Set(positiveLeaves(node).flatMap((leaf) => compileLeaf(leaf) ?? []))];
  return leaves.length === 0 ? undefined : anyOf(leaves);
}

/**
 * `undefined` is a clause the analyzer emptied (only stop words): Lucene drops such a clause from its parent
 * instead of failing it, and a query left with nothing matches nothing.
 */
function compile(node: QueryNode): Part | undefined {
  switch (node.kind) {
    case 'term':
    case 'phrase': {
      const expression = compileLeaf(node);
      return expression === undefined ? undefined : { positive: true, expression };
    }
    case 'not': {
      const part = compile(node.child);
      return part === undefined ? undefined : { positive: !part.positive, expression: part.expression };
    }
    case 'and': {
      let parts = node.children.map(compile).filter(isDefined);
      // Lucene only makes optional clauses optional next to a required one that survived analysis.
      if (!parts.some((part) => part.positive) && node.optional.length > 0) {
        const optional = compile({ kind: 'or', children: node.optional });
        if (optional !== undefined) parts = [...parts, optional];
      }
      const included = parts.filter((part) => part.positive).map((part) => part.expression);
      const excluded = parts.filter((part) => !part.positive).map((part) => part.expression);
      if (included.length > 0) {
        const all = allOf(included);
        return { positive: true, expression: excluded.length === 0 ? all : `(${all}) NOT (${anyOf(excluded)})` };
      }
      // Not a or not b = not (a or b).
      return excluded.length === 0 ? undefined : { positive: false, expression: anyOf(excluded) };
    }
    case 'or': {
      const parts = node.children.map(compile).filter(isDefined);
      const included = parts.filter((part) => part.positive).map((part) => part.expression);
      const excluded = parts.filter((part) => !part.positive).map((part) => part.expression);
      if (excluded.length === 0) {
        return included.length === 0 ? undefined : { positive: true, expression: anyOf(included) };
      }
      // a or not b or not c = not ((b and c) and not a).
      const both = allOf(excluded);
      return { positive: false, expression: included.length === 0 ? both : `(${both}) NOT (${anyOf(included)})` };
    }
  }
}

/**
 * A word is analysed into tokens the way the original's analyzer would: stop words vanish and a word the
 * tokenizer splits (`e-mail`) becomes its tokens OR-ed, as `query_string` does for an unquoted word. A phrase keeps
 * its stop words (FTS5 phrases have no position gaps to stand in for them).
 */
function compileLeaf(leaf: LeafNode): string | undefined {
  const words = tokens(leaf.text);
  if (leaf.kind === 'phrase') return words.length === 0 ? undefined : `"${words.join(' ')}"`;
  const kept = words.filter((word, index) => (leaf.prefix && index === words.length - 1) || !isStopWord(word));
  if (kept.length === 0) return undefined;
  const strings = kept.map((word, index) => `"${word}"${leaf.prefix && index === kept.length - 1 ? '*' : ''}`);
  return strings.length === 1 ? strings[0] : anyOf(strings);
}

function allOf(expressions: readonly string[]): string {
  return expressions.length === 1 ? expressions[0] : expressions.map((expression) => `(${expression})`).join(' AND ');
}

function anyOf(expressions: readonly string[]): string {
  return expressions.length === 1 ? expressions[0] : expressions.map((expression) => `(${expression})`).join(' OR ');
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
