export * from './errors';
export * from './json';
export * from './request';
export * from './response';
export * from './router';
