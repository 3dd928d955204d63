/**
 * The search module's engine-neutral parts. The local engine (`local/`, SQLite) is imported by path, never from
 * here, so a Lambda bundle that imports this module carries no SQLite.
 */
export * from './document';
export * from './engine';
export * from './opensearch/compiler';
export * from './opensearch/mapper';
export * from './opensearch/name-counts';
export * from './parser';
export * from './query';
export * from './request';
export * from './response';
export * from './synthetic';
