import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import type { OAuthEvent } from '../src/model/events.js';
import {
  authorizeUrl,
  awaitLogin,
  beginLogin,
  cancelLogin,
  login,
  logout,
  openInBrowser,
  refresh,
  status,
} from '../src/session/index.js';
import {
  baseOptions,
  browserPlayer,
  canBind,
  freePort,
  probes,
  recorder,
  type TempHome,
  useIssuerAndHome,
} from './helpers/session-fixtures.js';

let fake: FakeIssuer;
let home: TempHome;
useIssuerAndHome((sandbox) => {
  ({ fake, home } = sandbox);
});

const USERCODE = '/api/accounts/deviceauth/usercode';
const POLL = '/api/accounts/deviceauth/token';

/** An opener that records the URL and plays the browser only when told to. */
function lazyBrowser(fake: FakeIssuer) {
  let url: string | undefined;
  return {
    open: async (u: string) => {
      url = u;
    },
    complete: () => browserPlayer(fake)(url as string),
    get opened() {
      return url !== undefined;
    },
  };
}

describe('environment matrix (injected probes)', () => {
  it('desktop: auto picks the browser and opens it', async () => {
    const result = await login(baseOptions(fake, home.dir));
    expect(result.flowUsed).toBe('browser_code');
    expect(fake.count(USERCODE)).toBe(0);
  });

  it.each(['ssh', 'container'] as const)(
    '%s: auto picks the device flow, no browser',
    async (kind) => {
      const browser = lazyBrowser(fake);
      const { events, onEvent } = recorder();
      const done = login(
        baseOptions(fake, home.dir, {
          environment: probes(kind),
          openBrowser: browser.open,
          onEvent,
        }),
      );
      const code = await waitFor(events, 'user_code_ready');
      fake.approveDevice(code.userCode);
      const result = await done;
      expect(result.flowUsed).toBe('device_code');
      expect(browser.opened).toBe(false);
    },
  );

  it('CI: no login, a typed error, nothing bound, no request sent', async () => {
    const port = await freePort();
    const opts = baseOptions(fake, home.dir, { environment: probes('ci'), port });
    await expect(login(opts)).rejects.toMatchObject({
      code: ErrorCodes.INTERACTIVE_LOGIN_UNAVAILABLE,
    });
    await expect(beginLogin(opts)).rejects.toMatchObject({
      code: ErrorCodes.INTERACTIVE_LOGIN_UNAVAILABLE,
    });
    const error = (await login(opts).catch((e: Error) => e)) as Error;
    expect(error.message).toContain('CI');
    expect(fake.requests).toHaveLength(0);
    expect(await canBind(port)).toBe(true);
  });

  it('CI: an explicit flow, or interactive: true, proceeds', async () => {
    const ci = baseOptions(fake, home.dir, { environment: probes('ci') });
    const device = await beginLogin({ ...ci, flow: 'device' });
    expect(device.flow).toBe('device_code');
    await cancelLogin(device);
    // A CI runner with a display: with interactive: true the desktop rules apply again.
    const env = { ...probes('ci').env, DISPLAY: ':0' };
    const result = await login({ ...ci, environment: { ...probes('ci'), env }, interactive: true });
    expect(result.flowUsed).toBe('browser_code');
  });

  it('CI=false is not CI (seed bug): auto proceeds', async () => {
    const env = { ...probes('desktop').env, CI: 'false' };
    const result = await login(
      baseOptions(fake, home.dir, { environment: { ...probes('desktop'), env } }),
    );
    expect(result.flowUsed).toBe('browser_code');
  });

  it('seed: login, status, refresh, logout on a stored auth.json where nobody is interactive', async () => {
    const ci = baseOptions(fake, home.dir, { environment: probes('ci') });
    const { events, onEvent } = recorder();
    const signing = login({ ...ci, flow: 'device', onEvent });
    fake.approveDevice((await waitFor(events, 'user_code_ready')).userCode);
    await signing;
    const stored = await login(ci);
    expect(stored).toMatchObject({ flowUsed: 'stored', storageUsed: 'file', persisted: true });
    expect((await status(ci)).authenticated).toBe(true);
    const before = fake.issued.grants[0]!.accessTokens.length;
    await refresh({ ...ci, force: true });
    expect(fake.issued.grants[0]!.accessTokens).toHaveLength(before + 1);
    await logout(ci);
    expect((await status(ci)).authenticated).toBe(false);
  });
});

describe('WSL race', () => {
  const wsl = (extra = {}) => baseOptions(fake, home.dir, { environment: probes('wsl'), ...extra });

  it('the callback arrives: the browser wins and no device flow starts', async () => {
    const { events, onEvent } = recorder();
    // A long grace: the browser (played at once) finishes well before it.
    const result = await login(wsl({ fallbackGraceMs: 60_000, onEvent }));
    expect(result.flowUsed).toBe('browser_code');
    expect(result.warnings).toEqual([]);
    expect(fake.count(USERCODE)).toBe(0);
    expect(events.some((e) => e.type === 'fallback')).toBe(false);
  });

  it('the callback never arrives: the device code wins and the port is freed', async () => {
    const browser = lazyBrowser(fake);
    const { events, onEvent } = recorder();
    let port = 0;
    const done = login(
      wsl({
        fallbackGraceMs: 1,
        openBrowser: browser.open,
        onEvent: (e: OAuthEvent) => {
          if (e.type === 'url_ready')
            port = Number(new URL(new URL(e.url).searchParams.get('redirect_uri')!).port);
          onEvent(e);
        },
      }),
    );
    const code = await waitFor(events, 'user_code_ready');
    expect(events.find((e) => e.type === 'fallback')).toMatchObject({
      from: 'browser_code',
      to: 'device_code',
    });
    expect(browser.opened).toBe(true);
    fake.approveDevice(code.userCode);
    const result = await done;
    expect(result.flowUsed).toBe('device_code');
    expect(result.warnings.join('\n')).toContain('device-code sign-in was started as well');
    expect(await canBind(port)).toBe(true);
  });

  it('the callback arrives after the device flow started: the browser wins and polling stops', async () => {
    const browser = lazyBrowser(fake);
    const { events, onEvent } = recorder();
    const done = login(wsl({ fallbackGraceMs: 1, openBrowser: browser.open, onEvent }));
    await waitFor(events, 'user_code_ready');
    await browser.complete();
    const result = await done;
    expect(result.flowUsed).toBe('browser_code');
    expect(fake.issued.grants.map((g) => g.via)).toEqual(['browser']);
    // The device login was cancelled before `login` resolved: no poll comes after this point.
    const polls = fake.count(POLL);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fake.count(POLL)).toBe(polls);
  });

  it('hosts get the same race through beginLogin({ flow: "auto" })', async () => {
    const { events, onEvent } = recorder();
    const pending = await beginLogin(
      wsl({ fallbackGraceMs: 1, onEvent, openBrowser: async () => {} }),
    );
    expect(pending.flow).toBe('browser_code');
    await openInBrowser(pending);
    const waiting = awaitLogin(pending);
    fake.approveDevice((await waitFor(events, 'user_code_ready')).userCode);
    expect((await waiting).flowUsed).toBe('device_code');
  });

  it('an explicit browser flow on WSL runs alone', async () => {
    const result = await login(wsl({ flow: 'browser', fallbackGraceMs: 1 }));
    expect(result.flowUsed).toBe('browser_code');
    expect(fake.count(USERCODE)).toBe(0);
  });
});

describe('bugs of the seed that are fixed (SPEC §12)', () => {
  it('authorizeUrl leaves no port bound and sends nothing', async () => {
    const port = await freePort();
    const url = await authorizeUrl(
      baseOptions(fake, home.dir, { port, environment: probes('ci') }),
    );
    expect(new URL(url).searchParams.get('redirect_uri')).toBe(
      `http://127.0.0.1:${port}/auth/callback`,
    );
    expect(await canBind(port)).toBe(true);
    expect(fake.requests).toHaveLength(0);
  });

  it('a browser timeout frees the port', async () => {
    let port = 0;
    const error = (await login(
      baseOptions(fake, home.dir, {
        timeoutMs: 50,
        openBrowser: async (url: string) => {
          port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
        },
      }),
    ).catch((e: { code: string }) => e)) as { code: string };
    expect(error.code).toBe(ErrorCodes.LOGIN_TIMEOUT);
    expect(await canBind(port)).toBe(true);
  });

  it('one bad-state callback does not end the login', async () => {
    const result = await login(
      baseOptions(fake, home.dir, {
        openBrowser: async (url: string) => {
          const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
          redirect.search = '?code=forged&state=wrong';
          expect((await fetch(redirect)).status).toBe(400);
          await browserPlayer(fake)(url);
        },
      }),
    );
    expect(result.flowUsed).toBe('browser_code');
  });

  it('OPENAI_API_KEY stays null and unknown keys survive a refresh', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const file = `${home.dir}/auth.json`;
    await login(baseOptions(fake, home.dir));
    const json = JSON.parse(await readFile(file, 'utf8'));
    expect(json.OPENAI_API_KEY).toBeNull();
    await writeFile(file, JSON.stringify({ ...json, agent_identity: { keep: true } }, null, 2));
    await refresh({ ...baseOptions(fake, home.dir), force: true });
    const after = JSON.parse(await readFile(file, 'utf8'));
    expect(after.agent_identity).toEqual({ keep: true });
    expect(after.OPENAI_API_KEY).toBeNull();
  });
});

/** Resolves with the first event of `type` (polling the recorder; no timing asserted). */
async function waitFor<T extends OAuthEvent['type']>(
  events: OAuthEvent[],
  type: T,
): Promise<Extract<OAuthEvent, { type: T }>> {
  for (;;) {
    const found = events.find((e) => e.type === type);
    if (found) return found as Extract<OAuthEvent, { type: T }>;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
