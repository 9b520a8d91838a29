import { constants, type FileHandle, open, stat } from 'node:fs/promises';
import type { FlockBinding } from './backend.js';
import type { FileLock } from './file-lock.js';
import { pollForLock, type WaitOptions } from './poll.js';

/**
 * Takes `flock(2)` on `path`, the way the Codex CLI does on `auth.lock` and `auth.json.lock`:
 * the file is created 0600 if missing, opened read-write, and locked with `LOCK_EX|LOCK_NB`,
 * retried with backoff while `wait` holds. The lock belongs to this open file description, so two
 * `acquireLock` calls in one process exclude each other too, and the kernel drops it when the
 * process dies, whatever the way.
 */
export async function acquireFlock(
  binding: FlockBinding,
  path: string,
  exclusive: boolean,
  options: WaitOptions,
): Promise<FileLock> {
  let handle: FileHandle | undefined;
  try {
    return await pollForLock(
      path,
      async () => {
        handle ??= await open(path, constants.O_RDWR | constants.O_CREAT, 0o600);
        if (!binding.tryLock(handle.fd, exclusive)) return undefined;
        // Someone may have replaced the file between our open and our lock (neither Codex nor we
        // delete it, but a user might): a lock on an orphaned inode excludes nobody, so start over.
        if (!(await sameFile(handle, path))) {
          await handle.close();
          handle = undefined;
          return undefined;
        }
        const held = handle;
        handle = undefined;
        return flockHandle(binding, held, path);
      },
      options,
    );
  } finally {
    // Only reached with a handle when we gave up (busy, timeout, abort, error).
    await handle?.close();
  }
}

async function sameFile(handle: FileHandle, path: string): Promise<boolean> {
  const [held, named] = await Promise.all([handle.stat(), stat(path).catch(() => undefined)]);
  return named !== undefined && held.ino === named.ino && held.dev === named.dev;
}

function flockHandle(binding: FlockBinding, handle: FileHandle, path: string): FileLock {
  let released: Promise<void> | undefined;
  return {
    kind: 'flock',
    path,
    release() {
      released ??= (async () => {
        try {
          binding.unlock(handle.fd);
        } finally {
          // Closing would drop the lock anyway; the explicit unlock makes it free before close
          // returns on every platform, and the file itself stays for the next taker.
          await handle.close();
        }
      })();
      return released;
    },
  };
}
