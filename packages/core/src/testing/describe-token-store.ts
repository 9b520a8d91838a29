import { randomUUID } from 'node:crypto';
import { describe, expect, it, type TestContext } from 'vitest';
import { ErrorCodes } from '../model/errors.js';
import type { TokenStore } from '../store/token-store.js';
import { makeApiKeyRecord, makeTestRecord } from './test-records.js';

/** Identifies one test's backing location, so two `create` calls can share (or not) a record. */
export interface StoreTestContext {
  /** Unique per test: stores created with the same id must see the same data if persistent. */
  readonly id: string;
}

/** How the conformance suite makes, inspects and cleans up your store. */
export interface DescribeTokenStoreOptions {
  /** Shown in the suite title. */
  name: string;
  /** A store for this test. Called twice with the same context to check persistence. */
  create(context: StoreTestContext): TokenStore | Promise<TokenStore>;
  /** Removes whatever the test left behind. */
  cleanup?(context: StoreTestContext): void | Promise<void>;
  /**
   * The raw stored form, or `null`/`undefined` when nothing is stored: lets the suite check what
   * was really written, not only what `load` says.
   */
  inspect?(context: StoreTestContext): unknown | Promise<unknown>;
}

/**
 * The `TokenStore` conformance suite. Call it at the top level of a vitest test file; it defines
 * one `describe` block. Optional behaviour (`withLock`, `watch`, persistence) is tested when the
 * store offers it, and skipped with the reason as the skip note when it does not.
 *
 * @example
 * ```ts
 * import { describeTokenStore } from '@codex-oauth/core/testing';
 * describeTokenStore({ name: 'redis', create: ({ id }) => redisStore({ key: id }) });
 * ```
 */
export function describeTokenStore(options: DescribeTokenStoreOptions): void {
  const withStore = (
    run: (store: TokenStore, context: StoreTestContext, test: TestContext) => Promise<void>,
  ) => {
    return async (test: TestContext) => {
      const context: StoreTestContext = { id: randomUUID() };
      try {
        await run(await options.create(context), context, test);
      } finally {
        await options.cleanup?.(context);
      }
    };
  };

  describe(`TokenStore conformance: ${options.name}`, () => {
    it(
      'has the methods and capabilities of the contract',
      withStore(async (store) => {
        expect(typeof store.kind).toBe('string');
        expect(typeof store.load).toBe('function');
        expect(typeof store.save).toBe('function');
        expect(typeof store.clear).toBe('function');
        expect(typeof store.capabilities.persistent).toBe('boolean');
        expect(typeof store.capabilities.crossProcessLock).toBe('boolean');
        if (store.capabilities.crossProcessLock) expect(typeof store.withLock).toBe('function');
      }),
    );

    it(
      'loads null when nothing is stored, and clear says nothing was removed',
      withStore(async (store) => {
        expect(await store.load()).toBeNull();
        expect(await store.clear()).toBe(false);
      }),
    );

    it(
      'round-trips a ChatGPT record and an api-key record unchanged',
      withStore(async (store) => {
        const record = makeTestRecord();
        await store.save(record);
        expect(await store.load()).toEqual(record);
        const apiKey = makeApiKeyRecord();
        await store.save(apiKey);
        expect(await store.load()).toEqual(apiKey);
      }),
    );

    it(
      'hands out copies: mutating a loaded or saved record does not change the store',
      withStore(async (store) => {
        const record = makeTestRecord();
        const expected = structuredClone(record);
        await store.save(record);
        record.tokens!.accessToken = 'mutated-after-save';
        const loaded = await store.load();
        loaded!.tokens!.refreshToken = 'mutated-after-load';
        expect(await store.load()).toEqual(expected);
      }),
    );

    it(
      'clear removes the record',
      withStore(async (store, context) => {
        await store.save(makeTestRecord());
        if (options.inspect) expect(await options.inspect(context)).toBeTruthy();
        expect(await store.clear()).toBe(true);
        expect(await store.load()).toBeNull();
        if (options.inspect) expect(await options.inspect(context)).toBeFalsy();
      }),
    );

    it(
      'save with previousRefreshToken swaps only when it matches (compare-and-swap)',
      withStore(async (store) => {
        const first = makeTestRecord();
        await store.save(first, { previousRefreshToken: null });
        const second = makeTestRecord({ accountId: first.tokens!.accountId! });
        await store.save(second, { previousRefreshToken: first.tokens!.refreshToken });
        expect(await store.load()).toEqual(second);

        const stale = makeTestRecord();
        await expect(
          store.save(stale, { previousRefreshToken: first.tokens!.refreshToken }),
        ).rejects.toMatchObject({ code: ErrorCodes.STORE_CONFLICT });
        await expect(store.save(stale, { previousRefreshToken: null })).rejects.toMatchObject({
          code: ErrorCodes.STORE_CONFLICT,
        });
        expect(await store.load()).toEqual(second);
      }),
    );

    it(
      'lets exactly one of several concurrent swaps from the same token win',
      withStore(async (store) => {
        const first = makeTestRecord();
        await store.save(first);
        const contenders = Array.from({ length: 8 }, () => makeTestRecord());
        const outcomes = await Promise.allSettled(
          contenders.map((record) =>
            store.save(record, { previousRefreshToken: first.tokens!.refreshToken }),
          ),
        );
        const winners = outcomes.flatMap((outcome, index) =>
          outcome.status === 'fulfilled' ? [contenders[index]] : [],
        );
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toMatchObject({ code: ErrorCodes.STORE_CONFLICT });
          }
        }
        expect(await store.load()).toEqual(winners[0]);
      }),
    );

    it(
      'a second instance on the same backing location sees the record',
      withStore(async (store, context, test) => {
        test.skip(!store.capabilities.persistent, 'the store is not persistent');
        const record = makeTestRecord();
        await store.save(record);
        const again = await options.create(context);
        expect(await again.load()).toEqual(record);
      }),
    );

    it(
      'withLock runs callers one at a time, returns their value and releases on error',
      withStore(async (store, _context, test) => {
        test.skip(!store.withLock, 'the store has no withLock');
        if (!store.withLock) return;
        const withLock = store.withLock.bind(store);
        const trace: string[] = [];
        const task = (name: string) =>
          withLock(async () => {
            trace.push(`${name}:start`);
            await new Promise((resolve) => setTimeout(resolve, 5));
            trace.push(`${name}:end`);
            return name;
          });
        expect(await Promise.all([task('a'), task('b'), task('c')])).toEqual(['a', 'b', 'c']);
        for (let i = 0; i < trace.length; i += 2) {
          expect(trace[i]?.replace(':start', '')).toBe(trace[i + 1]?.replace(':end', ''));
        }
        await expect(withLock(async () => Promise.reject(new Error('boom')))).rejects.toThrow(
          'boom',
        );
        expect(await withLock(async () => 'released')).toBe('released');
      }),
    );

    it(
      'watch reports every save and clear until unsubscribed',
      withStore(async (store, _context, test) => {
        test.skip(!store.watch, 'the store has no watch');
        if (!store.watch) return;
        const seen: unknown[] = [];
        const unsubscribe = store.watch((record) => seen.push(record));
        const record = makeTestRecord();
        await store.save(record);
        await store.clear();
        unsubscribe();
        await store.save(makeTestRecord());
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(seen).toEqual([record, null]);
      }),
    );
  });
}
