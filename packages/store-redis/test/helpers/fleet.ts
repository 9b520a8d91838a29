import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { login, type TokenStore } from '@codex-oauth/core';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';

const CHILD = fileURLToPath(new URL('../fixtures/fleet-child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Why the child-process tests skip: the children run the built package. */
export function distMissing(): string | undefined {
  try {
    return readFileSync(DIST, 'utf8').includes('redisStore')
      ? undefined
      : 'store-redis dist is stale: run pnpm --filter @codex-oauth/store-redis build';
  } catch {
    return 'store-redis dist is missing: run pnpm --filter @codex-oauth/store-redis build';
  }
}

/**
 * The environment of every session call: nothing from this machine's Codex set-up leaks in. The
 * fake issuer's tokens live 60 s, and the default window (at most half a token's lifetime) would
 * call a fresh one not yet due: an explicit 5-minute window makes every minted token due at once.
 */
export const ENV = {
  CODEX_OAUTH_REFRESH_WINDOW_SECONDS: '300',
  CODEX_HOME: undefined,
  CODEX_OAUTH_ISSUER: undefined,
  CODEX_REFRESH_TOKEN_URL_OVERRIDE: undefined,
  CODEX_REVOKE_TOKEN_URL_OVERRIDE: undefined,
};

/** Signs in through the browser flow against the fake issuer, into `store`. */
export async function signIn(fake: FakeIssuer, store: TokenStore): Promise<void> {
  await login({
    issuer: fake.url,
    store,
    env: ENV,
    flow: 'browser',
    interactive: true,
    port: 0,
    openBrowser: async (url) => {
      const callback = await fake.authorize(url);
      await (await fetch(callback)).text();
    },
  });
}

/** One host instance: a child process running the real store, read line by line. */
export interface FleetChild {
  readonly child: ChildProcess;
  /** The next line the child prints. */
  next(): Promise<string>;
  /** Says "go" (the child must have printed "ready"). */
  go(): void;
  readonly exited: Promise<void>;
}

/** Starts a child and waits for its "ready". */
export async function startChild(
  fake: FakeIssuer,
  redisUrl: string,
  key: string,
  options: { calls: number; leaseMs: number; lockTimeoutMs: number },
): Promise<FleetChild> {
  const child = spawn(
    process.execPath,
    [
      CHILD,
      fake.url,
      redisUrl,
      key,
      String(options.calls),
      String(options.leaseMs),
      String(options.lockTimeoutMs),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const queue: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let buffer = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else queue.push(line);
    }
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const line = queue.shift();
      if (line !== undefined) return resolve(line);
      waiters.push(resolve);
      exited.then(() => reject(new Error('the child exited before printing a line')));
    });
  const ready = await next();
  if (ready !== 'ready') throw new Error(`child said ${JSON.stringify(ready)} instead of ready`);
  return { child, next, go: () => child.stdin?.write('go\n'), exited };
}

/** Reads a child's answers until it printed `count` of them, counting its "locked" markers. */
export async function answersOf(
  child: FleetChild,
  count: number,
): Promise<{ answers: { ok: boolean; sha256?: string; code?: string }[]; locked: number }> {
  const answers: { ok: boolean; sha256?: string; code?: string }[] = [];
  let locked = 0;
  while (answers.length < count) {
    const line = await child.next();
    if (line === 'locked') locked += 1;
    else answers.push(JSON.parse(line));
  }
  return { answers, locked };
}

/** The refresh-grant requests the fake issuer received. */
export function refreshRequests(fake: FakeIssuer) {
  return fake.requests.filter(
    (r) =>
      r.path === '/oauth/token' &&
      (r.json as { grant_type?: string } | undefined)?.grant_type === 'refresh_token',
  );
}

/** SHA-256 hex of a token, as the children print it. */
export function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
