import type { MediaType } from '../document';
import type { QueryNode } from '../query';
import type { SearchRequest } from '../request';

/** The original's single index; every asset is one document in it, `_id` being the asset uuid. */
export const CONTENT_INDEX = 'content';

export interface QueryStringClause {
  readonly query_string: {
    readonly query: string;
    readonly default_field: '*';
    readonly analyze_wildcard: true;
  };
}
export interface TermsClause {
  readonly terms: { readonly type: readonly MediaType[] } | { readonly _id: readonly string[] };
}

/** The parameters of the client's `search()` call, as the original builds them. */
export interface OpenSearchSearchParams {
  readonly index: typeof CONTENT_INDEX;
  readonly from: number;
  readonly size: number;
  readonly body: {
    readonly _source: { readonly includes: readonly string[] };
    readonly query: { readonly bool: { readonly must: ReadonlyArray<QueryStringClause | TermsClause> } };
    readonly highlight: { readonly fields: { readonly '*': Record<string, never> } };
  };
}

/**
 * The search request the original sends: a `query_string` over every field, filtered by media type (and asset),
 * highlighting every field with OpenSearch's defaults (`<em>` tags, five fragments of 100 characters), returning
 * only `type` from `_source` (the matched values are fetched afterwards with an `mget`).
 */
export function toOpenSearchSearch(request: SearchRequest): OpenSearchSearchParams {
  const must: Array<QueryStringClause | TermsClause> = [
    { terms: { type: request.types } },
    { query_string: { query: toQueryString(request.query), default_field: '*', analyze_wildcard: true } },
  ];
  if (request.uuid !== undefined) must.push({ terms: { _id: [request.uuid] } });
  return {
    index: CONTENT_INDEX,
    from: request.from,
    size: request.size,
    body: {
      _source: { includes: ['type'] },
      query: { bool: { must } },
      highlight: { fields: { '*': {} } },
    },
  };
}

/**
 * Renders a query tree in Lucene's classic syntax so that `query_string` reads it back as the same tree. For the
 * usual shapes (a word, a phrase, words side by side, `a AND b`, `a NOT b`) the text is the one the original sends
 * for the same input; elsewhere it is an equivalent spelling (explicit groups, `OR` written as juxtaposition).
 */
export function toQueryString(node: QueryNode): string {
  switch (node.kind) {
    case 'term':
      return escapeTerm(node.text) + (node.prefix ? '*' : '');
    case 'phrase':
      return `"${node.text.replace(/["\\]/g, '\\$&')}"`;
    case 'not':
      return `NOT ${operand(node.child)}`;
    case 'or':
      // Juxtaposition is OR in `query_string`; a negation inside OR needs its own group to stay a negation.
      return node.children
        .map((child) => (child.kind === 'not' ? `(${toQueryString(child)})` : operand(child)))
        .join(' ');
    case 'and': {
      const required = node.children.filter((child) => child.kind !== 'not').map(operand);
      const prohibited = node.children.flatMap((child) =>
        child.kind === 'not' ? [`NOT ${operand(child.child)}`] : [],
      );
      if (required.length === 0) return prohibited.join(' ');
      // Lucene's `AND` makes both neighbours required and leaves an `OR`-ed clause after them optional; a lone
      // required clause needs `+` for that. `NOT` prohibits the clause it follows and touches nothing else.
      const optional = node.optional.map((child) => `OR ${operand(child)}`);
      const requiredText = required.length === 1 && optional.length > 0 ? `+${required[0]}` : required.join(' AND ');
      return [requiredText, ...optional, ...prohibited].join(' ');
    }
  }
}

function operand(node: QueryNode): string {
  return node.kind === 'term' || node.kind === 'phrase' ? toQueryString(node) : `(${toQueryString(node)})`;
}

const LUCENE_SPECIAL = /[\\+\-!():^[\]"{}~*?|&/\s]/g;

function escapeTerm(text: string): string {
  const escaped = text.replace(LUCENE_SPECIAL, '\\$&');
  // A word spelled like an operator must not be read as one.
  return /^(AND|OR|NOT)$/.test(escaped) ? `\\${escaped}` : escaped;
}
