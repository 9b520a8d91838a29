import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { runCli, useCliSandbox } from './helpers.js';

// Issue 22: after the issuer refuses a refresh for good, `status` used to say "Signed in" (exit
// 0). The refusal is now remembered beside auth.json, keyed to the refused token, and a new
// sign-in (ours, or Codex rewriting auth.json) ends it.

let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;

useCliSandbox((sandbox) => {
  ({ issuer, home, env } = sandbox);
});

const REFUSAL_FILE = () => join(home, 'codex-oauth', 'refused-refresh.json');

async function storedRefreshToken(): Promise<string> {
  return JSON.parse(await readFile(join(home, 'auth.json'), 'utf8')).tokens.refresh_token;
}

async function signInAndGetRefused(): Promise<string> {
  const login = await runCli(['login', '--flow', 'device'], env);
  expect(login.code, login.stderr).toBe(0);
  const refreshToken = await storedRefreshToken();
  issuer.expireRefreshToken(refreshToken);
  const refresh = await runCli(['refresh', '--force'], env);
  expect(refresh.code, refresh.stderr).toBe(1);
  expect(refresh.stderr).toContain('CODEX_OAUTH_REFRESH_REJECTED');
  return refreshToken;
}

describe('a refresh refused for good is remembered', () => {
  it('status says the session ended (exit 1, login --force), in words and in --json', async () => {
    const before = await readFile(join(home, 'auth.json'), 'utf8').catch(() => null);
    expect(before).toBeNull();
    const refreshToken = await signInAndGetRefused();
    const authJson = await readFile(join(home, 'auth.json'), 'utf8');

    const human = await runCli(['status'], env);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('Session ended');
    expect(human.stderr).toContain('refresh_token_expired');
    expect(human.stderr).toContain('codex-oauth login --force');
    expect(human.stderr).not.toContain('Signed in');

    const json = await runCli(['status', '--json'], env);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.authenticated).toBe(false);
    expect(doc.email).toBe('user@example.test');
    expect(Object.keys(doc.refreshRefused)).toEqual(['at', 'error', 'message']);
    expect(doc.refreshRefused.error).toBe('refresh_token_expired');

    // Beside auth.json, never in it; the file holds a hash, never the token.
    expect(await readFile(join(home, 'auth.json'), 'utf8')).toBe(authJson);
    const memory = await readFile(REFUSAL_FILE(), 'utf8');
    expect(memory).not.toContain(refreshToken);
    expect(JSON.parse(memory).refused).toHaveLength(1);
    expect(await readdir(join(home, 'codex-oauth'))).toEqual(['refused-refresh.json']);
  });

  it('a new sign-in with --force ends it', async () => {
    await signInAndGetRefused();
    const again = await runCli(['login', '--flow', 'device', '--force'], env);
    expect(again.code, again.stderr).toBe(0);
    const status = await runCli(['status'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toContain('Signed in as user@example.test');
  });

  it('plain login does not keep the ended session: it signs in again', async () => {
    await signInAndGetRefused();
    const again = await runCli(['login', '--flow', 'device'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('Already signed in');
    expect((await runCli(['status'], env)).code).toBe(0);
  });

  it('Codex rewriting auth.json with another session ends it (the refusal names the old token)', async () => {
    await signInAndGetRefused();
    const refused = await readFile(join(home, 'auth.json'), 'utf8');
    // Another sign-in's auth.json, as `codex login` would write it: a second home signs in, and
    // its file replaces ours byte for byte.
    const other = await runCli(['login', '--flow', 'device', '--force'], env);
    expect(other.code, other.stderr).toBe(0);
    const fresh = await readFile(join(home, 'auth.json'), 'utf8');
    // Put the refused file back: refused again; then the fresh bytes: signed in.
    await writeFile(join(home, 'auth.json'), refused);
    expect((await runCli(['status'], env)).code).toBe(1);
    await writeFile(join(home, 'auth.json'), fresh);
    expect((await runCli(['status'], env)).code).toBe(0);
  });

  it('an API key stored over it is signed in', async () => {
    await signInAndGetRefused();
    await writeFile(
      join(home, 'auth.json'),
      JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: 'sk-test' }, null, 2),
    );
    const status = await runCli(['status'], env);
    expect(status.code, status.stderr).toBe(0);
  });

  it('logout of an ended session says whose session it removed', async () => {
    await signInAndGetRefused();
    const r = await runCli(['logout', '--no-revoke', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      wasSignedIn: true,
      revoked: false,
      revokeFailure: null,
    });
  });
});
