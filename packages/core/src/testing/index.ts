export { describeTokenStore } from './describe-token-store.js';
export type {
  CrossProcessOptions,
  DescribeTokenStoreOptions,
  StoreTestContext,
} from './suite-options.js';
export * from './test-records.js';
