/**
 * A DynamoDB table's key schema and indexes, as its module in `lambdas/<backend>/tables/` declares them: the stack
 * builds the table from it (`SecureTable` in `lib/constructs/`) and the adapter beside it reads and writes by the same
 * names, so the two cannot disagree. No imports: the stack loads this file.
 */

export type KeyAttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

export type IndexProjection =
  | { readonly type: 'ALL' }
  | { readonly type: 'KEYS_ONLY' }
  | { readonly type: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] };

export interface SecondaryIndex {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  /** @default - none */
  readonly sortKey?: KeyAttribute;
  readonly projection: IndexProjection;
}

export interface TableSchema {
  readonly partitionKey: KeyAttribute;
  /** @default - none */
  readonly sortKey?: KeyAttribute;
  /** Global secondary indexes, by the name the code uses for them. @default - none */
  readonly indexes?: Readonly<Record<string, SecondaryIndex>>;
}
