import type { AuthRecord } from '../model/auth-record.js';
import { isRefreshDue, readClaims } from '../model/claims.js';
import type { TokenStore } from '../store/token-store.js';
import type { FlowUsed, StorageUsed } from './options.js';

/** What a sign-in (or a reused stored session) gives back. Holds no secret. */
export interface LoginResult {
  readonly provider: 'openai_chatgpt';
  readonly flowUsed: FlowUsed | 'stored';
  readonly storageUsed: StorageUsed;
  /** `'chatgpt'` for sign-ins; a stored api-key file gives `'apikey'`. */
  readonly authMode: 'chatgpt' | 'apikey';
  readonly accountId: string | null;
  readonly planType: string | null;
  readonly email: string | null;
  /** The access token's expiry. */
  readonly expiresAt: Date | null;
  /** The session is in a store that outlives this process (`auth.json`). */
  readonly persisted: boolean;
  /** Things the user should know: keyring config, lock fallback, WSL fallback, ... */
  readonly warnings: string[];
}

/** What is stored, read without any network request. */
export interface Status {
  readonly provider: 'openai_chatgpt';
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
  /** The access token is due for refresh (within 5 minutes of expiry, or 8 days without `exp`). */
  readonly needsRefresh: boolean;
  readonly persisted: boolean;
  /** `auth.json` for file storage; absent for others. */
  readonly path?: string;
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
    persisted: store.capabilities.persistent,
    warnings: [...new Set(warnings)],
  };
}

/** Builds a {@link Status}; `record` `null` means signed out. */
export function statusOf(
  record: AuthRecord | null,
  store: TokenStore,
  warnings: readonly string[],
  now: Date = new Date(),
): Status {
  const facts = record
    ? recordFacts(record)
    : { authMode: null, accountId: null, planType: null, email: null, expiresAt: null };
  const last = record?.lastRefresh ? new Date(record.lastRefresh) : null;
  return {
    provider: 'openai_chatgpt',
    authenticated: record !== null && (record.tokens !== null || record.openaiApiKey !== null),
    storageUsed: store.kind,
    ...facts,
    lastRefresh: last && !Number.isNaN(last.getTime()) ? last : null,
    needsRefresh: record ? isRefreshDue(record, now) : false,
    persisted: record !== null && store.capabilities.persistent,
    ...(typeof store.path === 'string' && { path: store.path }),
    warnings: [...new Set(warnings)],
  };
}
