import { readFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import type { OAuthEvent } from '../src/model/events.js';
import {
  awaitLogin,
  beginLogin,
  cancelLogin,
  login,
  type PendingBrowserLogin,
  type PendingLogin,
  RedirectRejectedError,
  submitRedirect,
} from '../src/session/index.js';
import {
  baseOptions,
  browserPlayer,
  canBind,
  mintedSecrets,
  probes,
  recorder,
  type TempHome,
  tempHome,
  useIssuerAndHome,
} from './helpers/session-fixtures.js';

// Every channel of one sign-in, driven for real: the fake issuer over loopback HTTP plays the
// authorization server, `fake.authorize(url)` is the browser on another machine (it follows the
// sign-in up to the redirect, whose address it returns without loading it), and the test pastes.

let fake: FakeIssuer;
let home: TempHome;
useIssuerAndHome((sandbox) => {
  ({ fake, home } = sandbox);
});

const TOKEN = '/oauth/token';
const USERCODE = '/api/accounts/deviceauth/usercode';

async function beginPaste(extra = {}): Promise<PendingBrowserLogin> {
  const pending = await beginLogin(baseOptions(fake, home.dir, { flow: 'paste', ...extra }));
  if (pending.flow !== 'browser_code') throw new Error('flow paste begins a browser login');
  return pending;
}

async function rejection(pending: PendingLogin, text: string): Promise<RedirectRejectedError> {
  const error = await submitRedirect(pending, text).then(
    () => {
      throw new Error('the paste was accepted');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedirectRejectedError);
  expect(error).toMatchObject({ code: ErrorCodes.REDIRECT_REJECTED });
  return error as RedirectRejectedError;
}

describe('flow: paste', () => {
  it('paste wins: the code is exchanged with our verifier, saved, and the port freed', async () => {
    const { events, onEvent } = recorder();
    const pending = await beginPaste({ onEvent });
    expect(pending).toMatchObject({ flow: 'browser_code', paste: true });
    expect(await canBind(pending.port)).toBe(false);
    const landed = await fake.authorize(pending.authorizeUrl);
    const waiting = awaitLogin(pending);
    const result = await submitRedirect(pending, landed);
    expect(result).toMatchObject({ flowUsed: 'browser_code', email: 'user@example.test' });
    await expect(waiting).resolves.toEqual(result);
    expect(await canBind(pending.port)).toBe(true);
    expect(fake.count(TOKEN)).toBe(1);
    const exchange = fake.requests.find((r) => r.path === TOKEN);
    expect(exchange?.form).toMatchObject({ redirect_uri: pending.redirectUri });
    expect(events.map((e) => e.type)).toEqual([
      'url_ready',
      'waiting',
      'callback_received',
      'exchanging',
      'persisted',
    ]);
    expect(events.find((e) => e.type === 'callback_received')).toEqual({
      type: 'callback_received',
      via: 'paste',
    });
    const stored = JSON.parse(await readFile(join(home.dir, 'auth.json'), 'utf8'));
    expect(fake.isLive(stored.tokens.refresh_token)).toBe(true);
  });

  it('loopback wins: the callback finishes it, and a late paste of the same address changes nothing', async () => {
    const pending = await beginPaste();
    const landed = await fake.authorize(pending.authorizeUrl);
    await (await fetch(landed)).text(); // the browser was local after all (or ssh -L)
    const result = await awaitLogin(pending);
    expect(result.flowUsed).toBe('browser_code');
    await expect(submitRedirect(pending, landed)).resolves.toEqual(result);
    expect(fake.count(TOKEN)).toBe(1);
    expect(await canBind(pending.port)).toBe(true);
  });

  it('a bad paste, then a good one: the sign-in stays open in between', async () => {
    const { events, onEvent } = recorder();
    const pending = await beginPaste({ onEvent });
    const waiting = awaitLogin(pending);
    const garbage = await rejection(pending, 'no idea what to paste');
    expect(garbage.reason).toBe('not_a_redirect');
    expect(garbage.message).toContain(`${pending.redirectUri}?code=`); // what to look for
    expect((await rejection(pending, '')).reason).toBe('empty');
    const landed = await fake.authorize(pending.authorizeUrl);
    expect((await rejection(pending, landed.slice(0, landed.indexOf('&state')))).reason).toBe(
      'incomplete',
    );
    expect(fake.count(TOKEN)).toBe(0); // nothing reached the issuer for those
    expect(events.some((e) => e.type === 'failed')).toBe(false);
    // Wrapped over two lines and quoted, as a terminal hands it over.
    const wrapped = `"${landed.slice(0, 50)}\n${landed.slice(50)}"`;
    await expect(submitRedirect(pending, wrapped)).resolves.toMatchObject({
      flowUsed: 'browser_code',
    });
    await waiting;
  });

  it('a URL from another sign-in is refused by its state, spends nothing, and the right one works', async () => {
    const pending = await beginPaste();
    const other = await beginPaste();
    const elsewhere = await fake.authorize(other.authorizeUrl);
    const error = await rejection(pending, elsewhere);
    expect(error.reason).toBe('state_mismatch');
    expect(error.message).toMatch(/another sign-in/);
    expect(fake.count(TOKEN)).toBe(0);
    await cancelLogin(other);
    const result = await submitRedirect(pending, await fake.authorize(pending.authorizeUrl));
    expect(result.flowUsed).toBe('browser_code');
  });

  it('an error=access_denied address is explained and the sign-in stays open for another try', async () => {
    const pending = await beginPaste();
    fake.setAuthorizeOutcome('missing_codex_entitlement');
    const denied = await fake.authorize(pending.authorizeUrl);
    expect(new URL(denied).searchParams.get('error')).toBe('access_denied');
    const error = await rejection(pending, denied);
    expect(error).toMatchObject({ reason: 'access_denied', error: 'access_denied' });
    expect(error.message).toMatch(/Codex is not enabled for your workspace/);
    expect(error.message).toMatch(/still open/);
    expect(await canBind(pending.port)).toBe(false); // still listening
    fake.setAuthorizeOutcome('approve');
    const result = await submitRedirect(pending, await fake.authorize(pending.authorizeUrl));
    expect(result.flowUsed).toBe('browser_code');
  });

  it('a code the issuer refuses is a rejected paste, never quoted, and the sign-in goes on', async () => {
    const pending = await beginPaste();
    const landed = new URL(await fake.authorize(pending.authorizeUrl));
    const forged = new URL(landed);
    forged.searchParams.set('code', 'ac_00000000000000000000000000000000not-issued');
    const error = await rejection(pending, forged.href);
    expect(error.reason).toBe('exchange_failed');
    const shown = `${error.message} ${JSON.stringify(error)} ${inspect(error)}`;
    expect(shown).not.toContain('not-issued');
    expect(shown).not.toContain(landed.searchParams.get('code'));
    expect(shown).not.toContain(pending.state);
    const result = await submitRedirect(pending, landed.href);
    expect(result.flowUsed).toBe('browser_code');
  });

  it('cancelling (Ctrl-C) frees the port and ends the wait; a later paste is told so', async () => {
    const controller = new AbortController();
    const pending = await beginPaste();
    const waiting = awaitLogin(pending, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCodes.LOGIN_CANCELLED });
    expect(await canBind(pending.port)).toBe(true);
    const landed = await fake.authorize(pending.authorizeUrl);
    await expect(submitRedirect(pending, landed)).rejects.toMatchObject({
      code: ErrorCodes.LOGIN_CANCELLED,
    });
    expect(fake.count(TOKEN)).toBe(0);
  });

  it('a workspace outside the allowed one ends the sign-in, as the callback does', async () => {
    const pending = await beginPaste({ allowedWorkspaceId: 'ws-allowed' });
    const waiting = awaitLogin(pending);
    const landed = await fake.authorize(pending.authorizeUrl);
    await expect(submitRedirect(pending, landed)).rejects.toMatchObject({
      code: ErrorCodes.WORKSPACE_MISMATCH,
    });
    await expect(waiting).rejects.toMatchObject({ code: ErrorCodes.WORKSPACE_MISMATCH });
    expect(await canBind(pending.port)).toBe(true);
    await expect(readFile(join(home.dir, 'auth.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('with the port held by something else, the paste alone still signs in (and says so)', async () => {
    // Not an HTTP server: it ignores the /cancel a sign-in sends to reclaim the port.
    const held = new Set<Socket>();
    const holder = createServer((socket) => {
      held.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const pending = await beginPaste({ port });
      expect(pending.redirectUri).toBe(`http://127.0.0.1:${port}/auth/callback`);
      expect(pending.warnings.join('\n')).toMatch(/busy.*only pasting the address/s);
      const result = await submitRedirect(pending, await fake.authorize(pending.authorizeUrl));
      expect(result.flowUsed).toBe('browser_code');
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => holder.close(resolve));
    }
    // Finding out the port is held takes the reclaim retries and a look for the owner.
  }, 30_000);

  it('login({ flow: "paste" }) opens no browser and hands the pending login to onPending', async () => {
    const opened: string[] = [];
    const result = await login(
      baseOptions(fake, home.dir, {
        flow: 'paste',
        openBrowser: async (url) => void opened.push(url),
        onPending: (pending) => {
          if (pending.flow !== 'browser_code') throw new Error('expected a browser login');
          void fake
            .authorize(pending.authorizeUrl)
            .then((landed) => submitRedirect(pending, landed));
        },
      }),
    );
    expect(result.flowUsed).toBe('browser_code');
    expect(opened).toEqual([]);
  });
});

describe('auto on SSH: the device code, the loopback and the paste race', () => {
  const ssh = (extra = {}) => baseOptions(fake, home.dir, { environment: probes('ssh'), ...extra });

  it('device wins: the browser link is cancelled and its port freed', async () => {
    const { events, onEvent } = recorder();
    const pending = await beginLogin(ssh({ onEvent }));
    if (pending.flow !== 'device_code' || pending.browser === null) throw new Error('a race');
    expect(await canBind(pending.browser.port)).toBe(false);
    const waiting = awaitLogin(pending);
    fake.approveDevice(pending.userCode);
    const result = await waiting;
    expect(result.flowUsed).toBe('device_code');
    expect(await canBind(pending.browser.port)).toBe(true);
    expect(events.map((e) => e.type)).toContain('url_ready');
    // The address pasted now cannot start a second sign-in.
    await expect(
      submitRedirect(pending, await fake.authorize(pending.browser.authorizeUrl)),
    ).resolves.toEqual(result);
    expect(fake.issued.grants.map((g) => g.via)).toEqual(['device']);
  });

  it('paste wins: the device polling stops', async () => {
    const pending = await beginLogin(ssh());
    if (pending.flow !== 'device_code' || pending.browser === null) throw new Error('a race');
    const waiting = awaitLogin(pending);
    const result = await submitRedirect(
      pending,
      await fake.authorize(pending.browser.authorizeUrl),
    );
    expect(result.flowUsed).toBe('browser_code');
    await expect(waiting).resolves.toEqual(result);
    fake.approveDevice(pending.userCode); // too late: nobody polls any more
    expect(fake.issued.grants.map((g) => g.via)).toEqual(['browser']);
    expect(await canBind(pending.browser.port)).toBe(true);
  });

  /** Resolves once the device code has been refused (its poll saw access_denied). */
  async function deviceRefused(events: OAuthEvent[]): Promise<void> {
    const refused = () =>
      events.some((e) => e.type === 'failed' && e.code === ErrorCodes.ACCESS_DENIED);
    while (!refused()) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  it('a refused device code leaves the paste open, and the paste still signs in', async () => {
    const { events, onEvent } = recorder();
    const pending = await beginLogin(ssh({ onEvent }));
    if (pending.flow !== 'device_code' || pending.browser === null) throw new Error('a race');
    const waiting = awaitLogin(pending);
    fake.denyDevice(pending.userCode);
    await deviceRefused(events);
    const result = await submitRedirect(
      pending,
      await fake.authorize(pending.browser.authorizeUrl),
    );
    expect(result.flowUsed).toBe('browser_code');
    await expect(waiting).resolves.toEqual(result);
  });

  it('a cancel after the device code was refused ends the sign-in as cancelled', async () => {
    const { events, onEvent } = recorder();
    const pending = await beginLogin(ssh({ onEvent }));
    if (pending.flow !== 'device_code' || pending.browser === null) throw new Error('a race');
    const waiting = awaitLogin(pending);
    fake.denyDevice(pending.userCode);
    await deviceRefused(events);
    await cancelLogin(pending);
    await expect(waiting).rejects.toMatchObject({ code: ErrorCodes.LOGIN_CANCELLED });
    expect(await canBind(pending.browser.port)).toBe(true);
  });

  it('device login disabled: falls back to the paste alone, with a fallback event and a warning', async () => {
    await fake.stop();
    fake = await startFakeIssuer({ registeredPorts: 'any', deviceLogin: false });
    const { events, onEvent } = recorder();
    const pending = await beginLogin(ssh({ onEvent }));
    expect(pending).toMatchObject({ flow: 'browser_code', paste: true });
    expect(events.find((e) => e.type === 'fallback')).toMatchObject({
      from: 'device_code',
      to: 'paste',
    });
    expect(pending.warnings.join('\n')).toMatch(/disabled.*paste the address/s);
    const result = await submitRedirect(
      pending,
      await fake.authorize((pending as PendingBrowserLogin).authorizeUrl),
    );
    expect(result.flowUsed).toBe('browser_code');
    expect(result.warnings.join('\n')).toMatch(/disabled/);
    expect(fake.count(USERCODE)).toBe(1);
  });

  it('an explicit device flow stays alone: no link, nothing bound', async () => {
    const pending = await beginLogin(ssh({ flow: 'device' }));
    expect(pending).toMatchObject({ flow: 'device_code', browser: null });
    await expect(submitRedirect(pending, 'x')).rejects.toThrow(/no browser link/);
    await cancelLogin(pending);
  });
});

describe('the auth.json a paste writes', () => {
  it('is byte for byte what the loopback callback writes, but for the token values', async () => {
    // Both sign-ins run against one issuer, which mints fresh random tokens for every grant
    // (jti, signature, refresh token), as the real one does, and `last_refresh` is the time of
    // saving. Those values necessarily differ; with each replaced by its name, the files must be
    // identical bytes: same keys, same order, same account_id, same formatting and mode.
    const loopbackHome = await tempHome();
    try {
      await login(
        baseOptions(fake, loopbackHome.dir, { flow: 'browser', openBrowser: browserPlayer(fake) }),
      );
      const pending = await beginPaste();
      await submitRedirect(pending, await fake.authorize(pending.authorizeUrl));
      const [viaLoopback, viaPaste] = await Promise.all(
        [loopbackHome.dir, home.dir].map((dir) => readFile(join(dir, 'auth.json'), 'utf8')),
      );
      const [first, second] = fake.issued.grants;
      expect(normalise(viaPaste as string, second)).toBe(normalise(viaLoopback as string, first));
      expect(normalise(viaPaste as string, second)).toContain('"id_token": "<id_token>"');
    } finally {
      await loopbackHome.cleanup();
    }
  });
});

function normalise(
  file: string,
  grant: FakeIssuer['issued']['grants'][number] | undefined,
): string {
  if (!grant) throw new Error('no grant');
  return file
    .replace(grant.idTokens[0] as string, '<id_token>')
    .replace(grant.accessTokens[0] as string, '<access_token>')
    .replace(grant.refreshTokens[0] as string, '<refresh_token>')
    .replace(
      /"last_refresh": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,9}Z"/,
      '"last_refresh": "<time>"',
    );
}

describe('secrets', () => {
  it('no event and no pending login carries the pasted code', async () => {
    const events: OAuthEvent[] = [];
    const pending = await beginPaste({ onEvent: (e: OAuthEvent) => events.push(e) });
    const landed = await fake.authorize(pending.authorizeUrl);
    const code = new URL(landed).searchParams.get('code') as string;
    await submitRedirect(pending, landed);
    const shown = `${JSON.stringify(events)} ${inspect(pending, { depth: 5 })}`;
    expect(shown).not.toContain(code);
    for (const secret of mintedSecrets(fake)) expect(shown).not.toContain(secret);
  });
});
