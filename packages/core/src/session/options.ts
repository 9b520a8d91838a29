import type { Probes } from '@codex-oauth/env-detect';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import type { OnEvent } from '../model/events.js';
import type { Provider } from '../protocol/provider.js';
import type { TokenStore } from '../store/token-store.js';
import type { FetchLike } from '../transport/http.js';

/** A sign-in flow as callers name it. `browser` and `device` are aliases of the `_code` names. */
export type Flow = 'auto' | 'browser' | 'browser_code' | 'device' | 'device_code';

/** The canonical flow names used in results. */
export type FlowUsed = 'browser_code' | 'device_code';

/**
 * Where tokens live: `file` is `auth.json` (store-file), `keyring` the OS keyring entry Codex
 * uses (store-keyring), `memory` this process; `auto` follows Codex's `cli_auth_credentials_store`
 * in `config.toml` (`file` when unset).
 */
export type Storage = 'auto' | 'file' | 'keyring' | 'memory';

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
  /** Default `auto` (what Codex's `config.toml` says; `file` when unset). Ignored when `store` is given. */
  storage?: Storage;
  /** A ready {@link TokenStore}; wins over `storage`. */
  store?: TokenStore;
  /** Transport; default net-ca's fetch built from the merged env. */
  fetch?: FetchLike;
  /** Cancels the call (and a running sign-in, freeing its port). */
  signal?: AbortSignal;
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
}

/** Options of sign-in functions (`login`, `beginLogin`, `authorizeUrl`). */
export interface LoginOptions extends SessionOptions {
  /** Default `auto`: the flow the environment prefers. */
  flow?: Flow;
  /** Longest wait for the user: browser default 120 000 ms, device default 900 000 ms. */
  timeoutMs?: number;
  /** Loopback port; default 1455 (1457 when busy). `0` picks a free port. */
  port?: number;
  /** Restricts the sign-in to this workspace (or these); checked again after sign-in. */
  allowedWorkspaceId?: string | string[];
  /** `login` only: sign in again even if a session is stored; the replaced tokens are revoked. */
  forceNew?: boolean;
  /**
   * How long the browser flow runs alone before the device flow starts beside it, when the
   * environment has a fallback (WSL) and `flow` is `auto`. Default 10 000 ms.
   */
  fallbackGraceMs?: number;
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
 * `auto` stays. Anything else is `CODEX_OAUTH_INVALID_OPTION`.
 */
export function normalizeFlow(flow: Flow | undefined): FlowUsed | 'auto' {
  switch (flow ?? 'auto') {
    case 'auto':
      return 'auto';
    case 'browser':
    case 'browser_code':
      return 'browser_code';
    case 'device':
    case 'device_code':
      return 'device_code';
    default:
      throw new CodexOAuthError(
        ErrorCodes.INVALID_OPTION,
        `Unknown flow ${JSON.stringify(flow)}: use 'auto', 'browser' or 'device'.`,
      );
  }
}

/** Checks the `storage` option; anything else is `CODEX_OAUTH_INVALID_OPTION`. */
export function normalizeStorage(storage: Storage | undefined): Storage {
  const value = storage ?? 'auto';
  if (value === 'auto' || value === 'file' || value === 'keyring' || value === 'memory') {
    return value;
  }
  throw new CodexOAuthError(
    ErrorCodes.INVALID_OPTION,
    `Unknown storage ${JSON.stringify(storage)}: use 'auto', 'file', 'keyring' or 'memory'.`,
  );
}

/** Throws the signal's cancellation as `CODEX_OAUTH_LOGIN_CANCELLED` when it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CodexOAuthError(ErrorCodes.LOGIN_CANCELLED, 'The operation was cancelled.', {
      cause: signal.reason,
    });
  }
}
