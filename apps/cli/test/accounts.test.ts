import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  accountsJson,
  authJson,
  BOB,
  emailIn,
  grantOf,
  issuedSecrets,
  signInAs,
  useAccountsSandbox,
} from './accounts-support.js';
import { runCli, startCli } from './helpers.js';

const sandbox = useAccountsSandbox();
const TWO_HOURS = 2 * 3600_000;
const entryFile = (key: string) => join(sandbox.home, 'codex-oauth', 'accounts', key, 'auth.json');
const mode = async (path: string) => (await stat(path)).mode & 0o777;

function expectNoSecrets(text: string): void {
  const leaked = issuedSecrets(sandbox.issuer).filter((secret) => text.includes(secret));
  expect(leaked.length, 'a token appeared in the output').toBe(0);
}

describe('login --add, accounts, switch', () => {
  it('adds a second account, lists both, and switches auth.json back and forth byte for byte', async () => {
    await signInAs(sandbox, ALICE);
    const aliceBytes = await authJson(sandbox.home);
    await signInAs(sandbox, BOB, ['--add']);
    const bobBytes = await authJson(sandbox.home);
    expect(emailIn(bobBytes)).toBe(BOB.email);

    const listed = await accountsJson(sandbox);
    expect(listed.accounts.map((a) => [a.number, a.email, a.active, a.health])).toEqual([
      [1, ALICE.email, false, 'ok'],
      [2, BOB.email, true, 'ok'],
    ]);
    expect(listed.accounts[1]).toMatchObject({ accountId: BOB.accountId, planType: 'team' });
    expect(listed.active).toBe(2);
    // One 0600 file per account in 0700 folders; Alice's entry is exactly her auth.json.
    const [alice, bob] = listed.accounts as [
      (typeof listed.accounts)[0],
      (typeof listed.accounts)[0],
    ];
    expect(await readFile(entryFile(alice.key), 'utf8')).toBe(aliceBytes);
    for (const dir of [
      'codex-oauth',
      'codex-oauth/accounts',
      `codex-oauth/accounts/${alice.key}`,
    ]) {
      expect(await mode(join(sandbox.home, dir))).toBe(0o700);
    }
    expect(await mode(entryFile(alice.key))).toBe(0o600);
    expect(await mode(entryFile(bob.key))).toBe(0o600);

    const human = await runCli(['accounts'], sandbox.env);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/\* +2 +bob@example\.test \(team, workspace acct-bob-team\)/);
    expectNoSecrets(human.stdout + human.stderr + JSON.stringify(listed));

    const toAlice = await runCli(['switch', 'ALICE@example.test', '--json'], sandbox.env);
    expect(toAlice.code, toAlice.stderr).toBe(0);
    expect(JSON.parse(toAlice.stdout)).toMatchObject({
      switched: true,
      account: { number: 1, email: ALICE.email, active: true },
    });
    expectNoSecrets(toAlice.stdout);
    expect(await authJson(sandbox.home)).toBe(aliceBytes);
    expect(await readFile(entryFile(bob.key), 'utf8')).toBe(bobBytes);

    const byNumber = await runCli(['switch', '2'], sandbox.env);
    expect(byNumber.code, byNumber.stderr).toBe(0);
    expect(byNumber.stderr).toContain('Switched to bob@example.test');
    expect(await authJson(sandbox.home)).toBe(bobBytes);
    const byId = await runCli(['switch', String(ALICE.accountId)], sandbox.env);
    expect(byId.code, byId.stderr).toBe(0);
    expect(await authJson(sandbox.home)).toBe(aliceBytes);
    const again = await runCli(['switch', '1'], sandbox.env);
    expect(again.stderr).toContain('Already using alice@example.test');
    expect((await runCli(['status', '--json'], sandbox.env)).stdout).toContain(ALICE.email);
  });

  it('the same account signed in twice updates its entry instead of adding one', async () => {
    await signInAs(sandbox, ALICE);
    await signInAs(sandbox, BOB, ['--add']);
    await signInAs(sandbox, ALICE, ['--add']);
    const listed = await accountsJson(sandbox);
    expect(listed.accounts.map((a) => [a.email, a.active])).toEqual([
      [ALICE.email, true],
      [BOB.email, false],
    ]);
    const newest = grantOf(sandbox.issuer, ALICE.email).refreshTokens.at(-1);
    const entry = JSON.parse(await readFile(entryFile(listed.accounts[0]!.key), 'utf8'));
    expect(entry.tokens.refresh_token).toBe(newest);
    expect(JSON.parse(await authJson(sandbox.home)).tokens.refresh_token).toBe(newest);
  });

  it('login --force over another account drops the entry whose tokens it revoked', async () => {
    await signInAs(sandbox, ALICE);
    await signInAs(sandbox, BOB, ['--add']);
    // Bob again, forced: same account, so his entry stays (it is the active one).
    await signInAs(sandbox, BOB, ['--force']);
    expect((await accountsJson(sandbox)).accounts.map((a) => a.email)).toEqual([
      ALICE.email,
      BOB.email,
    ]);
    // Carol replaces Bob: Bob's grant is revoked, and so his entry goes.
    const carol = { email: 'carol@example.test', accountId: 'acct-carol', userId: 'user-carol' };
    await signInAs(sandbox, carol, ['--force']);
    expect(grantOf(sandbox.issuer, BOB.email).revoked).toBe('revoke');
    const listed = await accountsJson(sandbox);
    expect(listed.accounts.map((a) => [a.email, a.active, a.saved])).toEqual([
      [ALICE.email, false, true],
      [carol.email, true, false],
    ]);
  });

  it('plain login keeps the stored session; login --add --force is refused', async () => {
    await signInAs(sandbox, ALICE);
    const grants = sandbox.issuer.issued.grants.length;
    const kept = await runCli(['login', '--flow', 'device'], sandbox.env);
    expect(kept.stderr).toContain('Already signed in as alice@example.test');
    expect(sandbox.issuer.issued.grants.length).toBe(grants);
    const both = await runCli(['login', '--add', '--force', '--flow', 'device'], sandbox.env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('choose one');
  });
});

describe('token --account and logout --account', () => {
  it('token --account refreshes only that entry; auth.json is untouched', async () => {
    sandbox.skew = -TWO_HOURS; // Bob's tokens are minted already expired
    await signInAs(sandbox, BOB);
    sandbox.skew = 0;
    await signInAs(sandbox, ALICE, ['--add']);
    const active = await authJson(sandbox.home);
    const bobKey = (await accountsJson(sandbox)).accounts.find((a) => a.email === BOB.email)!.key;
    expect((await accountsJson(sandbox)).accounts.find((a) => a.key === bobKey)?.health).toBe(
      'refresh_due',
    );
    const seen = sandbox.issuer.requests.length;
    const r = await runCli(['token', '--account', String(BOB.email)], sandbox.env);
    expect(r.code, r.stderr).toBe(0);
    const bobGrant = grantOf(sandbox.issuer, BOB.email);
    expect(r.stdout.trim()).toBe(bobGrant.accessTokens.at(-1));
    const refreshes = sandbox.issuer.requests.slice(seen).filter((q) => q.path === '/oauth/token');
    expect(refreshes).toHaveLength(1);
    const sent = refreshes[0]?.json as { refresh_token: string } | undefined;
    expect(sent?.refresh_token).toBe(bobGrant.refreshTokens[0]);
    expect(await authJson(sandbox.home)).toBe(active);
    const entry = JSON.parse(await readFile(entryFile(bobKey), 'utf8'));
    expect(entry.tokens.refresh_token).toBe(bobGrant.refreshTokens.at(-1));
    // The active account's token comes from auth.json, with no request (it is fresh).
    const before = sandbox.issuer.requests.length;
    const alice = await runCli(['token', '--account', '1'], sandbox.env);
    expect(alice.stdout.trim()).toBe(JSON.parse(active).tokens.access_token);
    expect(sandbox.issuer.requests.length).toBe(before);
    const status = JSON.parse(
      (await runCli(['status', '--json', '--account', '2'], sandbox.env)).stdout,
    );
    expect(status).toMatchObject({ email: BOB.email, needsRefresh: false });
  });

  it('logout --account removes (and revokes) that account only; plain logout the active one', async () => {
    await signInAs(sandbox, ALICE);
    await signInAs(sandbox, BOB, ['--add']);
    const bobBytes = await authJson(sandbox.home);
    const out = await runCli(['logout', '--account', String(ALICE.email), '--json'], sandbox.env);
    expect(out.code, out.stderr).toBe(0);
    expect(grantOf(sandbox.issuer, ALICE.email).revoked).toBe('revoke');
    expect(await authJson(sandbox.home)).toBe(bobBytes);
    expect((await accountsJson(sandbox)).accounts.map((a) => a.email)).toEqual([BOB.email]);
    const plain = await runCli(['logout'], sandbox.env);
    expect(plain.code, plain.stderr).toBe(0);
    expect(grantOf(sandbox.issuer, BOB.email).revoked).toBe('revoke');
    const none = await runCli(['accounts', '--json'], sandbox.env);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)).toEqual({ accounts: [], active: null, warnings: [] });
  });
});

describe('bad input', () => {
  it('refuses an unknown or ambiguous account with the list, and names a damaged entry', async () => {
    await signInAs(sandbox, ALICE);
    await signInAs(sandbox, BOB, ['--add']);
    // Alice again, in a second workspace: same email, another account.
    await signInAs(sandbox, { ...ALICE, accountId: 'acct-alice-work' }, ['--add']);
    const before = await authJson(sandbox.home);

    const missing = await runCli(['switch', 'carol@example.test', '--json'], sandbox.env);
    expect(missing.code).toBe(2);
    const missingError = JSON.parse(missing.stdout).error;
    expect(missingError.code).toBe('CODEX_OAUTH_ACCOUNT_NOT_FOUND');
    expect(missingError.message).toContain('bob@example.test');
    expect(missingError.message).toContain('alice@example.test');

    const ambiguous = await runCli(['switch', String(ALICE.email)], sandbox.env);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('matches 2 accounts');
    expect(ambiguous.stderr).toContain('workspace acct-alice-personal');
    expect(ambiguous.stderr).toContain('workspace acct-alice-work');
    const tokenMissing = await runCli(['token', '--account', '9'], sandbox.env);
    expect(tokenMissing.code).toBe(2);
    expect(tokenMissing.stdout).toBe('');
    expect(await authJson(sandbox.home)).toBe(before);

    const bob = (await accountsJson(sandbox)).accounts.find((a) => a.email === BOB.email)!;
    await writeFile(entryFile(bob.key), '{"tokens": 42', { mode: 0o600 });
    const listed = await accountsJson(sandbox);
    const damaged = listed.accounts.find((a) => a.key === bob.key)!;
    expect(damaged.health).toBe('damaged');
    expect(damaged.problem).toContain(entryFile(bob.key));
    expect(listed.warnings.join('\n')).toContain(entryFile(bob.key));
    const refused = await runCli(['switch', String(damaged.number), '--json'], sandbox.env);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error.code).toBe('CODEX_OAUTH_STORE_CORRUPT');
    expect(await readFile(entryFile(bob.key), 'utf8')).toBe('{"tokens": 42');
    expect(await authJson(sandbox.home)).toBe(before);
    // A damaged auth.json is never overwritten by a switch either.
    await writeFile(join(sandbox.home, 'auth.json'), 'garbage', { mode: 0o600 });
    const overDamaged = await runCli(['switch', '1', '--json'], sandbox.env);
    expect(JSON.parse(overDamaged.stdout).error.code).toBe('CODEX_OAUTH_STORE_CORRUPT');
    expect(await authJson(sandbox.home)).toBe('garbage');
    expect(await readdir(join(sandbox.home, 'codex-oauth', 'accounts'))).toHaveLength(3);
  });

  it('switch needs an account; --account is refused with memory storage', async () => {
    const bare = await runCli(['switch'], sandbox.env);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('"switch" needs an account');
    const memory = await runCli(['token', '--storage', 'memory', '--account', '1'], sandbox.env);
    expect(memory.code).toBe(2);
    expect(memory.stderr).toContain('need file storage');
  });
});

describe('concurrent processes', () => {
  it('switch and token --account racing each other lose no refresh token', async () => {
    sandbox.skew = -TWO_HOURS; // every token minted now is already expired: each token call refreshes
    await signInAs(sandbox, ALICE);
    await signInAs(sandbox, BOB, ['--add']);
    const seen = sandbox.issuer.requests.length;
    const runs = [
      ['token', '--account', String(ALICE.email)],
      ['switch', String(ALICE.email)],
      ['token', '--account', String(BOB.email)],
      ['switch', String(BOB.email)],
      ['token', '--account', String(ALICE.email)],
      ['switch', String(ALICE.email)],
      ['token', '--account', String(BOB.email)],
      ['token', '--account', String(ALICE.email)],
    ].map((args) => startCli(args, sandbox.env).done);
    const results = await Promise.all(runs);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const refreshes = sandbox.issuer.requests.slice(seen).filter((q) => q.path === '/oauth/token');
    expect(refreshes.length).toBeGreaterThan(0);
    expect(refreshes.every((q) => q.status === 200)).toBe(true);

    // Wherever each account lives now (auth.json when active, else its entry) holds its newest
    // refresh token, and both grants still work.
    const listed = await accountsJson(sandbox);
    for (const account of listed.accounts) {
      const grant = grantOf(sandbox.issuer, account.email ?? undefined);
      expect(grant.revoked).toBeNull();
      const text = await readFile(account.path, 'utf8');
      expect(JSON.parse(text).tokens.refresh_token).toBe(grant.refreshTokens.at(-1));
    }
    sandbox.skew = 0;
    for (const email of [ALICE.email, BOB.email]) {
      const r = await runCli(['token', '--account', String(email)], sandbox.env);
      expect(r.code, r.stderr).toBe(0);
    }
  });
});
