import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import type { TokenStore } from '../store/token-store.js';
import { type DescribeTokenStoreOptions, describeError, storeTest } from './suite-options.js';
import { makeTestRecord } from './test-records.js';

// Recognisable in a message, and not shaped like a token (messages redact those anyway).
const MARKER = 'planted-marker-data';

/** Data no codec reads as a record: truncated, not JSON, not an object, a key of the wrong type. */
const UNREADABLE_SAMPLES: readonly string[] = [
  `{"auth_mode": "chatgpt", "tokens": {"refresh_token": "${MARKER}"`,
  `${MARKER} is not JSON`,
  `["${MARKER}"]`,
  `{"auth_mode": "chatgpt", "tokens": {"id_token": 42, "note": "${MARKER}"}}`,
];

const NO_HOOK = 'no plantUnreadable hook was given';

async function expectCorrupt(store: TokenStore, what: string): Promise<void> {
  const error = await store.load().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(
    isCodexOAuthError(error, ErrorCodes.STORE_CORRUPT),
    `load() of ${what} gave ${describeError(error)}, not a CodexOAuthError with code ` +
      'CODEX_OAUTH_STORE_CORRUPT (a driver must not throw raw parse errors: return the string ' +
      'and let core read it, or throw a CodexOAuthError that names the store)',
  ).toBe(true);
  const shown = `${(error as Error).message}\n${inspect(error, { depth: 5 })}`;
  expect(shown.includes(MARKER), 'the STORE_CORRUPT error quotes the stored data').toBe(false);
}

/** Unreadable data, planted through `plantUnreadable`: typed errors, never overwritten. */
export function corruptTests(options: DescribeTokenStoreOptions): void {
  const plant = options.plantUnreadable;

  it(
    `load() of unreadable data is STORE_CORRUPT and does not quote it${plant ? '' : ` (skipped: ${NO_HOOK})`}`,
    storeTest(options, async (store, context, test) => {
      test.skip(!plant, NO_HOOK);
      for (const [i, data] of UNREADABLE_SAMPLES.entries()) {
        await plant?.(context, data);
        await expectCorrupt(store, `unreadable sample ${i + 1}`);
      }
    }),
  );

  it(
    `no save overwrites unreadable data, with or without compare-and-swap${plant ? '' : ` (skipped: ${NO_HOOK})`}`,
    storeTest(options, async (store, context, test) => {
      test.skip(!plant, NO_HOOK);
      const data = UNREADABLE_SAMPLES[0] as string;
      await plant?.(context, data);
      const raw = options.inspect ? await options.inspect(context) : undefined;
      for (const previous of [undefined, null, 'rt_not-the-stored-one']) {
        const saveOptions = previous === undefined ? {} : { previousRefreshToken: previous };
        const error = await store.save(makeTestRecord(), saveOptions).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, 'a save over unreadable data succeeded: it destroyed the data').toBeDefined();
        expect(
          isCodexOAuthError(error),
          `a save over unreadable data threw ${describeError(error)}`,
        ).toBe(true);
      }
      await expectCorrupt(store, 'unreadable data after refused saves');
      if (options.inspect) {
        expect(await options.inspect(context), 'a refused save changed the stored data').toEqual(
          raw,
        );
      }
    }),
  );

  it(
    `clear() (logout) gets rid of unreadable data${plant ? '' : ` (skipped: ${NO_HOOK})`}`,
    storeTest(options, async (store, context, test) => {
      test.skip(!plant, NO_HOOK);
      await plant?.(context, UNREADABLE_SAMPLES[1] as string);
      expect(await store.clear(), 'clear() over unreadable data must resolve true').toBe(true);
      expect(await store.load()).toBeNull();
    }),
  );

  it(
    `quarantine(), when declared, moves unreadable data aside so a sign-in can be saved${plant ? '' : ` (skipped: ${NO_HOOK})`}`,
    storeTest(options, async (store, context, test) => {
      test.skip(!plant, NO_HOOK);
      test.skip(!store.quarantine, 'the store declares no quarantine()');
      await plant?.(context, UNREADABLE_SAMPLES[2] as string);
      const where = await store.quarantine?.();
      expect(typeof where, 'quarantine() of unreadable data must say where it went').toBe('string');
      expect(await store.load()).toBeNull();
      const record = makeTestRecord();
      await store.save(record);
      expect(await store.load()).toEqual(record);
    }),
  );
}
