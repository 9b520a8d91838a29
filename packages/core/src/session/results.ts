import type { AuthRecord } from '../model/auth-record.js';
import { isRefreshDue, readClaims } from '../model/claims.js';
import type { TokenStore } from '../store/token-store.js';
import type { FlowUsed, StorageUsed } from './options.js';
import type { RefreshRefusal } from './refusal-memory.js';

/** What a sign-in (or a reused stored session) gives back. Holds no secret. */
export interface LoginResult {
  readonly provider: 'openai_chatgpt';
  /** How: a sign-in flow, `stored` (a working session was kept), `api_key` (`loginWithApiKey`). */
  readonly flowUsed: FlowUsed | 'stored' | 'api_key';
  readonly storageUsed: StorageUsed;
  /** `'chatgpt'` for sign-ins; a stored api-key file gives `'apikey'`. */
  readonly authMode: 'chatgpt' | 'apikey';
  readonly accountId: string | null;
  readonly planType: string | null;
  readonly email: string | null;
  /** The access token's expiry. */
  readonly expiresAt: Date | null;
  /** The last sign-in or refresh (`last_refresh`), as in {@link Status.lastRefresh}. */
  readonly lastRefresh: Date | null;
  /** The session is in a store that outlives this process (`auth.json`). */
  readonly persisted: boolean;
  /** `auth.json` for file storage; absent for others (as in {@link Status.path}). */
  readonly path?: string;
  /** Things the user should know: keyring config, lock fallback, WSL fallback, ... */
  readonly warnings: string[];
}

/** What is stored, read without any network request. */
export interface Status {
  readonly provider: 'openai_chatgpt';
  /**
   * A usable session is stored: tokens or an API key, and no refusal remembered for them
   * (`refreshRefused`). The account fields still describe a refused session.
   */
  readonly authenticated: boolean;
  readonly storageUsed: StorageUsed;
  /** `null` when nothing is stored. */
  readonly authMode: 'chatgpt' | 'apikey' | null;
  readonly accountId: string | null;
  readonly planType: string | null;
  readonly email: string | null;
  readonly expiresAt: Date | null;
  /** The last sign-in or refresh (`last_refresh`). */
  readonly lastRefresh: Date | null;
  /**
   * The access token is due for refresh: within the refresh window of expiry (default 10 minutes,
   * at most half its lifetime), or 8 days old without `exp`.
   */
  readonly needsRefresh: boolean;
  readonly persisted: boolean;
  /** `auth.json` for file storage; absent for others. */
  readonly path?: string;
  /**
   * The issuer refused to refresh the stored tokens for good (expired, reused, revoked): the
   * session has ended and `authenticated` is `false`; sign in again (`login({ forceNew: true })`).
   * Remembered beside `auth.json` in `codex-oauth/refused-refresh.json` (for stores without a
   * CODEX_HOME, in this process only); any new sign-in clears it. `null` otherwise.
   */
  readonly refreshRefused: RefreshRefusal | null;
  readonly warnings: string[];
}

/** The public facts of a record (claims are decoded, never verified). */
export interface RecordFacts {
  authMode: 'chatgpt' | 'apikey';
  accountId: string | null;
  planType: string | null;
  email: string | null;
  expiresAt: Date | null;
}

/** Reads what a record says about the account. An unreadable id token yields nulls. */
export function recordFacts(record: AuthRecord): RecordFacts {
  const none = { accountId: null, planType: null, email: null, expiresAt: null };
  if (record.tokens === null) return { authMode: record.authMode, ...none };
  let claims: ReturnType<typeof readClaims> | null = null;
  try {
    claims = readClaims(record.tokens);
  } catch {
    claims = null;
  }
  return {
    authMode: record.authMode,
    accountId: record.tokens.accountId ?? claims?.accountId ?? null,
    planType: claims?.planType ?? null,
    email: claims?.email ?? null,
    expiresAt: claims?.expiresAt ?? null,
  };
}

/** Builds a {@link LoginResult}. */
export function loginResult(
  record: AuthRecord,
  store: TokenStore,
  flowUsed: LoginResult['flowUsed'],
  warnings: readonly string[],
): LoginResult {
  return {
    provider: 'openai_chatgpt',
    flowUsed,
    storageUsed: store.kind,
    ...recordFacts(record),
    lastRefresh: parseTime(record.lastRefresh),
    persisted: store.capabilities.persistent,
    ...(typeof store.path === 'string' && { path: store.path }),
    warnings: [...new Set(warnings)],
  };
}

/**
 * Builds a {@link Status}; `record` `null` means signed out; `refreshWindowMs` an explicit window;
 * `refusal` a remembered refusal of the record's refresh token.
 */
export function statusOf(
  record: AuthRecord | null,
  store: TokenStore,
  warnings: readonly string[],
  now: Date = new Date(),
  refreshWindowMs?: number,
  refusal: RefreshRefusal | null = null,
): Status {
  const facts = record
    ? recordFacts(record)
    : { authMode: null, accountId: null, planType: null, email: null, expiresAt: null };
  return {
    provider: 'openai_chatgpt',
    authenticated:
      refusal === null &&
      record !== null &&
      (record.tokens !== null || record.openaiApiKey !== null),
    storageUsed: store.kind,
    ...facts,
    lastRefresh: parseTime(record?.lastRefresh ?? null),
    needsRefresh: record ? isRefreshDue(record, now, refreshWindowMs) : false,
    persisted: record !== null && store.capabilities.persistent,
    ...(typeof store.path === 'string' && { path: store.path }),
    refreshRefused: refusal,
    warnings: [...new Set(warnings)],
  };
}

/** An RFC 3339 time as a Date, or `null` when absent or unreadable. */
function parseTime(text: string | null): Date | null {
  if (!text) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}
