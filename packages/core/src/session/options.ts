import type { Probes } from '@codex-oauth/env-detect';
import type { AccountSelector, AccountsBackend } from '../accounts/account-types.js';
import type { SuccessPage } from '../loopback/success-page.js';
import { CodexOAuthError, cancelledError, ErrorCodes } from '../model/errors.js';
import type { OnEvent } from '../model/events.js';
import type { Provider } from '../protocol/provider.js';
import type { TokenStore } from '../store/token-store.js';
import type { FetchLike } from '../transport/http.js';
import type { PendingLogin } from './pending-login.js';

/**
 * A sign-in flow as callers name it. `browser` and `device` are aliases of the `_code` names.
 * `paste` is the browser flow finished by pasting the address the browser lands on (see
 * `submitRedirect`), for a browser on another machine; the loopback listens as well.
 */
export type Flow = 'auto' | 'browser' | 'browser_code' | 'device' | 'device_code' | 'paste';

/** The canonical flow names used in results. */
export type FlowUsed = 'browser_code' | 'device_code';

/**
 * Where tokens live: `file` is `auth.json` (store-file), `keyring` the OS keyring entry Codex
 * uses (store-keyring), `memory` this process, `redis` the key `CODEX_OAUTH_REDIS_KEY` at
 * `CODEX_OAUTH_REDIS_URL` (store-redis); `auto` follows Codex's `cli_auth_credentials_store` in
 * `config.toml` (`file` when unset).
 */
export type Storage = 'auto' | 'file' | 'keyring' | 'memory' | 'redis';

/**
 * Which store a result came from: `'file'`, `'memory'`, or the `kind` of a custom `store`.
 */
export type StorageUsed = 'file' | 'keyring' | 'memory' | (string & {});

/** Options every session function accepts (SPEC.md §3). */
export interface SessionOptions {
  /** `CODEX_HOME` for file storage; wins over `env.CODEX_HOME`. */
  codexHome?: string;
  /** Merged over `process.env`; drives CODEX_HOME, CA and proxy variables and detection. */
  env?: Record<string, string | undefined>;
  /** Issuer URL; default env `CODEX_OAUTH_ISSUER`, else `https://auth.openai.com`. */
  issuer?: string;
  /** OAuth client id; default Codex's. */
  clientId?: string;
  /** `'openai'` (default), `'oidc'` (discovered from `issuer`), or a profile object. */
  provider?: 'openai' | 'oidc' | Provider;
  /**
   * Which built-in store to use; default `auto` (what Codex's `config.toml` says; `file` when
   * unset). Ignored when `store` is given. Each built-in store is made once per process per
   * location and shared by every call that resolves to it (so single-flight refresh spans them).
   *
   * **`'memory'` is one store for the whole process**: every call with `storage: 'memory'`, whatever
   * its `codexHome`, `env` or user, reads and writes the same record, and a `logout` through any
   * of them ends it for all. That suits a CLI or a script with one user. A host serving several
   * users must not use it: keep one `memoryStore()` (from `@codex-oauth/store-memory`) per user
   * session and pass it as `store`.
   */
  storage?: Storage;
  /** A ready {@link TokenStore}; wins over `storage`. */
  store?: TokenStore;
  /** Transport; default net-ca's fetch built from the merged env. */
  fetch?: FetchLike;
  /** Cancels the call (and a running sign-in, freeing its port). */
  signal?: AbortSignal;
  /**
   * Total deadline of each request (headers and body); default env
   * `CODEX_OAUTH_REQUEST_TIMEOUT_MS`, else 10 000 ms. A refresh retries at most twice more.
   */
  requestTimeoutMs?: number;
  /** Overrides interactivity detection (`true` lets a sign-in start even in CI). */
  interactive?: boolean;
  /** Typed progress events. */
  onEvent?: OnEvent;
  /** Replaces the OS browser opener; its failure is a warning, never fatal. */
  openBrowser?: (url: string) => Promise<void>;
  /**
   * Probes for environment detection, for tests and embedders (`platform`, `env`, `isTTY`,
   * `readFile`, `exists`). Missing ones read the real process; `env` defaults to the merged env.
   */
  environment?: Partial<Probes>;
  /**
   * Refresh when the access token expires within this many milliseconds. Default env
   * `CODEX_OAUTH_REFRESH_WINDOW_SECONDS`, else 10 minutes but at most half the token's lifetime
   * (`exp - iat`); a window set here or in the variable is used as given (SPEC §4). Keep it wider
   * than Codex's 5 minutes so that Codex finds our fresh tokens instead of refreshing itself.
   */
  refreshWindowMs?: number;
  /**
   * Work on this saved account instead of the active one (`getAccessToken`, `refresh`, `status`,
   * `logout`): a number from `listAccounts()`, an email, or an account id. The account need not
   * be active; nothing is switched. Unknown or ambiguous is `CODEX_OAUTH_ACCOUNT_NOT_FOUND` /
   * `CODEX_OAUTH_ACCOUNT_AMBIGUOUS`.
   */
  account?: AccountSelector;
  /**
   * Where several accounts live. Default: store-file's `fileAccounts` (a `codex-oauth` folder in
   * `CODEX_HOME`) for file storage; required with `account`/`addAccount` when `store` is given.
   */
  accounts?: AccountsBackend;
}

/** Options of sign-in functions (`login`, `beginLogin`, `authorizeUrl`). */
export interface LoginOptions extends SessionOptions {
  /** Default `auto`: the flow the environment prefers. */
  flow?: Flow;
  /**
   * Longest wait for the user: browser default 120 000 ms, device default 900 000 ms; a sign-in
   * that waits for a paste defaults to the device's (copying between machines takes longer).
   */
  timeoutMs?: number;
  /** Loopback port; default 1455 (1457 when busy). `0` picks a free port. */
  port?: number;
  /**
   * Browser flow: when another program holds `port`, send it `GET /cancel` so it gives way, as
   * the Codex CLI does (default `true`, right for a command-line sign-in that replaces a
   * forgotten one). `false` never disturbs another program's sign-in: a busy port is skipped for
   * 1457 at once. Either way a browser sign-in of this same process is never cancelled: a second
   * one takes 1457, and with both ports busy gets `CODEX_OAUTH_LOGIN_IN_PROGRESS` while the
   * first goes on.
   */
  takeOverPort?: boolean;
  /**
   * Browser flow: what the tab shows once the sign-in succeeded, instead of Codex's "return to
   * your terminal" page: `{ title?, message }` (escaped text), `{ html }` (the host's body markup,
   * under the same CSP, so nothing in it runs or loads) or `{ redirect: 'https://…' }` (a 302 to
   * the host's own page; absolute `http:`/`https:` only, fixed now, never taken from the
   * request). A bad value is `CODEX_OAUTH_INVALID_OPTION` before anything binds.
   */
  successPage?: SuccessPage;
  /** Restricts the sign-in to this workspace (or these); checked again after sign-in. */
  allowedWorkspaceId?: string | string[];
  /** `login` only: sign in again even if a session is stored; the replaced tokens are revoked. */
  forceNew?: boolean;
  /**
   * How long the browser flow runs alone before the device flow starts beside it, when the
   * environment has a fallback (WSL) and `flow` is `auto`. Default 10 000 ms.
   */
  fallbackGraceMs?: number;
  /**
   * `login` only: called with the pending login once its flow has begun, before a browser opens,
   * so a caller can offer the paste prompt (`submitRedirect`) or show the device code itself.
   */
  onPending?: (pending: PendingLogin) => void;
  /**
   * `login` only: sign in another account and keep the current one. Always runs a flow; the
   * account `auth.json` holds now is saved to its entry first, and the new one becomes active.
   * The same account signed in again updates its entry. See `listAccounts`, `switchAccount`.
   */
  addAccount?: boolean;
}

/** Options of {@link refresh}. */
export interface RefreshSessionOptions extends SessionOptions {
  /** Refresh even when the access token is not due (`refresh_reason: forced`). Default false. */
  force?: boolean;
}

/** Options of {@link logout}. */
export interface LogoutOptions extends SessionOptions {
  /** Revoke the refresh token first (best effort). Default true. */
  revoke?: boolean;
  /** Upper bound for the revocation request. Default 5 000 ms. */
  revokeTimeoutMs?: number;
}

/** Default browser wait (SPEC §3). */
export const BROWSER_TIMEOUT_MS = 120_000;
/** Default device wait (SPEC §3). */
export const DEVICE_TIMEOUT_MS = 900_000;
/** Default WSL grace before the device flow joins the browser flow (SPEC §8). */
export const FALLBACK_GRACE_MS = 10_000;

/**
 * Canonical name of a requested flow: `browser` -> `browser_code`, `device` -> `device_code`,
 * `auto` and `paste` stay. Anything else is `CODEX_OAUTH_INVALID_OPTION`.
 */
export function normalizeFlow(flow: Flow | undefined): FlowUsed | 'auto' | 'paste' {
  switch (flow ?? 'auto') {
    case 'auto':
      return 'auto';
    case 'paste':
      return 'paste';
    case 'browser':
    case 'browser_code':
      return 'browser_code';
    case 'device':
    case 'device_code':
      return 'device_code';
    default:
      throw new CodexOAuthError(
        ErrorCodes.INVALID_OPTION,
        `Unknown flow ${JSON.stringify(flow)}: use 'auto', 'browser', 'device' or 'paste'.`,
      );
  }
}

/** Checks the `storage` option; anything else is `CODEX_OAUTH_INVALID_OPTION`. */
export function normalizeStorage(storage: Storage | undefined): Storage {
  const value = storage ?? 'auto';
  if (
    value === 'auto' ||
    value === 'file' ||
    value === 'keyring' ||
    value === 'memory' ||
    value === 'redis'
  ) {
    return value;
  }
  throw new CodexOAuthError(
    ErrorCodes.INVALID_OPTION,
    `Unknown storage ${JSON.stringify(storage)}: use 'auto', 'file', 'keyring', 'memory' or 'redis'.`,
  );
}

/** The environment variable that sets the refresh window, in seconds. */
export const REFRESH_WINDOW_ENV = 'CODEX_OAUTH_REFRESH_WINDOW_SECONDS';

/**
 * The explicit refresh window of a call in milliseconds: `refreshWindowMs`, else
 * `CODEX_OAUTH_REFRESH_WINDOW_SECONDS` from `env`, else `undefined` (the default window, see
 * `refreshWindowOf`). A negative, fractional-millisecond or non-numeric value is
 * `CODEX_OAUTH_INVALID_OPTION`.
 */
export function explicitRefreshWindowMs(
  options: { refreshWindowMs?: number | undefined },
  env: Record<string, string | undefined>,
): number | undefined {
  const given = options.refreshWindowMs;
  if (given !== undefined) {
    if (typeof given !== 'number' || !Number.isSafeInteger(given) || given < 0) {
      throw new CodexOAuthError(
        ErrorCodes.INVALID_OPTION,
        `refreshWindowMs must be a whole number of milliseconds, 0 or more (got ${String(given)}).`,
      );
    }
    return given;
  }
  const text = env[REFRESH_WINDOW_ENV]?.trim();
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,9}$/.test(text)) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `${REFRESH_WINDOW_ENV} must be a whole number of seconds (got "${text.slice(0, 20)}"). ` +
        'Fix or unset it.',
    );
  }
  return Number(text) * 1000;
}

/** Throws the signal's cancellation as `CODEX_OAUTH_LOGIN_CANCELLED` when it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw cancelledError(signal.reason);
  }
}
