export * from './documents';
export * from './geometry';
export * from './language';
export * from './people';
export * from './speech';
export * from './transcode';
export * from './vision';
