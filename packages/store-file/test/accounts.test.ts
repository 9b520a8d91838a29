import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  getAccessToken,
  isCodexOAuthError,
  listAccounts,
  login,
  logout,
  refresh,
  status,
  switchAccount,
} from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fileAccounts, fileStore } from '../src/index.js';
import { tempHome } from './children.js';

// The library API of several accounts, through core's default (file) storage, which imports
// store-file's fileAccounts dynamically. The CLI tests cover the same ground as processes.
const ALICE = { email: 'alice@example.test', accountId: 'acct-alice', userId: 'u-alice' };
const BOB = { email: 'bob@example.test', accountId: 'acct-bob', userId: 'u-bob', planType: 'pro' };
const ENV = { CODEX_HOME: undefined, CODEX_OAUTH_ISSUER: undefined };
const TWO_HOURS = 2 * 3600_000;

let fake: FakeIssuer;
let skew = 0;
let home: Awaited<ReturnType<typeof tempHome>>;
const opts = () => ({ codexHome: home.dir, issuer: fake.url, env: ENV });
const signIn = (account: object, extra: object = {}) => {
  fake.setAccount(account);
  return login({ ...opts(), flow: 'device', interactive: true, ...extra });
};
const authJson = () => readFile(join(home.dir, 'auth.json'), 'utf8');
const lastGrant = (email: string) =>
  fake.issued.grants.filter((g) => g.account.email === email).at(-1);

beforeAll(async () => {
  fake = await startFakeIssuer({
    deviceAutoApprove: true,
    deviceInterval: '0',
    accountPerGrant: true,
    now: () => Date.now() + skew,
  });
});
afterAll(() => fake.stop());
beforeEach(async () => {
  skew = 0;
  home = await tempHome();
});
afterEach(() => home.cleanup());

describe('several accounts through the library', () => {
  it('addAccount, listAccounts, switchAccount and the account option', async () => {
    skew = -TWO_HOURS;
    await signIn(ALICE);
    skew = 0;
    const added = await signIn(BOB, { addAccount: true });
    expect(added).toMatchObject({ flowUsed: 'device_code', email: BOB.email, storageUsed: 'file' });

    const { accounts, active, warnings } = await listAccounts(opts());
    expect(accounts.map((a) => [a.number, a.email, a.active, a.health, a.saved])).toEqual([
      [1, ALICE.email, false, 'refresh_due', true],
      [2, BOB.email, true, 'ok', true],
    ]);
    expect(active?.email).toBe(BOB.email);
    expect(warnings).toEqual([]);
    const secrets = fake.issued.grants.flatMap((g) => [...g.refreshTokens, ...g.accessTokens]);
    const shown = inspect(accounts, { depth: 5 }) + JSON.stringify(accounts);
    expect(secrets.filter((s) => shown.includes(s))).toEqual([]);

    // Alice is inactive and expired: her token refreshes her entry only.
    const bobBytes = await authJson();
    const token = await getAccessToken({ ...opts(), account: ALICE.email });
    expect(token.accountId).toBe(ALICE.accountId);
    expect(await authJson()).toBe(bobBytes);
    expect((await status({ ...opts(), account: 1 })).needsRefresh).toBe(false);
    const forced = await refresh({ ...opts(), account: 'acct-alice', force: true });
    expect(forced.email).toBe(ALICE.email);
    expect(await authJson()).toBe(bobBytes);

    const switched = await switchAccount(ALICE.email, opts());
    expect(switched).toMatchObject({ number: 1, active: true, email: ALICE.email });
    expect((await status(opts())).email).toBe(ALICE.email);
    expect((await getAccessToken(opts())).accessToken).toBe(
      lastGrant(ALICE.email)?.accessTokens.at(-1),
    );
    await switchAccount(2, opts());
    expect(await authJson()).toBe(bobBytes);

    await logout({ ...opts(), account: ALICE.email });
    expect(lastGrant(ALICE.email)?.revoked).toBe('revoke');
    expect((await listAccounts(opts())).accounts.map((a) => a.email)).toEqual([BOB.email]);
  });

  it('twenty concurrent getAccessToken({ account }) calls send one refresh for that entry', async () => {
    skew = -TWO_HOURS;
    await signIn(ALICE);
    skew = 0;
    await signIn(BOB, { addAccount: true });
    const seen = fake.count('/oauth/token');
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => getAccessToken({ ...opts(), account: ALICE.email })),
    );
    expect(fake.count('/oauth/token') - seen).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(tokens[0]?.accessToken).toBe(lastGrant(ALICE.email)?.accessTokens.at(-1));
  });

  it('a writer that ignores the switch (codex login, another tool) loses neither account', async () => {
    await signIn(ALICE);
    await signIn(BOB, { addAccount: true });
    await switchAccount(ALICE.email, opts());
    const aliceBytes = await authJson();
    await switchAccount(BOB.email, opts());
    // Something that knows nothing of accounts puts Alice back into auth.json over Bob (a
    // `codex login`, a restored backup). Bob is still in his entry, which is kept while active.
    await writeFile(join(home.dir, 'auth.json'), aliceBytes);
    const { accounts } = await listAccounts(opts());
    expect(accounts.map((a) => [a.email, a.active])).toEqual([
      [ALICE.email, true],
      [BOB.email, false],
    ]);
    const bob = await getAccessToken({ ...opts(), account: BOB.email });
    expect(bob.accessToken).toBe(lastGrant(BOB.email)?.accessTokens.at(-1));
  });

  it('refuses what it cannot do, with typed errors', async () => {
    await signIn(ALICE);
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error) => (isCodexOAuthError(error) ? error.code : String(error)),
      );
    expect(await code(switchAccount('nobody@example.test', opts()))).toBe(
      'CODEX_OAUTH_ACCOUNT_NOT_FOUND',
    );
    expect(await code(getAccessToken({ ...opts(), account: 3 }))).toBe(
      'CODEX_OAUTH_ACCOUNT_NOT_FOUND',
    );
    expect(await code(listAccounts({ ...opts(), storage: 'memory' }))).toBe(
      'CODEX_OAUTH_INVALID_OPTION',
    );
    // A `store` of the caller's own has no account layout unless `accounts` comes with it.
    expect(
      await code(status({ ...opts(), store: fileStore({ codexHome: home.dir }), account: 1 })),
    ).toBe('CODEX_OAUTH_INVALID_OPTION');
    // With its own store, a caller passes the accounts backend explicitly.
    const explicit = await listAccounts({
      store: fileStore({ codexHome: home.dir }),
      accounts: fileAccounts({ codexHome: home.dir }),
    });
    expect(explicit.accounts.map((a) => a.email)).toEqual([ALICE.email]);
    expect(await code(login({ ...opts(), addAccount: true, forceNew: true }))).toBe(
      'CODEX_OAUTH_INVALID_OPTION',
    );
    // An API key in auth.json is not an account: switching over it is refused, it stays.
    await signIn(BOB, { addAccount: true });
    await fileStore({ codexHome: home.dir }).save({
      authMode: 'apikey',
      openaiApiKey: 'sk-not-a-real-key',
      tokens: null,
      lastRefresh: null,
    });
    const keyBytes = await authJson();
    expect(await code(switchAccount(ALICE.email, opts()))).toBe(
      'CODEX_OAUTH_ACCOUNT_SWITCH_REFUSED',
    );
    expect(await authJson()).toBe(keyBytes);
  });
});
