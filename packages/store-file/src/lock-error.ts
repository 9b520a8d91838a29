import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';

/**
 * The lock layer's failures are plain `CodexOAuthError`s (`CODEX_OAUTH_LOCK_BUSY`,
 * `CODEX_OAUTH_LOCK_TIMEOUT`) with the lock file in the message, so a caller matches them like
 * every other codex-oauth error. Cancelling through an `AbortSignal` rejects with the signal's
 * `reason` instead, as Node's own APIs do.
 */

/** The error for a lock someone else holds while the caller asked not to wait. */
export function busyError(path: string): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.LOCK_BUSY,
    `${path} is locked by another process (a Codex CLI or another codex-oauth program). ` +
      'Try again shortly, or wait for it.',
  );
}

/** The error for a lock still held when the caller's time ran out. */
export function timeoutError(path: string, timeoutMs: number): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.LOCK_TIMEOUT,
    `${path} was still locked by another process after ${timeoutMs} ms. If no Codex or ` +
      'codex-oauth process is running, check for a stuck one (`fuser` shows who holds it).',
  );
}
