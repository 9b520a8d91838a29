import { CODEX_OAUTH_ERROR_BRAND } from '@codex-oauth/net-ca/error-brand';
import { INSPECT_CUSTOM } from './inspect-hook.js';
import { redactSecrets } from './redaction.js';

export { redactSecrets } from './redaction.js';

/**
 * The brand every codex-oauth error carries, shared through the global symbol registry so that
 * `instanceof CodexOAuthError` holds across duplicate installs and for errors thrown by the leaf
 * packages. Defined once, in net-ca (the lowest package that brands its errors), and re-exported.
 */
export { CODEX_OAUTH_ERROR_BRAND };

/**
 * Every stable error code. Match on `error.code`, never on the message: messages are for people
 * and may be reworded; codes are part of the API.
 */
export const ErrorCodes = {
  /** `flow: 'auto'` in an environment where no one can answer a sign-in (CI, no TTY, `TERM=dumb`). */
  INTERACTIVE_LOGIN_UNAVAILABLE: 'CODEX_OAUTH_INTERACTIVE_LOGIN_UNAVAILABLE',
  /** Neither loopback port (1455, then 1457) could be bound. */
  PORT_IN_USE: 'CODEX_OAUTH_PORT_IN_USE',
  /**
   * Both loopback ports are busy and a browser sign-in of this same process holds one of them: it
   * is left running (never sent `/cancel`). Wait for it or cancel it, or use the device flow.
   */
  LOGIN_IN_PROGRESS: 'CODEX_OAUTH_LOGIN_IN_PROGRESS',
  /** The user or the server refused the sign-in (including `missing_codex_entitlement`). */
  ACCESS_DENIED: 'CODEX_OAUTH_ACCESS_DENIED',
  /** The authorization code (or device code) could not be exchanged for tokens. */
  TOKEN_EXCHANGE_FAILED: 'CODEX_OAUTH_TOKEN_EXCHANGE_FAILED',
  /** Device-code sign-in is switched off for this account or workspace (usercode endpoint 404). */
  DEVICE_LOGIN_DISABLED: 'CODEX_OAUTH_DEVICE_LOGIN_DISABLED',
  /** The device code expired before the user entered it. */
  DEVICE_CODE_EXPIRED: 'CODEX_OAUTH_DEVICE_CODE_EXPIRED',
  /** No sign-in finished within the allowed time. */
  LOGIN_TIMEOUT: 'CODEX_OAUTH_LOGIN_TIMEOUT',
  /** The sign-in was cancelled (by `cancelLogin`, an `AbortSignal`, `/cancel`, or Ctrl-C). */
  LOGIN_CANCELLED: 'CODEX_OAUTH_LOGIN_CANCELLED',
  /** The signed-in account is not in the allowed workspace(s). */
  WORKSPACE_MISMATCH: 'CODEX_OAUTH_WORKSPACE_MISMATCH',
  /** Codex's `forced_login_method` forbids this kind of sign-in. */
  LOGIN_METHOD_FORBIDDEN: 'CODEX_OAUTH_LOGIN_METHOD_FORBIDDEN',
  /** The refresh token was refused for good (expired, reused, revoked, or any 401): sign in again. */
  REFRESH_REJECTED: 'CODEX_OAUTH_REFRESH_REJECTED',
  /** Refreshing failed after every retry for a reason that may pass (5xx, network). */
  REFRESH_FAILED: 'CODEX_OAUTH_REFRESH_FAILED',
  /** Nothing is stored: sign in first. */
  NOT_SIGNED_IN: 'CODEX_OAUTH_NOT_SIGNED_IN',
  /** A server answered with something that is not what the protocol promises. */
  INVALID_RESPONSE: 'CODEX_OAUTH_INVALID_RESPONSE',
  /** A token that must be a JWT is not one (three parts, unpadded base64url JSON payload). */
  INVALID_TOKEN: 'CODEX_OAUTH_INVALID_TOKEN',
  /** OIDC discovery failed or the metadata lacks an endpoint the flow needs. */
  DISCOVERY_FAILED: 'CODEX_OAUTH_DISCOVERY_FAILED',
  /** An option has a value that cannot work. */
  INVALID_OPTION: 'CODEX_OAUTH_INVALID_OPTION',
  /** The stored credentials could not be parsed; the file is left untouched. */
  STORE_CORRUPT: 'CODEX_OAUTH_STORE_CORRUPT',
  /** The storage package for the chosen `storage` is not installed. */
  STORE_MISSING: 'CODEX_OAUTH_STORE_MISSING',
  /** Writing credentials failed (disk full, read-only, permissions); the old file is intact. */
  STORE_WRITE_FAILED: 'CODEX_OAUTH_STORE_WRITE_FAILED',
  /**
   * The store's backend (a Redis server, a database) could not be reached or refused the command;
   * nothing was half-written. Retry once it is back.
   */
  STORE_UNAVAILABLE: 'CODEX_OAUTH_STORE_UNAVAILABLE',
  /** A compare-and-swap save lost: someone else changed the stored tokens first. */
  STORE_CONFLICT: 'CODEX_OAUTH_STORE_CONFLICT',
  /**
   * The store holds a valid Codex login of a kind codex-oauth does not manage (a personal access
   * token, an agent identity, a Bedrock key): it is reported, never refreshed or rewritten.
   */
  UNMANAGED_LOGIN: 'CODEX_OAUTH_UNMANAGED_LOGIN',
  /** The OS keyring cannot be used: no D-Bus session bus, no Secret Service, no answer in time. */
  KEYRING_UNAVAILABLE: 'CODEX_OAUTH_KEYRING_UNAVAILABLE',
  /** The OS keyring is locked and unlocking it needs a prompt no one can answer here. */
  KEYRING_LOCKED: 'CODEX_OAUTH_KEYRING_LOCKED',
  /** The store's lock is held by another process and the caller asked not to wait. */
  LOCK_BUSY: 'CODEX_OAUTH_LOCK_BUSY',
  /** The store's lock stayed held longer than the caller was willing to wait. */
  LOCK_TIMEOUT: 'CODEX_OAUTH_LOCK_TIMEOUT',
  /** `CODEX_HOME` is set but does not name an existing directory. */
  CODEX_HOME_INVALID: 'CODEX_OAUTH_CODEX_HOME_INVALID',
  /** The CA bundle named by CODEX_CA_CERTIFICATE or SSL_CERT_FILE is missing, unreadable or empty. */
  CA_INVALID: 'CODEX_OAUTH_CA_INVALID',
  /** The server's TLS certificate is not trusted (stale SSL_CERT_FILE, missing corporate CA). */
  TLS_UNTRUSTED: 'CODEX_OAUTH_TLS_UNTRUSTED',
  /** The request never got an answer: DNS, refused connection, reset, proxy failure. */
  NETWORK_ERROR: 'CODEX_OAUTH_NETWORK_ERROR',
  /** The request took longer than its timeout. */
  REQUEST_TIMEOUT: 'CODEX_OAUTH_REQUEST_TIMEOUT',
  /**
   * A pasted redirect could not finish the sign-in (not a redirect address, another sign-in's
   * `state`, a refusal, or a code the issuer would not exchange). The sign-in goes on: paste again.
   */
  REDIRECT_REJECTED: 'CODEX_OAUTH_REDIRECT_REJECTED',
  /** An answer's body was larger than the transport's cap (1 MiB by default); it was not read. */
  RESPONSE_TOO_LARGE: 'CODEX_OAUTH_RESPONSE_TOO_LARGE',
  /** The server at the issuer URL does not speak the OpenAI sign-in protocol (a 404 page, another service). */
  NOT_AN_ISSUER: 'CODEX_OAUTH_NOT_AN_ISSUER',
  /** No saved account matches the selector; the message lists the accounts there are. */
  ACCOUNT_NOT_FOUND: 'CODEX_OAUTH_ACCOUNT_NOT_FOUND',
  /** The selector matches more than one account; the message lists them (pick one by number). */
  ACCOUNT_AMBIGUOUS: 'CODEX_OAUTH_ACCOUNT_AMBIGUOUS',
  /** `auth.json` holds what a switch would destroy (an API key, not a saved account). */
  ACCOUNT_SWITCH_REFUSED: 'CODEX_OAUTH_ACCOUNT_SWITCH_REFUSED',
} as const;

/**
 * The one wording of "nothing is stored" (`CODEX_OAUTH_NOT_SIGNED_IN`), which the CLI's `status`
 * prints too: the same words wherever a person meets it.
 */
export const NOT_SIGNED_IN_MESSAGE = 'Not signed in. Run codex-oauth login to sign in.';

/** A stable `CODEX_OAUTH_*` code. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** What an OAuth server said when it refused a request. */
export interface ProtocolDetails {
  /** HTTP status of the answer. */
  status?: number;
  /** The OAuth `error` (or `error.code`) string. */
  error?: string;
  /** The OAuth `error_description` (or `error.message`) string. */
  error_description?: string;
}

/** Options for {@link CodexOAuthError}. */
export interface CodexOAuthErrorOptions extends ProtocolDetails {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one error class of codex-oauth. `code` is stable; `message` says what to do next.
 *
 * @example
 * ```ts
 * try { await login() } catch (err) {
 *   if (err instanceof CodexOAuthError && err.code === ErrorCodes.PORT_IN_USE) { ... }
 * }
 * ```
 */
export class CodexOAuthError extends Error {
  /** The stable `CODEX_OAUTH_*` code. */
  readonly code: ErrorCode;
  /** HTTP status, for protocol errors. */
  readonly status?: number;
  /** OAuth `error`, for protocol errors. */
  readonly error?: string;
  /** OAuth `error_description`, for protocol errors (redacted). */
  readonly error_description?: string;
  declare readonly [CODEX_OAUTH_ERROR_BRAND]: true;

  constructor(code: ErrorCode, message: string, options: CodexOAuthErrorOptions = {}) {
    super(redactSecrets(message), { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    if (options.error !== undefined) this.error = redactSecrets(options.error);
    if (options.error_description !== undefined) {
      this.error_description = redactSecrets(options.error_description);
    }
    Object.defineProperty(this, CODEX_OAUTH_ERROR_BRAND, { value: true });
  }

  /**
   * Brand check for the base class (works across copies of the package and for net-ca's errors);
   * ordinary prototype checks for subclasses.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was asked about.
    if (this === CodexOAuthError) {
      return (
        typeof value === 'object' &&
        value !== null &&
        (value as Record<symbol, unknown>)[CODEX_OAUTH_ERROR_BRAND] === true
      );
    }
    // biome-ignore lint/complexity/noThisInStatic: subclasses keep ordinary prototype checks.
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** Keeps `cause` chains out of `inspect` output, where a fetch error could carry a request body. */
  [INSPECT_CUSTOM](): string {
    const details = [
      this.status !== undefined ? `status: ${this.status}` : '',
      this.error ? `error: ${JSON.stringify(this.error)}` : '',
    ].filter(Boolean);
    // Redacted again on the way out: a secret learnt after construction is caught too.
    return redactSecrets(
      `${this.name} [${this.code}]: ${this.message}${details.length ? ` (${details.join(', ')})` : ''}`,
    );
  }

  /** A JSON form with no cause and no secrets, for logs and `--json` output. */
  toJSON(): { code: ErrorCode; message: string } & ProtocolDetails {
    return {
      code: this.code,
      message: redactSecrets(this.message),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.error !== undefined && { error: this.error }),
      ...(this.error_description !== undefined && { error_description: this.error_description }),
    };
  }
}

/** True when `value` is a codex-oauth error with the given code (any copy of the package). */
export function isCodexOAuthError(value: unknown, code?: ErrorCode): value is CodexOAuthError {
  return value instanceof CodexOAuthError && (code === undefined || value.code === code);
}

/**
 * The one `CODEX_OAUTH_LOGIN_CANCELLED` error: cancelLogin, an aborted signal, `/cancel` or
 * Ctrl-C all end a sign-in with it. `cause` keeps the abort reason; `why` completes "The sign-in
 * ended because …" (default "it was cancelled").
 *
 * @example
 * ```ts
 * if (signal.aborted) throw cancelledError(signal.reason);
 * ```
 */
export function cancelledError(cause?: unknown, why = 'it was cancelled'): CodexOAuthError {
  return new CodexOAuthError(ErrorCodes.LOGIN_CANCELLED, `The sign-in ended because ${why}.`, {
    cause,
  });
}
