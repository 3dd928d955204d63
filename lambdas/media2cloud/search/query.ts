/**
 * The query tree every engine compiles. It states what a query means, not how it was written: the original hands
 * its query to OpenSearch's `query_string` (Lucene's classic parser, default operator OR), and `parseQuery` resolves
 * that parser's rules into these nodes once, so the local engine and the OpenSearch compiler cannot disagree.
 */
export type QueryNode = TermNode | PhraseNode | AndNode | OrNode | NotNode;

/** One word as typed. `prefix` is a trailing `*` (the original sends `analyze_wildcard: true`). */
export interface TermNode {
  readonly kind: 'term';
  readonly text: string;
  readonly prefix: boolean;
}

/** A quoted phrase: its words, in order, inside one field value. */
export interface PhraseNode {
  readonly kind: 'phrase';
  readonly text: string;
}

/**
 * Every child must match (a `not` child must not). `optional` holds Lucene SHOULD clauses that sat next to required
 * ones, e.g. the `c` of `a AND b OR c`: Lucene never requires them, yet they still score and get highlighted.
 */
export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly QueryNode[];
  readonly optional: readonly QueryNode[];
}

export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly QueryNode[];
}

export interface NotNode {
  readonly kind: 'not';
  readonly child: QueryNode;
}

export type LeafNode = TermNode | PhraseNode;

export const term = (text: string, prefix = false): TermNode => ({ kind: 'term', text, prefix });
export const phrase = (text: string): PhraseNode => ({ kind: 'phrase', text });
export const and = (children: readonly QueryNode[], optional: readonly QueryNode[] = []): AndNode => ({
  kind: 'and',
  children,
  optional,
});
export const or = (children: readonly QueryNode[]): OrNode => ({ kind: 'or', children });
export const not = (child: QueryNode): NotNode => ({ kind: 'not', child });

/**
 * The leaves a highlighter marks: every term and phrase outside a `not`, optional ones included. OpenSearch's
 * highlighter extracts terms from the query this way, whichever boolean branch actually matched.
 */
export function positiveLeaves(node: QueryNode): LeafNode[] {
  switch (node.kind) {
    case 'term':
    case 'phrase':
      return [node];
    case 'not':
      return [];
    case 'or':
      return node.children.flatMap(positiveLeaves);
    case 'and':
      return [...node.children, ...node.optional].flatMap(positiveLeaves);
  }
}
