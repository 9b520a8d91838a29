import { expect, it } from 'vitest';
import { type DescribeTokenStoreOptions, storeTest } from './suite-options.js';
import { makeApiKeyRecord, makeTestRecord } from './test-records.js';

/** The basic contract: the shape, empty state, round trips, copies, clear and persistence. */
export function basicTests(options: DescribeTokenStoreOptions): void {
  it(
    'has the methods and capabilities of the contract',
    storeTest(options, async (store) => {
      expect(typeof store.kind, 'kind must be a string').toBe('string');
      for (const method of ['load', 'save', 'clear'] as const) {
        expect(typeof store[method], `${method}() is missing`).toBe('function');
      }
      for (const flag of ['persistent', 'crossProcessLock'] as const) {
        expect(typeof store.capabilities?.[flag], `capabilities.${flag} must be a boolean`).toBe(
          'boolean',
        );
      }
      for (const method of ['withLock', 'watch', 'describe', 'quarantine', 'dispose'] as const) {
        const kind = typeof store[method];
        expect(['undefined', 'function'], `${method}, when declared, must be a method`).toContain(
          kind,
        );
      }
      if (store.capabilities.crossProcessLock) {
        expect(typeof store.withLock, 'crossProcessLock is declared without withLock()').toBe(
          'function',
        );
      }
    }),
  );

  it(
    'loads null when nothing is stored, and clear says nothing was removed',
    storeTest(options, async (store) => {
      expect(await store.load(), 'load() of an empty store must resolve null').toBeNull();
      expect(await store.clear(), 'clear() of an empty store must resolve false').toBe(false);
    }),
  );

  it(
    'round-trips a ChatGPT record and an api-key record unchanged',
    storeTest(options, async (store) => {
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
    storeTest(options, async (store) => {
      const record = makeTestRecord();
      const expected = structuredClone(record);
      await store.save(record);
      if (record.tokens) record.tokens.accessToken = 'mutated-after-save';
      const loaded = await store.load();
      if (loaded?.tokens) loaded.tokens.refreshToken = 'mutated-after-load';
      expect(await store.load(), 'a record given to or taken from the store is shared').toEqual(
        expected,
      );
    }),
  );

  it(
    'clear removes the record',
    storeTest(options, async (store, context) => {
      await store.save(makeTestRecord());
      if (options.inspect) expect(await options.inspect(context)).toBeTruthy();
      expect(await store.clear(), 'clear() after a save must resolve true').toBe(true);
      expect(await store.load()).toBeNull();
      if (options.inspect) {
        expect(await options.inspect(context), 'clear() left data in the backend').toBeFalsy();
      }
    }),
  );

  it(
    'a second instance on the same backing location sees the record',
    storeTest(options, async (store, context, test) => {
      test.skip(!store.capabilities.persistent, 'the store is not persistent');
      const record = makeTestRecord();
      await store.save(record);
      const again = await options.create(context);
      expect(
        await again.load(),
        'capabilities.persistent is set, but a second store for the same context sees nothing',
      ).toEqual(record);
    }),
  );
}
