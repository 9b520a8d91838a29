import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, getAccessToken, login } from '@codex-oauth/core';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic-write.js';
import { lockBackend } from '../src/backend.js';
import { fileStore } from '../src/index.js';
import { type Holder, holdWithFlockCommand, tempHome } from './children.js';

// The waiting side of a refresh storm, with auth.lock held the way the Codex CLI holds it (a
// flock(1) process) and auth.json replaced by rename as Codex replaces it: a caller whose token is
// due waits for that lock, but returns the moment the stored refresh token rotates, and never
// with the token it saw as due.
// Signed-in tokens live 60 s: under a 300 s window every one of them is due.
const ENV = {
  CODEX_HOME: undefined,
  CODEX_OAUTH_ISSUER: undefined,
  CODEX_OAUTH_REFRESH_WINDOW_SECONDS: '300',
};
const flock = lockBackend().kind === 'flock';

let fake: FakeIssuer;
let home: Awaited<ReturnType<typeof tempHome>>;
let holder: Holder | undefined;
const opts = (extra: object = {}) => ({
  codexHome: home.dir,
  issuer: fake.url,
  storage: 'file' as const,
  env: ENV,
  ...extra,
});
const authJson = async () => JSON.parse(await readFile(join(home.dir, 'auth.json'), 'utf8'));
const refreshes = () => fake.issued.grants.reduce((n, g) => n + g.refreshCount, 0);

const STORM_CHILD = fileURLToPath(new URL('./helpers/storm-child.mjs', import.meta.url));

/** One storm process: resolves its JSON answer once released with `go()`. */
function stormChild(codexHome: string) {
  const child = spawn(process.execPath, [STORM_CHILD, fake.url, codexHome], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('storm child exited early');
    return value as string;
  };
  const ready = next();
  return {
    ready,
    go: () => child.stdin.write('go\n'),
    answer: ready
      .then(next)
      .then((line) => JSON.parse(line) as { ok: boolean; sha256?: string; undici: boolean }),
  };
}

/** Settles `promise` into a flag, so a test can say it is still pending. */
function track<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  return { settled: () => done, promise };
}

/** auth.json of another sign-in (its own grant, so its own refresh token), as Codex would write it. */
async function anotherSignIn(): Promise<string> {
  const other = await mkdtemp(join(tmpdir(), 'codex-oauth-waiter-other-'));
  try {
    await login({ ...opts(), codexHome: other, flow: 'device', interactive: true });
    return await readFile(join(other, 'auth.json'), 'utf8');
  } finally {
    await rm(other, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  fake = await startFakeIssuer({
    deviceAutoApprove: true,
    deviceInterval: '0',
    accessTokenTtlSeconds: 60,
    refreshedAccessTokenTtlSeconds: 3600,
  });
});
afterAll(() => fake.stop());
beforeEach(async () => {
  home = await tempHome();
  await login({ ...opts(), flow: 'device', interactive: true });
});
afterEach(async () => {
  holder?.release();
  await holder?.exited;
  holder = undefined;
  await home.cleanup();
});

describe.skipIf(!flock)('a caller waiting for auth.lock (skipped: needs the flock backend)', () => {
  it('returns the rotated token while another process still holds the lock', async () => {
    const seen = (await authJson()).tokens;
    holder = holdWithFlockCommand(join(home.dir, 'auth.lock'));
    await holder.held;
    const before = refreshes();
    const waiting = track(getAccessToken(opts()));
    await sleep(150); // time to reach the lock and find it held
    expect(waiting.settled(), 'a due token was returned although auth.lock was held').toBe(false);

    const rotated = await anotherSignIn();
    await writeFileAtomic(join(home.dir, 'auth.json'), rotated);
    const { accessToken } = await waiting.promise;

    expect(accessToken).toBe(JSON.parse(rotated).tokens.access_token);
    expect(accessToken).not.toBe(seen.access_token);
    expect(refreshes(), 'the waiter sent a refresh of its own').toBe(before);
    // Still held: the waiter did not need the lock to read the rotation.
    expect(holder.child.exitCode).toBeNull();
  });

  it('never returns the token it saw as due: a rewrite with the same refresh token is no answer', async () => {
    const seen = await authJson();
    const before = refreshes();
    holder = holdWithFlockCommand(join(home.dir, 'auth.lock'));
    await holder.held;
    const waiting = track(getAccessToken(opts()));
    await sleep(100);
    // Same tokens, another last_refresh: the file changed, the refresh token did not.
    const rewritten = { ...seen, last_refresh: new Date(Date.now() + 1000).toISOString() };
    await writeFileAtomic(join(home.dir, 'auth.json'), `${JSON.stringify(rewritten, null, 2)}\n`);
    await sleep(150);
    expect(waiting.settled(), 'the waiter returned on a change that did not rotate').toBe(false);

    holder.release();
    const { accessToken } = await waiting.promise;
    expect(accessToken).not.toBe(seen.tokens.access_token);
    expect(refreshes() - before, 'once the lock was free it refreshed itself').toBe(1);
    expect((await authJson()).tokens.access_token).toBe(accessToken);
  });

  it('loads the transport before taking the lock: a bad CA bundle fails at once, lock held', async () => {
    const before = refreshes();
    holder = holdWithFlockCommand(join(home.dir, 'auth.lock'));
    await holder.held;
    const bad = join(home.dir, 'no-such-ca.pem');
    const failed = getAccessToken(opts({ env: { ...ENV, SSL_CERT_FILE: bad } }));
    // Were the transport loaded under the lock, this would wait for it (and the lock's
    // 60 s timeout) instead of failing with the CA error while the lock is still held.
    await expect(failed).rejects.toMatchObject({ code: ErrorCodes.CA_INVALID });
    expect(holder.child.exitCode).toBeNull();
    expect(refreshes()).toBe(before);
  });

  it('many waiters in one process and a rotation by another: no refresh, one token for all', async () => {
    holder = holdWithFlockCommand(join(home.dir, 'auth.lock'));
    await holder.held;
    const before = refreshes();
    const store = fileStore({ codexHome: home.dir });
    const waiting = Promise.all(
      Array.from({ length: 20 }, () => getAccessToken(opts({ store, storage: undefined }))),
    );
    await sleep(100);
    const rotated = await anotherSignIn();
    await writeFileAtomic(join(home.dir, 'auth.json'), rotated);
    const tokens = await waiting;
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(
      new Set([JSON.parse(rotated).tokens.access_token]),
    );
    expect(refreshes()).toBe(before);
  });

  it('a storm of our processes: one refresh, one process loads the transport, all get its token', async () => {
    const before = refreshes();
    const children = Array.from({ length: 6 }, () => stormChild(home.dir));
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    const answers = await Promise.all(children.map((c) => c.answer));
    expect(
      answers.every((a) => a.ok),
      JSON.stringify(answers.map((a) => a.ok)),
    ).toBe(true);
    expect(new Set(answers.map((a) => a.sha256)).size).toBe(1);
    expect(refreshes() - before).toBe(1);
    // Only the claim holder loads undici: a waiter learns the outcome from auth.json.
    expect(answers.filter((a) => a.undici)).toHaveLength(1);
  });
});
