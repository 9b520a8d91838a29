import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { cliEnv, freePort, runCli, useCliSandbox } from './helpers.js';

let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;

useCliSandbox((sandbox) => {
  ({ issuer, home, env } = sandbox);
});

/** Every token the issuer ever handed out: none of them may show up outside `token`. */
function issuedSecrets(): string[] {
  return issuer.issued.grants.flatMap((g) => [
    ...g.accessTokens,
    ...g.idTokens,
    ...g.refreshTokens,
  ]);
}

function expectNoSecrets(text: string): void {
  const leaked = issuedSecrets().filter((secret) => text.includes(secret));
  expect(leaked.length, 'a token appeared in the output').toBe(0);
}

async function signIn(): Promise<void> {
  const r = await runCli(['login', '--flow', 'device'], env);
  expect(r.code, r.stderr).toBe(0);
}

describe('status', () => {
  it('not signed in: exit 1, says so, and --json has authenticated false', async () => {
    const human = await runCli(['status'], env);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('Not signed in');
    expect(human.stdout).toBe('');
    const json = await runCli(['status', '--json'], env);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({
      authenticated: false,
      authMode: null,
      storage: 'file',
      path: join(home, 'auth.json'),
    });
    expect(Object.keys(doc).sort()).toEqual([
      'accountId',
      'authMode',
      'authenticated',
      'email',
      'expiresAt',
      'lastRefresh',
      'needsRefresh',
      'path',
      'planType',
      'refreshRefused',
      'storage',
      'storageReason',
      'storageUsed',
      'warnings',
    ]);
    expect(human.stderr).toContain('✗ Not signed in. Run codex-oauth login to sign in.');
  });

  it('signed in: exit 0 with account, plan, expiry and storage; --json is one document', async () => {
    await signIn();
    const human = await runCli(['status'], env);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('Signed in as user@example.test (pro, workspace');
    expect(human.stderr).toMatch(/Access token: +expires in/);
    expect(human.stderr).toContain(join(home, 'auth.json'));
    const json = await runCli(['status', '--json'], env);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({
      authenticated: true,
      authMode: 'chatgpt',
      email: 'user@example.test',
      planType: 'pro',
      needsRefresh: false,
      storage: 'file',
    });
    expect(Number.isNaN(Date.parse(doc.expiresAt))).toBe(false);
    expect(Number.isNaN(Date.parse(doc.lastRefresh))).toBe(false);
    expectNoSecrets(human.stdout + human.stderr + json.stdout + json.stderr);
  });

  it('damaged auth.json: exit 2, { error: { code, message } } on stdout, bytes untouched', async () => {
    const bytes = '{"auth_mode": "chatgpt", "tokens": ';
    await writeFile(join(home, 'auth.json'), bytes);
    const json = await runCli(['status', '--json'], env);
    expect(json.code).toBe(2);
    const doc = JSON.parse(json.stdout);
    expect(doc.error.code).toBe('CODEX_OAUTH_STORE_CORRUPT');
    expect(doc.error.message).toContain('auth.json');
    const human = await runCli(['status'], env);
    expect(human.code).toBe(2);
    expect(human.stderr).toContain('CODEX_OAUTH_STORE_CORRUPT');
    expect(await readFile(join(home, 'auth.json'), 'utf8')).toBe(bytes);
  });
});

describe('token', () => {
  it('prints only the access token on stdout, and refreshes it when due', async () => {
    await signIn();
    const first = await runCli(['token'], env);
    expect(first.code).toBe(0);
    const stored = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
    expect(first.stdout === `${stored.tokens.access_token}\n`).toBe(true);
    expect(first.stderr).toBe('');
    expect(issuer.count('/oauth/token')).toBeGreaterThan(0);
  });

  it('refreshes a token that is due before printing it', async () => {
    const shortLived = await startFakeIssuer({
      registeredPorts: 'any',
      deviceAutoApprove: true,
      deviceInterval: '0',
      accessTokenTtlSeconds: 60,
      refreshedAccessTokenTtlSeconds: 3600,
    });
    try {
      const e = cliEnv(home, { CODEX_OAUTH_ISSUER: shortLived.url });
      expect((await runCli(['login', '--flow', 'device'], e)).code).toBe(0);
      // A 60-second token is due only in its second half by default (the window is at most
      // half the lifetime); an explicit window, by variable or flag, is used as given.
      const status = JSON.parse((await runCli(['status', '--json'], e)).stdout);
      expect(status.needsRefresh).toBe(false);
      const wide = { ...e, CODEX_OAUTH_REFRESH_WINDOW_SECONDS: '120' };
      expect(JSON.parse((await runCli(['status', '--json'], wide)).stdout).needsRefresh).toBe(true);
      expect((await runCli(['token'], e)).code).toBe(0);
      expect(shortLived.issued.grants[0]?.refreshCount).toBe(0);
      const r = await runCli(['token', '--refresh-window', '120'], e);
      expect(r.code).toBe(0);
      expect(shortLived.issued.grants[0]?.refreshCount).toBe(1);
      const latest = shortLived.issued.grants[0]?.accessTokens.at(-1);
      expect(r.stdout === `${latest}\n`).toBe(true);
    } finally {
      await shortLived.stop();
    }
  });

  it('not signed in: exit 1, nothing on stdout', async () => {
    const r = await runCli(['token'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('CODEX_OAUTH_NOT_SIGNED_IN');
  });
});

describe('refresh', () => {
  it('does nothing when fresh, refreshes with --force, and never prints a token', async () => {
    await signIn();
    const grantsBefore = issuer.issued.grants.length;
    const idle = await runCli(['refresh', '--json'], env);
    expect(idle.code).toBe(0);
    expect(JSON.parse(idle.stdout)).toMatchObject({ refreshed: false, authenticated: true });
    const forced = await runCli(['refresh', '--force'], env);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('Refreshed the access token');
    const grant = issuer.issued.grants[grantsBefore - 1];
    expect(grant?.refreshCount).toBe(1);
    expectNoSecrets(idle.stdout + idle.stderr + forced.stdout + forced.stderr);
  });

  it('a refresh token the issuer revoked: exit 1 and "sign in again"', async () => {
    await signIn();
    const stored = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
    issuer.revokeGrantOf(stored.tokens.refresh_token);
    const r = await runCli(['refresh', '--force', '--json'], env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('CODEX_OAUTH_REFRESH_REJECTED');
  });
});

describe('logout', () => {
  it('revokes at the issuer, deletes auth.json, and is fine when nobody is signed in', async () => {
    await signIn();
    const stored = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
    const revokes = issuer.count('/oauth/revoke');
    const r = await runCli(['logout'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Signed out user@example.test');
    expect(issuer.count('/oauth/revoke')).toBe(revokes + 1);
    expect(issuer.isLive(stored.tokens.refresh_token)).toBe(false);
    expect((await runCli(['status'], env)).code).toBe(1);
    const again = await runCli(['logout', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      signedOut: true,
      wasSignedIn: false,
      revoked: false,
      revokeFailure: null,
    });
    const human = await runCli(['logout'], env);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('Not signed in: nothing to sign out.');
    expect(human.stderr).not.toContain('could not be revoked');
  });

  it('with the issuer down: still signed out here, with a warning and revoked: false', async () => {
    await signIn();
    const stored = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
    const down = { ...env, CODEX_OAUTH_ISSUER: `http://127.0.0.1:${await freePort()}` };
    const human = await runCli(['logout'], down);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toContain('Signed out user@example.test');
    expect(human.stderr).toContain(
      'could not be revoked at the issuer (CODEX_OAUTH_NETWORK_ERROR)',
    );
    expect(issuer.isLive(stored.tokens.refresh_token)).toBe(true);
    expect((await runCli(['status'], env)).code).toBe(1);

    await signIn();
    issuer.inject({ path: '/oauth/revoke', kind: 'status', status: 503 });
    const json = await runCli(['logout', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      signedOut: true,
      wasSignedIn: true,
      revoked: false,
      revokeFailure: 'the issuer answered 503 server_error',
    });
    expect(json.stderr).toContain('could not be revoked');
  });

  it('--no-revoke only deletes locally', async () => {
    await signIn();
    const stored = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
    const revokes = issuer.count('/oauth/revoke');
    expect((await runCli(['logout', '--no-revoke'], env)).code).toBe(0);
    expect(issuer.count('/oauth/revoke')).toBe(revokes);
    expect(issuer.isLive(stored.tokens.refresh_token)).toBe(true);
  });
});
