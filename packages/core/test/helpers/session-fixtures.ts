import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Probes } from '@codex-oauth/env-detect';
import { type FakeIssuer, type FakeIssuerOptions, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, beforeEach } from 'vitest';
import type { OAuthEvent } from '../../src/model/events.js';
import { logout } from '../../src/session/index.js';
import type { LoginOptions } from '../../src/session/options.js';

/** Probes for the environments of the matrix; no real process state leaks in. */
export function probes(kind: 'desktop' | 'wsl' | 'ssh' | 'container' | 'ci'): Partial<Probes> {
  const base = { platform: 'linux', isTTY: true, readFile: () => null, exists: () => false };
  switch (kind) {
    case 'desktop':
      return { ...base, env: { TERM: 'xterm-256color', DISPLAY: ':0' } };
    case 'wsl':
      return { ...base, env: { TERM: 'xterm-256color', WSL_DISTRO_NAME: 'Ubuntu' } };
    case 'ssh':
      return { ...base, env: { TERM: 'xterm', SSH_CONNECTION: '10.0.0.1 5000 10.0.0.2 22' } };
    case 'container':
      return { ...base, env: { TERM: 'xterm' }, exists: (path: string) => path === '/.dockerenv' };
    case 'ci':
      return { ...base, env: { TERM: 'xterm', CI: 'true', GITHUB_ACTIONS: 'true' } };
  }
}

/** A throwaway CODEX_HOME: its path, and how to remove it. */
export interface TempHome {
  dir: string;
  cleanup: () => Promise<void>;
}

/** A throwaway CODEX_HOME. */
export async function tempHome(): Promise<TempHome> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-oauth-session-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** What {@link useIssuerAndHome} hands the tests of a file before each one. */
export interface IssuerAndHome {
  fake: FakeIssuer;
  home: TempHome;
}

/**
 * Before each test, a fake issuer (`issuer` options, any loopback redirect port unless they say
 * otherwise) and an empty CODEX_HOME, handed to `use`; after it, the shared memory storage signed
 * out when `signOutMemory` (it lives as long as the process), then the issuer stopped and the home
 * removed.
 */
export function useIssuerAndHome(
  use: (sandbox: IssuerAndHome) => void,
  options: { issuer?: FakeIssuerOptions; signOutMemory?: boolean } = {},
): void {
  let sandbox: IssuerAndHome;
  beforeEach(async () => {
    const fake = await startFakeIssuer({ registeredPorts: 'any', ...options.issuer });
    sandbox = { fake, home: await tempHome() };
    use(sandbox);
  });
  afterEach(async () => {
    if (options.signOutMemory) {
      await logout({
        ...baseOptions(sandbox.fake, sandbox.home.dir),
        storage: 'memory',
        revoke: false,
      });
    }
    await sandbox.fake.stop();
    await sandbox.home.cleanup();
  });
}

/** Plays the browser: the issuer approves and redirects, then the callback is loaded. */
export function browserPlayer(fake: FakeIssuer): (url: string) => Promise<void> {
  return async (url) => {
    const callback = await fake.authorize(url);
    // Follow the 302 to /success as a browser does; the loopback server closes after serving it.
    const answer = await fetch(callback);
    await answer.text();
  };
}

/** Options every test shares: the fake issuer, a temp home, port 0, a desktop, no OS opener. */
export function baseOptions(
  fake: FakeIssuer,
  codexHome: string,
  extra: LoginOptions = {},
): LoginOptions {
  return {
    issuer: fake.url,
    codexHome,
    env: {
      CODEX_HOME: undefined,
      CODEX_OAUTH_ISSUER: undefined,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: undefined,
      CODEX_REVOKE_TOKEN_URL_OVERRIDE: undefined,
      CODEX_OAUTH_REFRESH_WINDOW_SECONDS: undefined,
    },
    port: 0,
    environment: probes('desktop'),
    openBrowser: browserPlayer(fake),
    ...extra,
  };
}

/** Collects events. */
export function recorder(): { events: OAuthEvent[]; onEvent: (e: OAuthEvent) => void } {
  const events: OAuthEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves true when `port` on 127.0.0.1 can be bound now (then releases it). */
export async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Every token string the fake issuer minted, to check nothing secret leaks. */
export function mintedSecrets(fake: FakeIssuer): string[] {
  return fake.issued.grants.flatMap((g) => [...g.refreshTokens, ...g.accessTokens, ...g.idTokens]);
}
