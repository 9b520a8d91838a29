import { CodexOAuthError, ErrorCodes } from '../model/errors.js';

/**
 * The errors that end a browser sign-in, in one place so the loopback server, the port binder
 * and the error pages describe them the same way.
 */

/** Shown when the workspace has no Codex entitlement (Codex's exact text). */
export const MISSING_ENTITLEMENT_MESSAGE =
  'Codex is not enabled for your workspace. Contact your workspace administrator to request access to Codex.';

/**
 * The error of a callback that carried `error=…`. Every authorization-endpoint error is a refusal
 * of this sign-in (`CODEX_OAUTH_ACCESS_DENIED`), as Codex treats them; `access_denied` with
 * `missing_codex_entitlement` in the description (any case) gets Codex's own message.
 * `title` heads the browser page.
 */
export function authorizationError(
  error: string,
  description: string | null,
): { title: string; error: CodexOAuthError } {
  const details = { error, ...(description !== null && { error_description: description }) };
  if (error === 'access_denied' && /missing_codex_entitlement/i.test(description ?? '')) {
    return {
      title: 'You do not have access to Codex',
      error: new CodexOAuthError(ErrorCodes.ACCESS_DENIED, MISSING_ENTITLEMENT_MESSAGE, details),
    };
  }
  return {
    title: 'Sign-in could not be completed',
    error: new CodexOAuthError(
      ErrorCodes.ACCESS_DENIED,
      `Sign-in failed: ${description || error}. Try signing in again.`,
      details,
    ),
  };
}

/** A callback with the right state but no code. */
export function missingCodeError(): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.INVALID_RESPONSE,
    'The sign-in callback carried no authorization code. Try signing in again.',
  );
}

/** A failed `handleCode`: codex errors pass through, anything else is a failed exchange. */
export function exchangeError(cause: unknown): CodexOAuthError {
  if (cause instanceof CodexOAuthError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new CodexOAuthError(
    ErrorCodes.TOKEN_EXCHANGE_FAILED,
    `Token exchange failed: ${detail}. Try signing in again.`,
    { cause },
  );
}

/** No valid callback within `timeoutMs`. */
export function timeoutError(timeoutMs: number): CodexOAuthError {
  const waited = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
  return new CodexOAuthError(
    ErrorCodes.LOGIN_TIMEOUT,
    `No sign-in arrived within ${waited}. Run the sign-in again, or use the device flow.`,
  );
}
