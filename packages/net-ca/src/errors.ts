import { CODEX_OAUTH_ERROR_BRAND } from './error-brand.js';

// The brand is shared with `CodexOAuthError` in `@codex-oauth/core`, which re-exports it, so
// `err instanceof CodexOAuthError` holds for net-ca's errors without net-ca depending on core.
export { CODEX_OAUTH_ERROR_BRAND };

// `util.inspect.custom` from the global symbol registry, as Node documents it: an `import` of
// node:util builds its whole ES module view (17 more internal modules on Node 24) for one symbol.
const INSPECT_CUSTOM = Symbol.for('nodejs.util.inspect.custom');

/** The error codes net-ca raises: the same strings as core's `ErrorCodes`. */
export const NetCaErrorCodes = {
  /** The CA bundle named by CODEX_CA_CERTIFICATE or SSL_CERT_FILE is missing, unreadable or empty. */
  CA_INVALID: 'CODEX_OAUTH_CA_INVALID',
  /** The server's TLS certificate is not trusted (stale SSL_CERT_FILE, missing corporate CA). */
  TLS_UNTRUSTED: 'CODEX_OAUTH_TLS_UNTRUSTED',
  /** The request never got an answer: DNS, refused connection, reset, proxy failure. */
  NETWORK_ERROR: 'CODEX_OAUTH_NETWORK_ERROR',
  /** The request took longer than its timeout. */
  REQUEST_TIMEOUT: 'CODEX_OAUTH_REQUEST_TIMEOUT',
} as const;

/** One of the codes in {@link NetCaErrorCodes}. */
export type NetCaErrorCode = (typeof NetCaErrorCodes)[keyof typeof NetCaErrorCodes];

/**
 * The error class of net-ca. `code` is stable; `message` says what to do next and never holds
 * request headers or bodies. `cause` keeps the undici / Node error for debugging, but is left out
 * of `util.inspect` and `toJSON` output.
 *
 * @example
 * ```ts
 * try { await fetch(url) } catch (err) {
 *   if (err instanceof NetCaError && err.code === 'CODEX_OAUTH_TLS_UNTRUSTED') { ... }
 * }
 * ```
 */
export class NetCaError extends Error {
  /** The stable `CODEX_OAUTH_*` code. */
  readonly code: NetCaErrorCode;
  declare readonly [CODEX_OAUTH_ERROR_BRAND]: true;

  constructor(code: NetCaErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, CODEX_OAUTH_ERROR_BRAND, { value: true });
  }

  /** Keeps `cause` chains out of `inspect` output, where a fetch error could carry a request. */
  [INSPECT_CUSTOM](): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }

  /** A JSON form without the cause, for logs and `--json` output. */
  toJSON(): { code: NetCaErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** True when `value` is a {@link NetCaError} (or any codex-oauth error) with the given code. */
export function isNetCaError(value: unknown, code?: NetCaErrorCode): value is NetCaError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[CODEX_OAUTH_ERROR_BRAND] === true &&
    (code === undefined || (value as { code?: unknown }).code === code)
  );
}
