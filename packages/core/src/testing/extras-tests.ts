import { expect, it } from 'vitest';
import { type DescribeTokenStoreOptions, storeTest } from './suite-options.js';
import { makeTestRecord } from './test-records.js';

const LOGIN_METHODS = [null, 'chatgpt', 'api'];

/**
 * The optional members the session uses when a store declares them (`describe`, `path`,
 * `quarantine`, `dispose`, `watch`): each is tested when present, skipped with the reason when not.
 */
export function extrasTests(options: DescribeTokenStoreOptions): void {
  it(
    'describe(), when declared, reports a location, string warnings and a well-formed sign-in policy',
    storeTest(options, async (store, _context, test) => {
      test.skip(!store.describe, 'the store declares no describe()');
      const description = store.describe?.() ?? {};
      expect(typeof description, 'describe() must return an object').toBe('object');
      const { location, warnings, signIn } = description;
      if (location !== undefined) expect(typeof location, 'describe().location').toBe('string');
      if (warnings !== undefined) {
        expect(Array.isArray(warnings), 'describe().warnings must be an array').toBe(true);
        for (const warning of warnings) expect(typeof warning, 'a warning').toBe('string');
      }
      if (signIn !== undefined) {
        const ids = signIn.forcedWorkspaceIds;
        expect(
          ids === null || (Array.isArray(ids) && ids.every((id) => typeof id === 'string')),
          'describe().signIn.forcedWorkspaceIds must be null or strings',
        ).toBe(true);
        expect(LOGIN_METHODS, 'describe().signIn.forcedLoginMethod').toContain(
          signIn.forcedLoginMethod,
        );
      }
    }),
  );

  it(
    'path, when declared, is where describe() says the record lives',
    storeTest(options, async (store, _context, test) => {
      test.skip(store.path === undefined, 'the store declares no path');
      expect(typeof store.path, 'path must be a string').toBe('string');
      const location = store.describe?.().location;
      if (location !== undefined)
        expect(location, 'path and describe().location differ').toBe(store.path);
    }),
  );

  it(
    'quarantine(), when declared, resolves null when nothing is stored and leaves a good record alone',
    storeTest(options, async (store, _context, test) => {
      test.skip(!store.quarantine, 'the store declares no quarantine()');
      expect(
        await store.quarantine?.(),
        'quarantine() of an empty store must resolve null',
      ).toBeNull();
    }),
  );

  it(
    'dispose(), when declared, can be awaited and called again',
    storeTest(options, async (store, _context, test) => {
      test.skip(!store.dispose, 'the store declares no dispose()');
      await store.save(makeTestRecord());
      await store.dispose?.();
      await store.dispose?.();
    }),
  );

  it(
    'watch(), when declared, reports every save and clear until unsubscribed',
    storeTest(options, async (store, _context, test) => {
      test.skip(!store.watch, 'the store declares no watch()');
      const seen: unknown[] = [];
      const unsubscribe = store.watch?.((record) => seen.push(record)) ?? (() => {});
      expect(typeof unsubscribe, 'watch() must return the unsubscribe function').toBe('function');
      const record = makeTestRecord();
      await store.save(record);
      await store.clear();
      unsubscribe();
      await store.save(makeTestRecord());
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen, 'watch() listeners saw the wrong changes').toEqual([record, null]);
    }),
  );
}
