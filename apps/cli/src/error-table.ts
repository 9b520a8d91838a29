import type { ErrorCode } from '@codex-oauth/core';
import { UsageError } from './usage-error.js';

/** The exit codes of `codex-oauth`. */
export const Exit = {
  /** Done; for `status`, signed in. */
  OK: 0,
  /** Not signed in, or the session is gone for good: run `codex-oauth login`. */
  NOT_SIGNED_IN: 1,
  /** Anything else went wrong: the message (and `--json` `error.code`) says what. */
  ERROR: 2,
  /**
   * auth.json holds a valid Codex login that codex-oauth does not manage (a personal access
   * token, an agent identity): Codex can use it; codex-oauth leaves it alone.
   */
  UNMANAGED_LOGIN: 3,
  /** Cancelled by Ctrl-C (128 + SIGINT, as shells report it). */
  CANCELLED: 130,
} as const;

/** One of {@link Exit}. */
export type ExitCode = (typeof Exit)[keyof typeof Exit];

/** Codes only the CLI produces. */
type CliErrorCode = 'CODEX_OAUTH_UNEXPECTED';

/** Every code the CLI can report. */
export type ReportedCode = ErrorCode | CliErrorCode;

interface Entry {
  /**
   * A short name for the error, for `--json` (`error.title`) and UIs with no room for the message;
   * the terminal shows the message alone, which says what happened and what to do next.
   */
  title: string;
  exit: ExitCode;
}

// The one place that maps a code to a headline and an exit code. Typed as a total Record, so a
// code added to core fails the CLI's typecheck until it is given a line here.
const TABLE: Record<ReportedCode, Entry> = {
  CODEX_OAUTH_INTERACTIVE_LOGIN_UNAVAILABLE: { title: 'No one here to sign in', exit: Exit.ERROR },
  CODEX_OAUTH_PORT_IN_USE: { title: 'Sign-in port busy', exit: Exit.ERROR },
  CODEX_OAUTH_LOGIN_IN_PROGRESS: { title: 'Another sign-in is in progress', exit: Exit.ERROR },
  CODEX_OAUTH_ACCESS_DENIED: { title: 'Sign-in refused', exit: Exit.ERROR },
  CODEX_OAUTH_TOKEN_EXCHANGE_FAILED: { title: 'Sign-in could not finish', exit: Exit.ERROR },
  CODEX_OAUTH_DEVICE_LOGIN_DISABLED: { title: 'Device sign-in is off', exit: Exit.ERROR },
  CODEX_OAUTH_DEVICE_CODE_EXPIRED: { title: 'Device code expired', exit: Exit.ERROR },
  CODEX_OAUTH_LOGIN_TIMEOUT: { title: 'Sign-in timed out', exit: Exit.ERROR },
  CODEX_OAUTH_LOGIN_CANCELLED: { title: 'Cancelled', exit: Exit.CANCELLED },
  CODEX_OAUTH_WORKSPACE_MISMATCH: { title: 'Wrong workspace', exit: Exit.ERROR },
  CODEX_OAUTH_LOGIN_METHOD_FORBIDDEN: { title: 'Sign-in method not allowed', exit: Exit.ERROR },
  CODEX_OAUTH_REFRESH_REJECTED: { title: 'Session ended', exit: Exit.NOT_SIGNED_IN },
  CODEX_OAUTH_REFRESH_FAILED: { title: 'Refresh failed', exit: Exit.ERROR },
  CODEX_OAUTH_NOT_SIGNED_IN: { title: 'Not signed in', exit: Exit.NOT_SIGNED_IN },
  CODEX_OAUTH_INVALID_RESPONSE: { title: 'Unexpected answer from the server', exit: Exit.ERROR },
  CODEX_OAUTH_INVALID_TOKEN: { title: 'Malformed token', exit: Exit.ERROR },
  CODEX_OAUTH_DISCOVERY_FAILED: { title: 'Issuer discovery failed', exit: Exit.ERROR },
  CODEX_OAUTH_INVALID_OPTION: { title: 'Invalid option', exit: Exit.ERROR },
  CODEX_OAUTH_STORE_CORRUPT: { title: 'auth.json is damaged', exit: Exit.ERROR },
  CODEX_OAUTH_STORE_MISSING: { title: 'Storage package missing', exit: Exit.ERROR },
  CODEX_OAUTH_STORE_WRITE_FAILED: { title: 'Could not save the sign-in', exit: Exit.ERROR },
  CODEX_OAUTH_STORE_CONFLICT: { title: 'Changed by another process', exit: Exit.ERROR },
  CODEX_OAUTH_UNMANAGED_LOGIN: {
    title: 'Signed in with a Codex login codex-oauth does not manage',
    exit: Exit.UNMANAGED_LOGIN,
  },
  CODEX_OAUTH_STORE_UNAVAILABLE: { title: 'Storage unreachable', exit: Exit.ERROR },
  CODEX_OAUTH_CODEX_HOME_INVALID: { title: 'CODEX_HOME is invalid', exit: Exit.ERROR },
  CODEX_OAUTH_CA_INVALID: { title: 'CA bundle unusable', exit: Exit.ERROR },
  CODEX_OAUTH_TLS_UNTRUSTED: { title: 'Certificate not trusted', exit: Exit.ERROR },
  CODEX_OAUTH_NETWORK_ERROR: { title: 'Network error', exit: Exit.ERROR },
  CODEX_OAUTH_REQUEST_TIMEOUT: { title: 'Request timed out', exit: Exit.ERROR },
  CODEX_OAUTH_REDIRECT_REJECTED: { title: 'Pasted address not used', exit: Exit.ERROR },
  CODEX_OAUTH_RESPONSE_TOO_LARGE: { title: 'Answer too large', exit: Exit.ERROR },
  CODEX_OAUTH_NOT_AN_ISSUER: { title: 'Not a sign-in server', exit: Exit.ERROR },
  CODEX_OAUTH_ACCOUNT_NOT_FOUND: { title: 'No such account', exit: Exit.ERROR },
  CODEX_OAUTH_ACCOUNT_AMBIGUOUS: { title: 'Which account?', exit: Exit.ERROR },
  CODEX_OAUTH_ACCOUNT_SWITCH_REFUSED: { title: 'Switch refused', exit: Exit.ERROR },
  CODEX_OAUTH_KEYRING_UNAVAILABLE: { title: 'OS keyring unavailable', exit: Exit.ERROR },
  CODEX_OAUTH_KEYRING_LOCKED: { title: 'OS keyring locked', exit: Exit.ERROR },
  CODEX_OAUTH_LOCK_BUSY: { title: 'auth.json is locked', exit: Exit.ERROR },
  CODEX_OAUTH_LOCK_TIMEOUT: { title: 'auth.json lock timed out', exit: Exit.ERROR },
  CODEX_OAUTH_UNEXPECTED: { title: 'Unexpected error', exit: Exit.ERROR },
};

/** An error as the CLI reports it: the same fields on the terminal and in `--json`. */
export interface Report {
  code: ReportedCode;
  title: string;
  /** The error's own message (it says what to do next); never holds a secret. */
  message: string;
  exit: ExitCode;
  /** For usage errors: the command whose `--help` to suggest. */
  helpFor?: string;
}

const BRAND = Symbol.for('codex-oauth.error');

/**
 * Turns anything thrown into a {@link Report}. codex-oauth errors are recognised by their
 * `Symbol.for('codex-oauth.error')` brand (core's errors, which store-file throws too, and net-ca's), so
 * this module needs no runtime import of core and the entry chunk stays small.
 */
export function reportFor(error: unknown): Report {
  if (error instanceof UsageError) {
    const entry = TABLE.CODEX_OAUTH_INVALID_OPTION;
    return {
      code: 'CODEX_OAUTH_INVALID_OPTION',
      ...entry,
      message: error.message,
      ...(error.command !== undefined && { helpFor: error.command }),
    };
  }
  const branded =
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true;
  const code = branded ? String((error as { code?: unknown }).code) : '';
  if (code in TABLE) {
    const entry = TABLE[code as ReportedCode];
    return { code: code as ReportedCode, ...entry, message: (error as Error).message };
  }
  // Not ours, or a code this CLI predates: say what it was, without a stack (it may hold paths
  // of no use to the user); CODEX_OAUTH_DEBUG=1 prints the stack for bug reports.
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'CODEX_OAUTH_UNEXPECTED', ...TABLE.CODEX_OAUTH_UNEXPECTED, message };
}

/** Every code the table knows, for the README check and tests. */
export const REPORTED_CODES = Object.keys(TABLE) as ReportedCode[];
