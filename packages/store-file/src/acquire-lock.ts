import { selectBackend } from './backend.js';
import type { FileLock } from './file-lock.js';
import { acquireFlock } from './flock-lock.js';
import { acquireLockfile } from './lockfile-lock.js';
import type { WaitOptions } from './poll.js';

/** Options for {@link acquireLock} and {@link withLock}. */
export interface LockOptions extends WaitOptions {
  /** Exclusive (default, `LOCK_EX`, what Codex takes) or shared (`LOCK_SH`; flock backend only). */
  exclusive?: boolean;
  /** Lock-file fallback only: break an owner file older than this (default five minutes). */
  staleMs?: number;
}

/**
 * Takes the lock on `path`: `flock(2)` where the addon loaded (the same kernel lock the Codex CLI
 * takes on `auth.lock` / `auth.json.lock`), else the portable owner file (see `lockBackend()`).
 *
 * Waits by default, polling with backoff so the event loop stays free; `wait: false` fails at once
 * with `CODEX_OAUTH_LOCK_BUSY`, `timeoutMs` with `CODEX_OAUTH_LOCK_TIMEOUT`, and an aborted
 * `signal` rejects with its reason. The lock file is created 0600 if missing and never deleted.
 *
 * @example
 * ```ts
 * const lock = await acquireLock(join(codexHome, 'auth.lock'), { timeoutMs: 30_000 });
 * try { await refresh() } finally { await lock.release() }
 * ```
 */
export async function acquireLock(path: string, opts: LockOptions = {}): Promise<FileLock> {
  const backend = selectBackend();
  if (backend.kind === 'flock') {
    return acquireFlock(backend.binding, path, opts.exclusive ?? true, opts);
  }
  return acquireLockfile(path, opts);
}

/**
 * Runs `fn` while holding the lock on `path`, and releases it however `fn` ends.
 *
 * @example
 * ```ts
 * await withLock(join(codexHome, 'auth.json.lock'), () => writeAuthJson(record), { wait: false });
 * ```
 */
export async function withLock<T>(
  path: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const lock = await acquireLock(path, opts);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
