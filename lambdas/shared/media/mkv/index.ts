export * from './ebml';
export * from './schema';
export * from './tokenizer';
export * from './byte-window';
