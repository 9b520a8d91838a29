import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { expect, it } from 'vitest';
import { login } from '../src/session/index.js';
import { baseOptions, type TempHome, useIssuerAndHome } from './helpers/session-fixtures.js';

const PROCESSES = 16;
const child = fileURLToPath(new URL('./helpers/session-storm-child.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

// The children run the built package (a plain Node process cannot load our TypeScript).
function staleReason(): string | null {
  try {
    return readFileSync(dist, 'utf8').includes('getAccessToken')
      ? null
      : 'core dist predates the session API: run pnpm --filter @codex-oauth/core build';
  } catch {
    return 'core dist is missing: run pnpm --filter @codex-oauth/core build';
  }
}
const skip = staleReason();

let fake: FakeIssuer;
let home: TempHome;
// The issuer's clock runs two hours behind during the sign-in, so its tokens are born expired
// (due whatever the refresh window); refreshed ones, minted on the real clock, live an hour.
let skew = 0;
useIssuerAndHome(
  (sandbox) => {
    ({ fake, home } = sandbox);
  },
  { issuer: { accessTokenTtlSeconds: 3600, now: () => Date.now() + skew } },
);

it.skipIf(skip !== null)(
  `refresh storm: ${PROCESSES} processes, one expired auth.json -> exactly one refresh${skip ? ` (skipped: ${skip})` : ''}`,
  async () => {
    skew = -2 * 3_600_000;
    await login(baseOptions(fake, home.dir)); // the minted access token is already expired
    skew = 0;
    const children = Array.from({ length: PROCESSES }, () =>
      spawn(process.execPath, [child, fake.url, home.dir], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const lines = children.map(linesOf);
    await Promise.all(lines.map((l) => l.next())); // every process is loaded and waiting
    for (const c of children) c.stdin?.write('go\n');
    const answers = await Promise.all(lines.map(async (l) => JSON.parse(await l.next())));

    const grant = fake.issued.grants[0]!;
    const refreshes = fake.requests.filter(
      (r) =>
        r.path === '/oauth/token' &&
        (r.json as { grant_type?: string })?.grant_type === 'refresh_token',
    );
    expect(refreshes).toHaveLength(1);
    expect(grant.refreshCount).toBe(1);
    expect(grant.revoked).toBeNull();
    expect(answers.filter((a) => !a.ok)).toEqual([]);
    const fresh = createHash('sha256').update(grant.accessTokens[1]!).digest('hex');
    expect(new Set(answers.map((a) => a.sha256))).toEqual(new Set([fresh]));
  },
  60_000,
);

/** Reads a child's stdout line by line. */
function linesOf(proc: ChildProcess): { next(): Promise<string> } {
  const queue: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let buffer = '';
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else queue.push(line);
    }
  });
  return {
    next: () =>
      new Promise((resolve) => {
        const line = queue.shift();
        if (line !== undefined) resolve(line);
        else waiters.push(resolve);
      }),
  };
}
