import { inspect } from 'node:util';

/**
 * The brand shared with `CodexOAuthError` in `@codex-oauth/core` (through the global symbol
 * registry), so `err instanceof CodexOAuthError` holds for lock errors too.
 */
export const CODEX_OAUTH_ERROR_BRAND: unique symbol = Symbol.for('codex-oauth.error') as never;

/** The error codes the lock layer raises. Match on `error.code`, never on the message. */
export const LockErrorCodes = {
  /** `wait: false` and another process (a Codex CLI, or another codex-oauth program) holds the lock. */
  LOCK_BUSY: 'CODEX_OAUTH_LOCK_BUSY',
  /** The lock was still held when `timeoutMs` ran out. */
  LOCK_TIMEOUT: 'CODEX_OAUTH_LOCK_TIMEOUT',
} as const;

/** One of the codes in {@link LockErrorCodes}. */
export type LockErrorCode = (typeof LockErrorCodes)[keyof typeof LockErrorCodes];

/**
 * Raised when a lock could not be taken: busy (no waiting asked for) or timed out. Cancelling
 * through an `AbortSignal` rejects with the signal's `reason` instead, as Node's own APIs do.
 *
 * @example
 * ```ts
 * try { await acquireLock(path, { wait: false }) } catch (err) {
 *   if (err instanceof LockError && err.code === LockErrorCodes.LOCK_BUSY) { ... }
 * }
 * ```
 */
export class LockError extends Error {
  /** The stable `CODEX_OAUTH_*` code. */
  readonly code: LockErrorCode;
  /** The lock file that could not be taken. */
  readonly path: string;
  declare readonly [CODEX_OAUTH_ERROR_BRAND]: true;

  constructor(code: LockErrorCode, path: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.path = path;
    Object.defineProperty(this, CODEX_OAUTH_ERROR_BRAND, { value: true });
  }

  /** One line in `inspect` output, like every codex-oauth error. */
  [inspect.custom](): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }

  /** A JSON form for logs and `--json` output. */
  toJSON(): { code: LockErrorCode; message: string; path: string } {
    return { code: this.code, message: this.message, path: this.path };
  }
}

/** The error for a lock someone else holds while the caller asked not to wait. */
export function busyError(path: string): LockError {
  return new LockError(
    LockErrorCodes.LOCK_BUSY,
    path,
    `${path} is locked by another process (a Codex CLI or another codex-oauth program). ` +
      'Try again shortly, or wait for it.',
  );
}

/** The error for a lock still held when the caller's time ran out. */
export function timeoutError(path: string, timeoutMs: number): LockError {
  return new LockError(
    LockErrorCodes.LOCK_TIMEOUT,
    path,
    `${path} was still locked by another process after ${timeoutMs} ms. If no Codex or ` +
      'codex-oauth process is running, check for a stuck one (`fuser` shows who holds it).',
  );
}
