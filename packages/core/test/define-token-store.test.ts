import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { defineTokenStore } from '../src/store/define-token-store.js';
import type { TokenStoreDriver } from '../src/store/driver.js';
import { describeTokenStore } from '../src/testing/describe-token-store.js';
import { makeApiKeyRecord, makeTestRecord } from '../src/testing/test-records.js';

/** A driver over one string, with the backend exposed so tests can look at and plant data. */
function stringDriver(overrides: Partial<TokenStoreDriver> = {}) {
  const backend = { value: null as string | null, writes: 0 };
  const driver: TokenStoreDriver = {
    kind: 'string',
    async read() {
      return backend.value;
    },
    async write(value, expected) {
      if (expected !== undefined && expected !== backend.value) return false;
      backend.value = value;
      backend.writes++;
      return true;
    },
    async remove() {
      const had = backend.value !== null;
      backend.value = null;
      return had;
    },
    ...overrides,
  };
  return { backend, driver };
}

const backends = new Map<string, ReturnType<typeof stringDriver>>();
describeTokenStore({
  name: 'defineTokenStore over one string',
  create: ({ id }) => {
    const entry = backends.get(id) ?? stringDriver();
    backends.set(id, entry);
    return defineTokenStore(entry.driver);
  },
  cleanup: ({ id }) => {
    backends.delete(id);
  },
  inspect: ({ id }) => backends.get(id)?.backend.value,
  plantUnreadable: ({ id }, data) => {
    const entry = backends.get(id);
    if (entry) entry.backend.value = data;
  },
});

describe('defineTokenStore', () => {
  it('stores the record in the schema of Codex auth.json, and reads it back', async () => {
    const { backend, driver } = stringDriver();
    const store = defineTokenStore(driver);
    const record = makeTestRecord();
    await store.save(record);
    const stored = JSON.parse(backend.value ?? 'null');
    expect(Object.keys(stored)).toEqual(['auth_mode', 'OPENAI_API_KEY', 'tokens', 'last_refresh']);
    expect(stored.tokens.refresh_token).toBe(record.tokens?.refreshToken);
    expect(await store.load()).toEqual(record);
  });

  it('derives capabilities: persistent only when declared, crossProcessLock from lock()', () => {
    expect(defineTokenStore(stringDriver().driver).capabilities).toEqual({
      persistent: false,
      crossProcessLock: false,
    });
    const locked = stringDriver({ lock: (fn) => fn(), capabilities: { persistent: true } });
    expect(defineTokenStore(locked.driver).capabilities).toEqual({
      persistent: true,
      crossProcessLock: true,
    });
  });

  it('refuses a driver that is not one, saying which part is missing', () => {
    const noLock = stringDriver({ capabilities: { crossProcessLock: true } });
    expect(() => defineTokenStore(noLock.driver)).toThrow(/crossProcessLock is set but lock\(\)/);
    const { driver } = stringDriver();
    expect(() => defineTokenStore({ ...driver, remove: undefined } as never)).toThrow(
      expect.objectContaining({
        code: ErrorCodes.INVALID_OPTION,
        message: expect.stringMatching(/remove\(\) is missing/),
      }),
    );
  });

  it('unreadable data is STORE_CORRUPT naming the store, and a save leaves it in place', async () => {
    const { backend, driver } = stringDriver({ describe: () => ({ location: 'the test string' }) });
    const store = defineTokenStore(driver);
    for (const garbage of ['{"tokens": ', '[]', '{"tokens":{"id_token":5}}', 'rt_secret-looking']) {
      backend.value = garbage;
      const error = await store.load().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCodes.STORE_CORRUPT });
      expect((error as Error).message).toContain('The string store (the test string)');
      expect(inspect(error)).not.toContain('rt_secret-looking');
      await expect(store.save(makeTestRecord())).rejects.toMatchObject({
        code: ErrorCodes.STORE_CORRUPT,
      });
      expect(backend.value).toBe(garbage);
    }
    expect(await store.clear()).toBe(true);
    expect(await store.load()).toBeNull();
  });

  it('every loaded record hides its tokens from inspect and JSON.stringify', async () => {
    const { driver } = stringDriver();
    const store = defineTokenStore(driver);
    const record = makeTestRecord();
    await store.save(record);
    const loaded = await store.load();
    const shown = `${inspect(loaded, { depth: 10 })}${JSON.stringify(loaded)}${JSON.stringify([loaded])}`;
    for (const token of Object.values(record.tokens ?? {})) {
      if (token !== record.tokens?.accountId) expect(shown).not.toContain(token);
    }
    expect(shown).toContain('[redacted]');
    expect(loaded?.tokens?.accessToken).toBe(record.tokens?.accessToken);
  });

  it('a driver write that resolves something other than a boolean is a typed error', async () => {
    const { driver } = stringDriver({ write: async () => undefined as never });
    await expect(defineTokenStore(driver).save(makeApiKeyRecord())).rejects.toMatchObject({
      code: ErrorCodes.INVALID_OPTION,
      message: expect.stringContaining('write() must resolve true or false'),
    });
  });

  it("re-reads on the driver's change notice and drops the echo of its own writes", async () => {
    let notify: () => void = () => {};
    let subscribed = 0;
    const { backend, driver } = stringDriver({
      watch(onChange) {
        subscribed++;
        notify = onChange;
        return () => {
          subscribed--;
        };
      },
    });
    const store = defineTokenStore(driver);
    const seen: (string | null | undefined)[] = [];
    const unsubscribe =
      store.watch?.((record) => seen.push(record?.tokens?.accountId)) ?? (() => {});
    expect(subscribed).toBe(1);
    const own = makeTestRecord({ accountId: 'acct-own' });
    await store.save(own);
    notify(); // the backend echoes our own write
    const elsewhere = stringDriver();
    await defineTokenStore(elsewhere.driver).save(makeTestRecord({ accountId: 'acct-other' }));
    backend.value = elsewhere.backend.value;
    notify(); // another process wrote
    await new Promise((resolve) => setTimeout(resolve, 10));
    unsubscribe();
    expect(subscribed).toBe(0);
    expect(seen).toEqual(['acct-own', 'acct-other']);
  });

  it('loads copies: changing a loaded record or a saved one does not change the store', async () => {
    const store = defineTokenStore(stringDriver().driver);
    const record = makeTestRecord();
    await store.save(record);
    const first = await store.load();
    if (first?.tokens) first.tokens.accessToken = 'changed';
    expect(await store.load()).toEqual(record);
  });
});
