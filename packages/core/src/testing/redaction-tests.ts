import { format, inspect } from 'node:util';
import { expect, it } from 'vitest';
import type { AuthRecord } from '../model/auth-record.js';
import { type DescribeTokenStoreOptions, storeTest } from './suite-options.js';
import { makeApiKeyRecord, makeTestRecord } from './test-records.js';

/** Every way a record or store is commonly printed (`format` is what `console.log` does). */
function shown(value: unknown): string {
  return [
    format(value),
    format('%o %j', value, value),
    inspect(value, { depth: 10 }),
    inspect(value, { depth: 10, showHidden: true }),
    JSON.stringify(value) ?? '',
    JSON.stringify({ wrapped: [value] }),
  ].join('\n');
}

/** The secrets of `record`: tokens and the API key, not the account id. */
function secretsOf(record: AuthRecord): string[] {
  const { tokens } = record;
  return [tokens?.idToken, tokens?.accessToken, tokens?.refreshToken, record.openaiApiKey].filter(
    (value): value is string => typeof value === 'string',
  );
}

function expectHidden(value: unknown, secrets: string[], what: string): void {
  const text = shown(value);
  for (const secret of secrets) {
    expect(
      text.includes(secret),
      `${what} shows a secret in console.log, util.inspect or JSON.stringify: records a store returns need ` +
        "core's redaction hooks (defineTokenStore adds them)",
    ).toBe(false);
  }
}

/** SPEC §10: no token in `inspect` or JSON output of anything a store hands out. */
export function redactionTests(options: DescribeTokenStoreOptions): void {
  it(
    'util.inspect and JSON.stringify of every loaded record show no token',
    storeTest(options, async (store) => {
      for (const record of [makeTestRecord(), makeApiKeyRecord()]) {
        await store.save(record);
        const loaded = await store.load();
        expectHidden(loaded, secretsOf(record), 'a loaded record');
        expect(loaded, 'redaction must not change what the fields hold').toEqual(record);
      }
      const first = makeTestRecord();
      await store.save(first);
      const next = makeTestRecord();
      await store.save(next, { previousRefreshToken: first.tokens?.refreshToken ?? null });
      expectHidden(await store.load(), secretsOf(next), 'a record loaded after a swap');
    }),
  );

  it(
    'records given to watch listeners, and the store itself, show no token',
    storeTest(options, async (store) => {
      const record = makeTestRecord();
      const seen: unknown[] = [];
      const unsubscribe = store.watch?.((value) => seen.push(value));
      await store.save(record);
      await new Promise((resolve) => setTimeout(resolve, 20));
      unsubscribe?.();
      for (const value of seen) expectHidden(value, secretsOf(record), 'a record given to watch');
      expectHidden(store, secretsOf(record), 'the store object');
    }),
  );

  it(
    'a conflict error names no token',
    storeTest(options, async (store) => {
      const record = makeTestRecord();
      await store.save(record);
      const stale = makeTestRecord();
      const error = await store
        .save(stale, { previousRefreshToken: stale.tokens?.refreshToken ?? null })
        .catch((e: unknown) => e);
      expectHidden(error, [...secretsOf(record), ...secretsOf(stale)], 'the conflict error');
    }),
  );
}
