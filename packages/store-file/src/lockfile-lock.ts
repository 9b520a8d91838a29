import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { FileLock } from './file-lock.js';
import { pollForLock, type WaitOptions } from './poll.js';

/**
 * Random hex, from `node:crypto` loaded on first use: the lock is taken only on a write or a
 * refresh, and a program that only reads auth.json need not load crypto's ~40 internal modules.
 */
function randomHex(bytes: number): string {
  return process.getBuiltinModule('node:crypto').randomBytes(bytes).toString('hex');
}

/** Who holds a portable lock: written into the owner file, read back to judge staleness. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO 8601 time the lock was taken. */
  createdAt: string;
  /** Random, so a release never deletes an owner file that is not its own. */
  nonce: string;
}

/**
 * How old an owner file may grow before anyone may break it, whoever wrote it. It covers owners on
 * other hosts (whose pids we cannot check) and reused pids; a refresh holds the lock for seconds.
 */
export const DEFAULT_STALE_MS = 5 * 60_000;

/**
 * The owner file beside `path`. Not `path` itself: that is the flock file, which the Codex CLI
 * creates and never deletes, so `O_EXCL` on it would always fail.
 */
export function ownerFilePath(path: string): string {
  return `${path}.owner`;
}

/**
 * The portable fallback: an owner file created with `O_EXCL` (`wx`) holding `{pid, hostname,
 * createdAt}`. A dead owner (its pid gone on this host) or one older than `staleMs` is broken and
 * retried. Only codex-oauth processes using this fallback exclude each other; a Codex CLI does not
 * look at this file. Shared locks are taken as exclusive.
 */
export async function acquireLockfile(
  path: string,
  options: WaitOptions & { staleMs?: number },
): Promise<FileLock> {
  const ownerPath = ownerFilePath(path);
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  return pollForLock(
    path,
    async () => {
      // Breaking a stale owner frees the slot; try again at once rather than after a backoff.
      for (let round = 0; round < 3; round++) {
        const owner: LockOwner = {
          pid: process.pid,
          hostname: hostname(),
          createdAt: new Date().toISOString(),
          nonce: randomHex(8),
        };
        const text = JSON.stringify(owner);
        try {
          await writeOwnerFile(ownerPath, text);
          return ownerFileLock(path, ownerPath, text);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        if (!(await breakIfStale(ownerPath, staleMs))) return undefined;
      }
      return undefined;
    },
    options,
  );
}

/**
 * Creates the owner file (`O_EXCL`: `EEXIST` when someone holds the lock) and writes `text` into
 * it. When the write fails (a full disk creates the file, then refuses its bytes), the file is
 * removed again: it is ours, and an empty owner file would read as a live lock to everyone else
 * until it went stale, minutes after the disk had room again.
 */
async function writeOwnerFile(ownerPath: string, text: string): Promise<void> {
  const handle = await open(ownerPath, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(ownerPath).catch(() => undefined);
    throw err;
  }
  await handle.close();
}

/** True when the owner file was stale and is gone now (or vanished on its own). */
async function breakIfStale(ownerPath: string, staleMs: number): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([readFile(ownerPath, 'utf8'), stat(ownerPath)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  if (!isStale(text, mtimeMs, staleMs)) return false;
  // Move it aside instead of unlinking, then check that what moved is what we judged: another
  // process may have broken the same stale file and taken the lock in between.
  const aside = `${ownerPath}.stale-${process.pid}-${randomHex(4)}`;
  try {
    await rename(ownerPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  const moved = await readFile(aside, 'utf8').catch(() => text);
  if (moved !== text) {
    // We took a live owner's file: put it back unless someone already holds the slot again.
    await link(aside, ownerPath).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

/** A live owner on this host keeps its lock; everything past `staleMs` or unreadable and old goes. */
function isStale(text: string, mtimeMs: number, staleMs: number): boolean {
  let owner: Partial<LockOwner>;
  try {
    owner = JSON.parse(text) as Partial<LockOwner>;
  } catch {
    // Created but not written yet (or torn): only its age can tell.
    return Date.now() - mtimeMs > staleMs;
  }
  const created = Date.parse(owner.createdAt ?? '');
  const age = Date.now() - (Number.isNaN(created) ? mtimeMs : created);
  if (age > staleMs) return true;
  if (owner.hostname !== hostname() || typeof owner.pid !== 'number') return false;
  return !pidAlive(owner.pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerFileLock(path: string, ownerPath: string, text: string): FileLock {
  let released: Promise<void> | undefined;
  return {
    kind: 'lockfile',
    path,
    release() {
      released ??= (async () => {
        // If we were judged stale and broken, the file is someone else's now: leave it.
        const current = await readFile(ownerPath, 'utf8').catch(() => undefined);
        if (current === text) await unlink(ownerPath).catch(() => undefined);
      })();
      return released;
    },
  };
}
