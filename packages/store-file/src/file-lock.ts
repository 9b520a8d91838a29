/** A held lock. Release it exactly once (later calls do nothing); `withLock` does it for you. */
export interface FileLock {
  /** Drops the lock. Never deletes the flock file: other processes may hold descriptors on it. */
  release(): Promise<void>;
  /** `flock`: a kernel lock shared with the Codex CLI. `lockfile`: the portable fallback. */
  readonly kind: 'flock' | 'lockfile';
  /** The lock file's path, as passed to `acquireLock`. */
  readonly path: string;
}
