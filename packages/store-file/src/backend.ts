import { flockBinaryPresent, loadFlockBinding, noFlockBinaryReason } from './flock-addon.js';

/** The two ways a lock can be taken. */
export type LockBackendKind = 'flock' | 'lockfile';

/** What {@link lockBackend} reports: the backend in use and, for the fallback, why. */
export interface LockBackendInfo {
  /** `flock`: kernel locks shared with the Codex CLI. `lockfile`: the portable fallback. */
  kind: LockBackendKind;
  /** Why flock is not used; set only when `kind` is `lockfile`. Meant for `status().warnings`. */
  reason?: string;
}

/** The native surface of `native/flock.c`. */
export interface FlockBinding {
  /** flock(fd, LOCK_EX|LOCK_NB) (or LOCK_SH): true when taken, false when held elsewhere. */
  tryLock(fd: number, exclusive: boolean): boolean;
  /** flock(fd, LOCK_UN). */
  unlock(fd: number): void;
}

/**
 * The environment variable that forces the portable lock file even where flock works, so the
 * fallback can be tested (and used on file systems where flock is not shared, like some NFS).
 */
export const LOCK_BACKEND_ENV = 'CODEX_OAUTH_LOCK_BACKEND';

/** Why the portable lock file is used whatever the addon can do, or `undefined`. */
function lockfileForced(): string | undefined {
  if (process.env[LOCK_BACKEND_ENV] === 'lockfile') {
    return `${LOCK_BACKEND_ENV}=lockfile asks for the portable lock file`;
  }
  if (process.platform === 'win32') {
    return 'Windows has no flock(2): locks do not exclude a Codex CLI running at the same time';
  }
  return undefined;
}

/** The backend to use now, with the addon when it is flock. Reads the environment on every call. */
export function selectBackend():
  | { kind: 'flock'; binding: FlockBinding }
  | { kind: 'lockfile'; reason: string } {
  const forced = lockfileForced();
  if (forced !== undefined) return { kind: 'lockfile', reason: forced };
  const result = loadFlockBinding();
  if ('binding' in result) return { kind: 'flock', binding: result.binding };
  return { kind: 'lockfile', reason: `${result.error}; locks do not exclude a Codex CLI` };
}

/**
 * Which lock backend {@link acquireLock} uses, and why it is not flock when it is not.
 *
 * @example
 * ```ts
 * const backend = lockBackend();
 * if (backend.kind !== 'flock') warnings.push(backend.reason);
 * ```
 */
export function lockBackend(): LockBackendInfo {
  const backend = selectBackend();
  return backend.kind === 'flock'
    ? { kind: 'flock' }
    : { kind: 'lockfile', reason: backend.reason };
}

/**
 * {@link lockBackend} as far as it can be told without loading the addon: the environment, the
 * platform, and whether a flock binary is on disk (or how its load went, once a lock was taken).
 * `describe()` reports it, so `status` warns about the fallback without paying for node-gyp-build
 * and a `dlopen` it does not use; `lockBackend()` stays the authority (it loads the addon).
 */
export function expectedLockBackend(): LockBackendInfo {
  const forced = lockfileForced();
  if (forced !== undefined) return { kind: 'lockfile', reason: forced };
  if (flockBinaryPresent()) return { kind: 'flock' };
  return { kind: 'lockfile', reason: `${noFlockBinaryReason()}; locks do not exclude a Codex CLI` };
}
