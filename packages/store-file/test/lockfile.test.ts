import { readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes as LockErrorCodes } from '@codex-oauth/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, withLock } from '../src/acquire-lock.js';
import { LOCK_BACKEND_ENV, lockBackend } from '../src/backend.js';
import { ownerFilePath } from '../src/lockfile-lock.js';
import { assertNoInterleaving, holdWithLibrary, runAppenders, tempHome } from './children.js';

// The portable fallback, forced on Linux through the environment variable the package documents.
describe('lockfile fallback (CODEX_OAUTH_LOCK_BACKEND=lockfile)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let lockPath: string;
  let previous: string | undefined;
  const env = () => ({ ...process.env, [LOCK_BACKEND_ENV]: 'lockfile' });

  beforeEach(async () => {
    previous = process.env[LOCK_BACKEND_ENV];
    process.env[LOCK_BACKEND_ENV] = 'lockfile';
    home = await tempHome();
    lockPath = join(home.dir, 'auth.lock');
  });
  afterEach(async () => {
    if (previous === undefined) delete process.env[LOCK_BACKEND_ENV];
    else process.env[LOCK_BACKEND_ENV] = previous;
    await home.cleanup();
  });

  it('reports itself and why', () => {
    const backend = lockBackend();
    expect(backend.kind).toBe('lockfile');
    expect(backend.reason).toContain(LOCK_BACKEND_ENV);
  });

  it('writes {pid, hostname, createdAt} 0600 beside the lock path and removes it on release', async () => {
    const lock = await acquireLock(lockPath);
    expect(lock.kind).toBe('lockfile');
    const owner = JSON.parse(await readFile(ownerFilePath(lockPath), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Number.isNaN(Date.parse(owner.createdAt))).toBe(false);
    expect((await stat(ownerFilePath(lockPath))).mode & 0o777).toBe(0o600);
    await expect(acquireLock(lockPath, { wait: false })).rejects.toMatchObject({
      code: LockErrorCodes.LOCK_BUSY,
    });
    await lock.release();
    await expect(stat(ownerFilePath(lockPath))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('excludes other processes: no start/end section interleaves', async () => {
    const logPath = join(home.dir, 'log');
    const codes = await runAppenders(lockPath, logPath, ['a', 'b', 'c'], 6, env());
    expect(codes).toEqual([0, 0, 0]);
    expect(assertNoInterleaving(await readFile(logPath, 'utf8'))).toBe(18);
  });

  it('recovers from an owner killed with SIGKILL (its pid is dead on this host)', async () => {
    const holder = holdWithLibrary(lockPath, env());
    expect(await holder.held).toBe('held lockfile');
    await expect(acquireLock(lockPath, { wait: false })).rejects.toMatchObject({
      code: LockErrorCodes.LOCK_BUSY,
    });
    holder.child.kill('SIGKILL');
    await holder.exited;
    const lock = await acquireLock(lockPath, { wait: false });
    const owner = JSON.parse(await readFile(ownerFilePath(lockPath), 'utf8'));
    expect(owner.pid).toBe(process.pid);
    await lock.release();
  });

  it('keeps a young owner on another host, breaks one older than staleMs', async () => {
    const other = { pid: 1, hostname: `not-${hostname()}`, nonce: 'x' };
    await writeFile(
      ownerFilePath(lockPath),
      JSON.stringify({ ...other, createdAt: new Date().toISOString() }),
    );
    await expect(acquireLock(lockPath, { wait: false })).rejects.toMatchObject({
      code: LockErrorCodes.LOCK_BUSY,
    });
    await writeFile(
      ownerFilePath(lockPath),
      JSON.stringify({ ...other, createdAt: new Date(Date.now() - 3_600_000).toISOString() }),
    );
    await (await acquireLock(lockPath, { wait: false, staleMs: 60_000 })).release();
  });

  it('does not delete an owner file that is no longer its own', async () => {
    const lock = await acquireLock(lockPath);
    const stolen = JSON.stringify({ pid: 1, hostname: 'elsewhere', createdAt: '', nonce: 'y' });
    await writeFile(ownerFilePath(lockPath), stolen);
    await lock.release();
    expect(await readFile(ownerFilePath(lockPath), 'utf8')).toBe(stolen);
  });

  it('honours timeoutMs and AbortSignal while waiting', async () => {
    await withLock(lockPath, async () => {
      await expect(acquireLock(lockPath, { timeoutMs: 20 })).rejects.toMatchObject({
        code: LockErrorCodes.LOCK_TIMEOUT,
      });
      const reason = new Error('stop');
      const controller = new AbortController();
      const waiting = acquireLock(lockPath, { signal: controller.signal });
      setTimeout(() => controller.abort(reason), 5);
      await expect(waiting).rejects.toBe(reason);
    });
  });
});
