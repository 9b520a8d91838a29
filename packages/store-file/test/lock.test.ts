import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CodexOAuthError, ErrorCodes as LockErrorCodes } from '@codex-oauth/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The lock layer's own modules, not the package index: these tests need nothing of the store.
import { acquireLock, withLock } from '../src/acquire-lock.js';
import { lockBackend } from '../src/backend.js';
import {
  assertNoInterleaving,
  flockCommandTry,
  holdWithFlockCommand,
  holdWithLibrary,
  runAppenders,
  tempHome,
} from './children.js';

// These tests are about the kernel lock; the fallback has its own file. On Linux the addon must
// have built (pnpm install builds it): a missing addon is a failure here, not a skip.
const noFlock =
  process.platform === 'win32'
    ? 'Windows has no flock(2)'
    : process.env.CODEX_OAUTH_LOCK_BACKEND === 'lockfile'
      ? 'CODEX_OAUTH_LOCK_BACKEND=lockfile forces the fallback'
      : undefined;

/** Resolves once `count` timer callbacks have run: proof the event loop is not blocked. */
function timerTicks(count: number): Promise<void> {
  return new Promise((resolve) => {
    let ticks = 0;
    const timer = setInterval(() => {
      if (++ticks >= count) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
}

describe.skipIf(noFlock)(`flock backend${noFlock ? ` (skipped: ${noFlock})` : ''}`, () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let lockPath: string;
  beforeEach(async () => {
    home = await tempHome();
    lockPath = join(home.dir, 'auth.lock');
  });
  afterEach(() => home.cleanup());

  it('loads the addon on Linux', () => {
    expect(lockBackend()).toEqual({ kind: 'flock' });
  });

  it('creates the lock file 0600 and never deletes it', async () => {
    const lock = await acquireLock(lockPath);
    expect(lock.kind).toBe('flock');
    expect(lock.path).toBe(lockPath);
    expect((await stat(lockPath)).mode & 0o777).toBe(0o600);
    await lock.release();
    await lock.release(); // a second release is a no-op
    expect((await stat(lockPath)).isFile()).toBe(true);
  });

  it('excludes other processes: no start/end section interleaves', async () => {
    const logPath = join(home.dir, 'log');
    const codes = await runAppenders(lockPath, logPath, ['a', 'b', 'c', 'd'], 8);
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(assertNoInterleaving(await readFile(logPath, 'utf8'))).toBe(32);
  });

  it('excludes a second open in the same process', async () => {
    const first = await acquireLock(lockPath);
    await expect(acquireLock(lockPath, { wait: false })).rejects.toMatchObject({
      code: LockErrorCodes.LOCK_BUSY,
    });
    await first.release();
    await (await acquireLock(lockPath, { wait: false })).release();
  });

  it('interoperates with flock(1) holding the lock: busy, then ours once it lets go', async () => {
    const holder = holdWithFlockCommand(lockPath);
    expect(await holder.held).toBe('held');

    const busy = await acquireLock(lockPath, { wait: false }).catch((err: unknown) => err);
    expect(busy).toBeInstanceOf(CodexOAuthError);
    expect(busy).toMatchObject({ code: LockErrorCodes.LOCK_BUSY });
    expect((busy as Error).message).toContain(lockPath);

    const events: string[] = [];
    const waiting = acquireLock(lockPath).then((lock) => {
      events.push('acquired');
      return lock;
    });
    // The event loop keeps running while we wait for the kernel lock.
    await timerTicks(5);
    expect(events).toEqual([]);
    events.push('release-sent');
    holder.release();
    const lock = await waiting;
    expect(events).toEqual(['release-sent', 'acquired']);
    expect(await holder.exited).toBe(0);
    await lock.release();
  });

  it('is seen by flock(1): `flock -n` fails while we hold it and succeeds after', async () => {
    const lock = await acquireLock(lockPath);
    expect(await flockCommandTry(lockPath)).toBe(1);
    await lock.release();
    expect(await flockCommandTry(lockPath)).toBe(0);
  });

  it('takes both of Codex’s lock files, auth.lock then auth.json.lock', async () => {
    const jsonLock = join(home.dir, 'auth.json.lock');
    await withLock(lockPath, async () => {
      await withLock(
        jsonLock,
        async () => {
          expect(await flockCommandTry(lockPath)).toBe(1);
          expect(await flockCommandTry(jsonLock)).toBe(1);
        },
        { wait: false },
      );
    });
    expect(await flockCommandTry(jsonLock)).toBe(0);
  });

  it('is released by the kernel when the holding process is killed with SIGKILL', async () => {
    const holder = holdWithLibrary(lockPath);
    expect(await holder.held).toBe('held flock');
    await expect(acquireLock(lockPath, { wait: false })).rejects.toMatchObject({
      code: LockErrorCodes.LOCK_BUSY,
    });
    holder.child.kill('SIGKILL');
    expect(await holder.exited).toBe(null);
    await (await acquireLock(lockPath, { wait: false })).release();
  });

  it('gives up with CODEX_OAUTH_LOCK_TIMEOUT when timeoutMs runs out', async () => {
    const holder = holdWithFlockCommand(lockPath);
    await holder.held;
    await expect(acquireLock(lockPath, { timeoutMs: 20 })).rejects.toMatchObject({
      code: LockErrorCodes.LOCK_TIMEOUT,
    });
    holder.release();
    await holder.exited;
  });

  it('stops waiting when the signal aborts, with the signal’s reason', async () => {
    const holder = holdWithFlockCommand(lockPath);
    await holder.held;
    const controller = new AbortController();
    const waiting = acquireLock(lockPath, { signal: controller.signal });
    await timerTicks(2);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(acquireLock(lockPath, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    holder.release();
    await holder.exited;
    // Giving up left nothing behind: the lock is free once flock(1) is gone.
    expect(await flockCommandTry(lockPath)).toBe(0);
  });

  it('withLock releases when fn throws', async () => {
    await expect(
      withLock(lockPath, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await flockCommandTry(lockPath)).toBe(0);
  });
});
