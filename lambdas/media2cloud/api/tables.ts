/**
 * The key schemas of the two tables the API reads and writes, as the original's backend stack defines them
 * (`IngestTable`, `AnalysisTable`). The stack builds the tables from these and the code queries by these names, so
 * the two cannot disagree. No imports, like the routes list.
 */

export type KeyAttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

export interface SecondaryIndex {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection:
    { readonly type: 'KEYS_ONLY' } | { readonly type: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] };
}

const TIMESTAMP: KeyAttribute = { name: 'timestamp', type: 'N' };

/** One item per asset: the ingest record. */
export const INGEST_TABLE = {
  partitionKey: { name: 'uuid', type: 'S' },
  indexes: {
    /** Every asset (each record carries `schemaVersion: 1`), newest first; `type` is projected for the listing. */
    schemaVersion: {
      indexName: 'gsi-schemaversion-timestamp',
      partitionKey: { name: 'schemaVersion', type: 'N' },
      sortKey: TIMESTAMP,
      projection: { type: 'INCLUDE', nonKeyAttributes: ['type'] },
    },
    type: {
      indexName: 'gsi-type-timestamp',
      partitionKey: { name: 'type', type: 'S' },
      sortKey: TIMESTAMP,
      projection: { type: 'KEYS_ONLY' },
    },
    group: {
      indexName: 'gsi-group-timestamp',
      partitionKey: { name: 'group', type: 'S' },
      sortKey: TIMESTAMP,
      projection: { type: 'KEYS_ONLY' },
    },
    overallStatus: {
      indexName: 'gsi-overallstatus-timestamp',
      partitionKey: { name: 'overallStatus', type: 'S' },
      sortKey: TIMESTAMP,
      projection: { type: 'KEYS_ONLY' },
    },
  },
} as const satisfies {
  readonly partitionKey: KeyAttribute;
  readonly indexes: Readonly<Record<string, SecondaryIndex>>;
};

/** The value every record's `schemaVersion` holds, which makes the schema-version index list all assets. */
export const SCHEMA_VERSION = 1;

/** One item per asset and media type analysed (`video`, `audio`, `image`, `document`). */
export const ANALYSIS_TABLE = {
  partitionKey: { name: 'uuid', type: 'S' },
  sortKey: { name: 'type', type: 'S' },
} as const satisfies { readonly partitionKey: KeyAttribute; readonly sortKey: KeyAttribute };
