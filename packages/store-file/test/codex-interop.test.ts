import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { codexSkipReason, type RunResult, runCodex } from '@codex-oauth/test-support/codex-cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../src/acquire-lock.js';
import { lockBackend } from '../src/backend.js';
import { tempHome } from './children.js';

// The real Codex CLI 0.169, offline (`unshare -n`): `codex login --with-api-key` writes auth.json
// under auth.lock (blocking LOCK_EX) and auth.json.lock (LOCK_NB, retried), so it is a cheap way
// to watch Codex meet the locks we hold. No request leaves the machine: an API-key login is local.
const skip =
  codexSkipReason() ??
  (lockBackend().kind === 'flock' ? null : `no flock backend: ${lockBackend().reason}`);

type LockEntry = { waiting: boolean; pid: number };

/** The flock entries /proc/locks lists for the inode of `path` (`->` marks a blocked waiter). */
async function kernelLocks(path: string): Promise<LockEntry[]> {
  const { ino } = await stat(path);
  const text = await readFile('/proc/locks', 'utf8');
  return text
    .split('\n')
    .map((line) => /^\d+: (-> )?FLOCK\s+\S+\s+\S+\s+(\d+) [0-9a-f]+:[0-9a-f]+:(\d+) /.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[3]) === ino)
    .map((m) => ({ waiting: m[1] !== undefined, pid: Number(m[2]) }));
}

/** Polls until `check` holds; fails if Codex ends first. Bounded by the test's timeout. */
async function until(check: () => Promise<boolean>, codex: Promise<RunResult>): Promise<void> {
  let ended: RunResult | undefined;
  void codex.then((result) => {
    ended = result;
  });
  while (!(await check())) {
    if (ended) throw new Error(`codex exited (${ended.code}) before the handshake`);
    await sleep(10);
  }
}

describe.skipIf(skip)(`real Codex CLI meets our locks${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  const login = () =>
    runCodex(['login', '--with-api-key'], {
      codexHome: home.dir,
      input: 'sk-fake-for-lock-test\n',
    });
  beforeEach(async () => {
    home = await tempHome();
  });
  afterEach(() => home.cleanup());

  it('Codex waits in LOCK_EX on auth.lock while we hold it, and writes after we release', async () => {
    const lockPath = join(home.dir, 'auth.lock');
    const lock = await acquireLock(lockPath);
    const codex = login();
    await until(async () => (await kernelLocks(lockPath)).some((e) => e.waiting), codex);
    await expect(stat(join(home.dir, 'auth.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await lock.release();
    const result = await codex;
    expect(result.code).toBe(0);
    const written = JSON.parse(await readFile(join(home.dir, 'auth.json'), 'utf8'));
    expect(written.auth_mode).toBe('apikey');
  });

  it('Codex does not write auth.json while we hold auth.json.lock', async () => {
    const jsonLock = join(home.dir, 'auth.json.lock');
    const lock = await acquireLock(jsonLock);
    const codex = login();
    // Codex takes auth.lock first, then retries LOCK_NB on auth.json.lock: once it holds
    // auth.lock it is at (or before) the step our lock stops.
    await until(async () => {
      const entries = await kernelLocks(join(home.dir, 'auth.lock')).catch(() => []);
      return entries.some((e) => !e.waiting);
    }, codex);
    await expect(stat(join(home.dir, 'auth.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await lock.release();
    expect((await codex).code).toBe(0);
    expect((await stat(join(home.dir, 'auth.json'))).mode & 0o777).toBe(0o600);
  });
});
