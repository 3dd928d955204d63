export * from './errors';
export * from './request';
export * from './response';
export * from './router';
