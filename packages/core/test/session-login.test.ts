import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import {
  awaitLogin,
  beginLogin,
  cancelLogin,
  getAccessToken,
  login,
  logout,
  openInBrowser,
  refresh,
  status,
} from '../src/session/index.js';
import {
  baseOptions,
  canBind,
  mintedSecrets,
  recorder,
  type TempHome,
  useIssuerAndHome,
} from './helpers/session-fixtures.js';

let fake: FakeIssuer;
let home: TempHome;
// The memory storage is shared per process: sign out so tests stay independent.
useIssuerAndHome(
  (sandbox) => {
    ({ fake, home } = sandbox);
  },
  { issuer: { deviceAutoApprove: false }, signOutMemory: true },
);

describe.each(['file', 'memory'] as const)('session API with storage %s', (storage) => {
  const opts = (extra = {}) => ({ ...baseOptions(fake, home.dir), storage, ...extra });
  const authJson = () => join(home.dir, 'auth.json');

  it('begin / open / await: a browser sign-in with every result field', async () => {
    const { events, onEvent } = recorder();
    const pending = await beginLogin(opts({ onEvent }));
    expect(pending.flow).toBe('browser_code');
    if (pending.flow !== 'browser_code') return;
    expect(pending.redirectUri).toBe(`http://127.0.0.1:${pending.port}/auth/callback`);
    expect(pending.authorizeUrl.startsWith(`${fake.url}/oauth/authorize?`)).toBe(true);
    expect(new URL(pending.authorizeUrl).searchParams.get('state')).toBe(pending.state);
    expect(pending.storageUsed).toBe(storage);
    // The deprecated name stays, with the same value.
    expect(pending.storage).toBe(storage);
    await openInBrowser(pending);
    const result = await awaitLogin(pending);
    const grant = fake.issued.grants[0]!;
    expect(result).toEqual({
      provider: 'openai_chatgpt',
      flowUsed: 'browser_code',
      storageUsed: storage,
      authMode: 'chatgpt',
      accountId: expect.any(String),
      planType: expect.any(String),
      email: expect.any(String),
      expiresAt: expect.any(Date),
      lastRefresh: expect.any(Date),
      persisted: storage === 'file',
      ...(storage === 'file' && { path: authJson() }),
      warnings: [],
    });
    expect(grant.via).toBe('browser');
    expect(events.map((e) => e.type)).toEqual([
      'url_ready',
      'waiting',
      'callback_received',
      'exchanging',
      'persisted',
    ]);
    expect(existsSync(authJson())).toBe(storage === 'file');
    // Nothing secret is reachable from what the API handed out.
    const shown = inspect(pending, { depth: 5 }) + inspect(result) + JSON.stringify(result);
    for (const secret of mintedSecrets(fake)) expect(shown).not.toContain(secret);
    expect(Object.keys(pending).sort()).toEqual(
      [
        'authorizeUrl',
        'flow',
        'paste',
        'port',
        'redirectUri',
        'state',
        'storage',
        'storageUsed',
        'warnings',
      ].sort(),
    );
    // The port is free again once the login finished.
    expect(await canBind(pending.port)).toBe(true);
  });

  it('a host-driven device sign-in: begin, show the code, approve, await', async () => {
    const pending = await beginLogin(opts({ flow: 'device' }));
    if (pending.flow !== 'device_code') throw new Error('expected a device login');
    expect(pending.verificationUrl).toBe(`${fake.url}/codex/device`);
    expect(pending.intervalMs).toBeGreaterThan(0);
    fake.approveDevice(pending.userCode);
    const result = await awaitLogin(pending);
    expect(result.flowUsed).toBe('device_code');
    expect(result.storageUsed).toBe(storage);
    expect(fake.issued.grants[0]?.via).toBe('device');
    const s = await status(opts());
    expect(s.authenticated).toBe(true);
    expect(s.accountId).toBe(result.accountId);
  });

  it('a denied device sign-in is ACCESS_DENIED and stores nothing (seed: device denied)', async () => {
    const pending = await beginLogin(opts({ flow: 'device_code' }));
    if (pending.flow !== 'device_code') throw new Error('expected a device login');
    fake.denyDevice(pending.userCode);
    await expect(awaitLogin(pending)).rejects.toMatchObject({ code: ErrorCodes.ACCESS_DENIED });
    expect((await status(opts())).authenticated).toBe(false);
  });

  it('status makes no network request; login reuses the stored session', async () => {
    const first = await login(opts());
    expect(first.flowUsed).toBe('browser_code');
    const before = fake.requests.length;
    const s = await status(opts());
    expect(fake.requests.length).toBe(before);
    expect(s).toMatchObject({
      provider: 'openai_chatgpt',
      authenticated: true,
      storageUsed: storage,
      authMode: 'chatgpt',
      accountId: first.accountId,
      planType: first.planType,
      email: first.email,
      expiresAt: first.expiresAt,
      needsRefresh: false,
      persisted: storage === 'file',
    });
    expect(s.lastRefresh).toBeInstanceOf(Date);
    if (storage === 'file') expect(s.path).toBe(authJson());
    else expect(s.path).toBeUndefined();
    const again = await login(opts());
    expect(again.flowUsed).toBe('stored');
    expect(fake.requests.length).toBe(before);
  });

  it('refresh: only when due, or forced; getAccessToken hands out the stored token', async () => {
    await login(opts());
    const grant = fake.issued.grants[0]!;
    const notDue = await refresh(opts());
    expect(fake.count('/oauth/token')).toBe(1);
    expect(notDue.authenticated).toBe(true);
    const { events, onEvent } = recorder();
    const forced = await refresh(opts({ force: true, onEvent }));
    expect(fake.count('/oauth/token')).toBe(2);
    expect(grant.refreshCount).toBe(1);
    expect(forced.needsRefresh).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['refreshed']);
    const token = await getAccessToken(opts());
    expect(token).toEqual({ accessToken: grant.accessTokens[1], accountId: forced.accountId });
    expect(fake.count('/oauth/token')).toBe(2);
  });

  it('logout revokes, then deletes; a second logout is fine', async () => {
    await login(opts());
    const rt = fake.issued.grants[0]!.refreshTokens[0]!;
    await logout(opts());
    expect(fake.count('/oauth/revoke')).toBe(1);
    expect(fake.isLive(rt)).toBe(false);
    expect(existsSync(authJson())).toBe(false);
    expect((await status(opts())).authenticated).toBe(false);
    await logout(opts());
    expect(fake.count('/oauth/revoke')).toBe(1);
    await expect(getAccessToken(opts())).rejects.toMatchObject({ code: ErrorCodes.NOT_SIGNED_IN });
    await expect(refresh(opts())).rejects.toMatchObject({ code: ErrorCodes.NOT_SIGNED_IN });
  });

  it('forceNew signs in again and revokes the replaced tokens after the new sign-in', async () => {
    await login(opts());
    const old = fake.issued.grants[0]!;
    const again = await login(opts({ forceNew: true }));
    expect(again.flowUsed).toBe('browser_code');
    expect(fake.issued.grants).toHaveLength(2);
    expect(old.revoked).toBe('revoke');
    expect(fake.issued.grants[1]?.revoked).toBeNull();
    const revokeAt = fake.requests.findIndex((r) => r.path === '/oauth/revoke');
    const exchanges = fake.requests.flatMap((r, i) => (r.path === '/oauth/token' ? [i] : []));
    expect(revokeAt).toBeGreaterThan(exchanges[1]!);
  });

  it('cancelLogin frees the port and ends the wait', async () => {
    const pending = await beginLogin(opts());
    if (pending.flow !== 'browser_code') throw new Error('expected a browser login');
    expect(await canBind(pending.port)).toBe(false);
    const waiting = awaitLogin(pending);
    await cancelLogin(pending);
    await expect(waiting).rejects.toMatchObject({ code: ErrorCodes.LOGIN_CANCELLED });
    expect(await canBind(pending.port)).toBe(true);
    expect((await status(opts())).authenticated).toBe(false);
  });

  it('an aborted signal cancels a waiting sign-in and frees the port', async () => {
    const controller = new AbortController();
    const pending = await beginLogin(opts({ signal: controller.signal }));
    if (pending.flow !== 'browser_code') throw new Error('expected a browser login');
    const waiting = awaitLogin(pending);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCodes.LOGIN_CANCELLED });
    expect(await canBind(pending.port)).toBe(true);
    await expect(status(opts({ signal: controller.signal }))).rejects.toMatchObject({
      code: ErrorCodes.LOGIN_CANCELLED,
    });
  });

  it('a workspace mismatch after sign-in is an error and nothing is persisted', async () => {
    let page: { status: number; location: string | null; body: string } | undefined;
    const pending = await beginLogin(
      opts({
        allowedWorkspaceId: 'ws_elsewhere',
        // The browser, watching what the tab is shown after the callback.
        openBrowser: async (url: string) => {
          const answer = await fetch(await fake.authorize(url), { redirect: 'manual' });
          page = {
            status: answer.status,
            location: answer.headers.get('location'),
            body: await answer.text(),
          };
        },
      }),
    );
    if (pending.flow !== 'browser_code') throw new Error('expected a browser login');
    expect(new URL(pending.authorizeUrl).searchParams.get('allowed_workspace_id')).toBe(
      'ws_elsewhere',
    );
    await openInBrowser(pending);
    await expect(awaitLogin(pending)).rejects.toMatchObject({
      code: ErrorCodes.WORKSPACE_MISMATCH,
    });
    // The tab is refused inside the callback, as Codex does: no redirect to /success.
    expect(page?.location).toBeNull();
    expect(page?.status).toBeGreaterThanOrEqual(400);
    expect(page?.body).toContain('ws_elsewhere');
    expect((await status(opts())).authenticated).toBe(false);
    expect(fake.issued.grants[0]?.revoked).toBe('revoke');
  });

  it('a failing opener is a warning, never fatal', async () => {
    const pending = await beginLogin(
      opts({ openBrowser: async () => Promise.reject(new Error('no display')) }),
    );
    if (pending.flow !== 'browser_code') throw new Error('expected a browser login');
    await openInBrowser(pending);
    expect(pending.warnings.join('\n')).toContain('no display');
    await cancelLogin(pending);
  });
});

describe('storage memory never touches auth.json', () => {
  it('neither reads nor deletes it', async () => {
    const file = join(home.dir, 'auth.json');
    const text = JSON.stringify(
      { auth_mode: 'apikey', OPENAI_API_KEY: 'sk-test-not-a-real-key' },
      null,
      2,
    );
    await writeFile(file, text);
    const opts = { ...baseOptions(fake, home.dir), storage: 'memory' as const };
    expect((await status(opts)).authenticated).toBe(false);
    const result = await login(opts);
    expect(result.flowUsed).toBe('browser_code');
    await logout(opts);
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});

describe('auth.json specifics', () => {
  it('an api-key file: status authenticated with authMode apikey; login returns it stored', async () => {
    await writeFile(
      join(home.dir, 'auth.json'),
      JSON.stringify({ OPENAI_API_KEY: 'sk-test-not-a-real-key' }, null, 2),
    );
    const opts = baseOptions(fake, home.dir, {
      environment: { ...baseOptions(fake, home.dir).environment, isTTY: false },
    });
    const s = await status(opts);
    expect(s).toMatchObject({
      authenticated: true,
      authMode: 'apikey',
      accountId: null,
      needsRefresh: false,
    });
    const result = await login(opts);
    expect(result).toMatchObject({
      flowUsed: 'stored',
      authMode: 'apikey',
      storageUsed: 'file',
      persisted: true,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('forced_login_method = "api" refuses a ChatGPT sign-in before any network', async () => {
    await writeFile(join(home.dir, 'config.toml'), 'forced_login_method = "api"\n');
    const opts = baseOptions(fake, home.dir);
    await expect(login(opts)).rejects.toMatchObject({ code: ErrorCodes.LOGIN_METHOD_FORBIDDEN });
    await expect(beginLogin({ ...opts, flow: 'device' })).rejects.toMatchObject({
      code: ErrorCodes.LOGIN_METHOD_FORBIDDEN,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('forced_chatgpt_workspace_id is sent and checked', async () => {
    await writeFile(join(home.dir, 'config.toml'), 'forced_chatgpt_workspace_id = "ws_forced"\n');
    const { events, onEvent } = recorder();
    await expect(login(baseOptions(fake, home.dir, { onEvent }))).rejects.toMatchObject({
      code: ErrorCodes.WORKSPACE_MISMATCH,
    });
    const url = events.find((e) => e.type === 'url_ready');
    expect(url && new URL(url.url).searchParams.get('allowed_workspace_id')).toBe('ws_forced');
    expect(existsSync(join(home.dir, 'auth.json'))).toBe(false);
  });

  it('a keyring credentials store: auto follows it (typed error with no keyring); file warns', async () => {
    await writeFile(join(home.dir, 'config.toml'), 'cli_auth_credentials_store = "keyring"\n');
    // No session bus at all, whatever the machine has: nothing may reach a real keyring here.
    const opts = baseOptions(fake, home.dir);
    opts.env = { ...opts.env, DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: home.dir };
    await expect(status(opts)).rejects.toMatchObject({
      code: ErrorCodes.KEYRING_UNAVAILABLE,
      message: expect.stringContaining('no D-Bus session bus'),
    });
    const file = { ...opts, storage: 'file' as const };
    const result = await login(file);
    expect(result.warnings.join('\n')).toContain('cli_auth_credentials_store');
    expect((await status(file)).warnings.join('\n')).toContain('keyring');
  });
});
