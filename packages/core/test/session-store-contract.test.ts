import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { getAccessToken, login, logout, status } from '../src/session/index.js';
import { resolveStore } from '../src/session/resolve-store.js';
import { defineTokenStore } from '../src/store/define-token-store.js';
import type { TokenStore, TokenStoreDescription } from '../src/store/token-store.js';
import { makeTestJwt } from '../src/testing/test-records.js';
import {
  baseOptions,
  recorder,
  type TempHome,
  useIssuerAndHome,
} from './helpers/session-fixtures.js';

// A custom store gets every session behaviour it declares through the TokenStore contract, and
// none of the duck-typed extras the built-in stores used to be probed for.

let fake: FakeIssuer;
let home: TempHome;
useIssuerAndHome((sandbox) => {
  ({ fake, home } = sandbox);
});

/** A custom store over one string, counting reads, with whatever extras a test declares. */
function customStore(extras: Partial<TokenStore> & { description?: TokenStoreDescription } = {}) {
  const backend = { value: null as string | null, reads: 0 };
  const { description, ...members } = extras;
  const store = defineTokenStore({
    kind: 'custom',
    async read() {
      backend.reads++;
      return backend.value;
    },
    async write(value, expected) {
      if (expected !== undefined && expected !== backend.value) return false;
      backend.value = value;
      return true;
    },
    async remove() {
      const had = backend.value !== null;
      backend.value = null;
      return had;
    },
  });
  return {
    backend,
    store: { ...store, ...(description && { describe: () => description }), ...members },
  };
}

describe('a custom store gets the session behaviours it declares', () => {
  it('describe().signIn forcedLoginMethod "api" refuses a ChatGPT sign-in before any request', async () => {
    const { store } = customStore({
      description: { signIn: { forcedWorkspaceIds: null, forcedLoginMethod: 'api' } },
    });
    await expect(login({ ...baseOptions(fake, home.dir), store })).rejects.toMatchObject({
      code: ErrorCodes.LOGIN_METHOD_FORBIDDEN,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('describe().signIn forcedWorkspaceIds is sent and checked; nothing is stored on a mismatch', async () => {
    const { store, backend } = customStore({
      description: { signIn: { forcedWorkspaceIds: ['ws_custom'], forcedLoginMethod: null } },
    });
    const { events, onEvent } = recorder();
    await expect(
      login({ ...baseOptions(fake, home.dir, { onEvent }), store }),
    ).rejects.toMatchObject({
      code: ErrorCodes.WORKSPACE_MISMATCH,
    });
    const url = events.find((e) => e.type === 'url_ready');
    expect(url && new URL(url.url).searchParams.get('allowed_workspace_id')).toBe('ws_custom');
    expect(backend.value).toBeNull();
  });

  it('describe() warnings and the declared path reach status()', async () => {
    const { store } = customStore({
      path: '/srv/tokens.json',
      description: { location: '/srv/tokens.json', warnings: ['the disk is nearly full'] },
    });
    const result = await status({ ...baseOptions(fake, home.dir), store });
    expect(result).toMatchObject({
      path: '/srv/tokens.json',
      warnings: ['the disk is nearly full'],
    });
    const plain = await status({ ...baseOptions(fake, home.dir), store: customStore().store });
    expect(plain).not.toHaveProperty('path');
    expect(plain.warnings).toEqual([]);
  });

  it('login --force quarantines unreadable data through quarantine(), then saves', async () => {
    const quarantined: string[] = [];
    const { store, backend } = customStore({
      async quarantine() {
        if (backend.value === null) return null;
        quarantined.push(backend.value);
        backend.value = null;
        return 'the quarantine shelf';
      },
    });
    backend.value = 'not a record';
    const result = await login({ ...baseOptions(fake, home.dir), store, forceNew: true });
    expect(quarantined).toEqual(['not a record']);
    expect(result.warnings.join('\n')).toContain('moved to the quarantine shelf');
    expect((await store.load())?.authMode).toBe('chatgpt');
  });

  it('without quarantine(), login --force over unreadable data fails and leaves it alone', async () => {
    const { store, backend } = customStore();
    backend.value = 'not a record';
    await expect(
      login({ ...baseOptions(fake, home.dir), store, forceNew: true }),
    ).rejects.toMatchObject({ code: ErrorCodes.STORE_CORRUPT });
    expect(backend.value).toBe('not a record');
  });

  it('logout clears, then calls dispose() once; a store without it is left as it is', async () => {
    const calls: string[] = [];
    const { store } = customStore({ dispose: () => void calls.push('dispose') });
    const opts = { ...baseOptions(fake, home.dir), store };
    await login(opts);
    await logout(opts);
    expect(calls).toEqual(['dispose']);
    expect(await store.load()).toBeNull();
    const plain = customStore().store;
    await login({ ...opts, store: plain });
    await logout({ ...opts, store: plain });
    await login({ ...opts, store: plain }); // still usable
    expect((await plain.load())?.authMode).toBe('chatgpt');
  });

  it('getAccessToken hands its loaded record to the refresh: three reads, not four', async () => {
    const { store, backend } = customStore();
    const opts = { ...baseOptions(fake, home.dir), store };
    await login(opts);
    const record = await store.load();
    if (!record?.tokens) throw new Error('not signed in');
    const expired = makeTestJwt({ exp: Math.floor(Date.now() / 1000) - 60 });
    await store.save({ ...record, tokens: { ...record.tokens, accessToken: expired } });
    backend.reads = 0;
    await getAccessToken(opts);
    expect(fake.issued.grants[0]?.refreshCount).toBe(1);
    // Its own load, the re-read under the lock, and the save's compare-and-swap read.
    expect(backend.reads).toBe(3);
  });
});

describe('built-in stores are resolved once per process per location', () => {
  it('the same location gives the same store object; another location another one', async () => {
    const env = { HOME: home.dir, CODEX_HOME: undefined };
    const first = await resolveStore({ storage: 'file', codexHome: home.dir }, env);
    expect(await resolveStore({ storage: 'auto', codexHome: home.dir }, env)).toBe(first);
    const elsewhere = await resolveStore({ storage: 'file', codexHome: `${home.dir}/other` }, env);
    expect(elsewhere).not.toBe(first);
    expect(elsewhere.path).toBe(`${home.dir}/other/auth.json`);
  });

  it('the memory store lives until logout disposes it; the next call gets a fresh one', async () => {
    const opts = { ...baseOptions(fake, home.dir), storage: 'memory' as const };
    const before = await resolveStore(opts, {});
    expect(await resolveStore(opts, {})).toBe(before);
    await login(opts);
    await logout(opts);
    const after = await resolveStore(opts, {});
    expect(after).not.toBe(before);
    expect((await status(opts)).authenticated).toBe(false);
  });
});
