import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoginOptions } from '@codex-oauth/core';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';

/** The path of the refresh request, where every fault of a refresh test is injected. */
export const TOKEN_PATH = '/oauth/token';

/** A throwaway CODEX_HOME. */
export async function tempHome(prefix = 'codex-oauth-faults-'): Promise<{
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Plays the browser: the issuer approves and redirects, then the callback page is loaded. */
function browserPlayer(fake: FakeIssuer): (url: string) => Promise<void> {
  return async (url) => {
    const callback = await fake.authorize(url);
    const answer = await fetch(callback);
    await answer.text();
  };
}

/**
 * Options every session call here shares: the fake issuer, port 0, a desktop with no real process
 * state leaking in, no OS browser opener, and none of the caller's CODEX_* variables.
 */
export function sessionOptions(fake: FakeIssuer, extra: LoginOptions = {}): LoginOptions {
  return {
    issuer: fake.url,
    env: {
      CODEX_HOME: undefined,
      CODEX_OAUTH_ISSUER: undefined,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: undefined,
      CODEX_REVOKE_TOKEN_URL_OVERRIDE: undefined,
      CODEX_OAUTH_REFRESH_WINDOW_SECONDS: undefined,
    },
    // These faults were laid out around a 5-minute window (a 60-second token is due at once);
    // the default window is at most half a token's lifetime, so set it explicitly.
    refreshWindowMs: 300_000,
    port: 0,
    environment: {
      platform: 'linux',
      isTTY: true,
      env: { TERM: 'xterm-256color', DISPLAY: ':0' },
      readFile: () => null,
      exists: () => false,
    },
    openBrowser: browserPlayer(fake),
    ...extra,
  };
}

/** The bytes of a file, or null when it does not exist. */
export async function bytesOf(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The refresh requests the issuer received (grant_type refresh_token), faulted ones included. */
export function refreshRequests(fake: FakeIssuer): FakeIssuer['requests'] {
  return fake.requests.filter(
    (r) =>
      r.path === TOKEN_PATH && (r.json as { grant_type?: string })?.grant_type === 'refresh_token',
  );
}

/** Resolves once every request the issuer received has been answered (or dropped), bounded. */
export async function settled(fake: FakeIssuer, boundMs = 5_000): Promise<void> {
  const until = Date.now() + boundMs;
  while (fake.requests.some((r) => r.status === undefined) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The code of a rejection (`undefined` when it resolved), for `expect(...).toBe(code)`. */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}
