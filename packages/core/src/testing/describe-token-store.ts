import { describe } from 'vitest';
import { basicTests } from './basic-tests.js';
import { casTests } from './cas-tests.js';
import { corruptTests } from './corrupt-tests.js';
import { extrasTests } from './extras-tests.js';
import { lockTests } from './lock-tests.js';
import { redactionTests } from './redaction-tests.js';
import type { DescribeTokenStoreOptions } from './suite-options.js';

/**
 * The `TokenStore` conformance suite. Call it at the top level of a vitest test file; it defines
 * one `describe` block with one group per concern: basics, compare-and-swap (concurrent swaps in
 * one instance and in two on one backend), corrupt data (with `plantUnreadable`), redaction,
 * declared extras, and locks (a real second process when `crossProcessLock` is declared).
 * Optional behaviour is tested when the store declares it and skipped, with the reason in the
 * title or skip note, when it does not. A failure says what the store does wrong.
 *
 * @example
 * ```ts
 * import { describeTokenStore } from '@codex-oauth/core/testing';
 * describeTokenStore({
 *   name: 'redis',
 *   create: ({ id }) => redisStore({ key: id }),
 *   plantUnreadable: ({ id }, data) => redis.set(id, data),
 * });
 * ```
 */
export function describeTokenStore(options: DescribeTokenStoreOptions): void {
  describe(`TokenStore conformance: ${options.name}`, () => {
    describe('basics', () => basicTests(options));
    describe('compare-and-swap', () => casTests(options));
    describe('corrupt data', () => corruptTests(options));
    describe('redaction', () => redactionTests(options));
    describe('declared extras', () => extrasTests(options));
    describe('locks', () => lockTests(options));
  });
}
