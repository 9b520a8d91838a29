export * from './describe-token-store.js';
export * from './test-records.js';
