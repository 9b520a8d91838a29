import type { AuthRecord } from './auth-record.js';
import { CodexOAuthError, ErrorCodes } from './errors.js';

const AUTH_CLAIM = 'https://api.openai.com/auth';
const PROFILE_CLAIM = 'https://api.openai.com/profile';
/**
 * Default refresh window: this long before the access token expires. Deliberately wider than
 * Codex's 5 minutes (openai/codex#23546), so that we rotate before any Codex process wants to and
 * Codex's re-read of auth.json picks up our tokens instead of spending the same one (SPEC §4).
 */
export const DEFAULT_REFRESH_WINDOW_MS = 10 * 60 * 1000;
/** Without `exp`, refresh when the last refresh is older than this (Codex: 8 days). */
const MAX_AGE_MS = 8 * 24 * 60 * 60 * 1000;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a JWT's payload **without verifying it**, with the same strictness as Codex's reader:
 * three non-empty dot-separated parts; a payload of canonical base64url without padding; UTF-8
 * JSON that is an object. Anything else is `CODEX_OAUTH_INVALID_TOKEN`, so we never store an
 * id token that would make Codex refuse the whole auth.json. Messages never include the token.
 *
 * @param what names the token in the error message (e.g. `'id_token'`).
 */
export function decodeJwtPayload(token: string, what = 'token'): Record<string, unknown> {
  const fail = (problem: string, cause?: unknown): CodexOAuthError =>
    new CodexOAuthError(
      ErrorCodes.INVALID_TOKEN,
      `The ${what} is not a valid JWT: ${problem}. Sign in again to get new tokens.`,
      { cause },
    );
  if (typeof token !== 'string') throw fail('it is not a string');
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    throw fail('it must have three non-empty dot-separated parts');
  }
  const payload = parts[1] as string;
  if (!BASE64URL.test(payload) || payload.length % 4 === 1) {
    throw fail('its payload is not unpadded base64url');
  }
  const bytes = Buffer.from(payload, 'base64url');
  // Rust's base64 rejects non-zero trailing bits; a re-encode that differs means exactly that.
  if (bytes.toString('base64url') !== payload) throw fail('its payload is not canonical base64url');
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (cause) {
    throw fail('its payload is not UTF-8 JSON', cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('its payload is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/** What the tokens say about the account. Every field is `null` when the claim is absent. */
export interface AccountClaims {
  email: string | null;
  /** `chatgpt_account_id` (the workspace); the header `ChatGPT-Account-ID` carries it. */
  accountId: string | null;
  /** `chatgpt_plan_type`, as sent (`pro`, `plus`, `team`, …). */
  planType: string | null;
  /** `chatgpt_user_id`, else `user_id`. */
  userId: string | null;
  /** The access token's `exp`; `null` when absent or when the access token is not a JWT. */
  expiresAt: Date | null;
}

/**
 * Reads the account claims (SPEC §4). The id token must be a JWT (else `CODEX_OAUTH_INVALID_TOKEN`);
 * an access token that is not one simply contributes nothing.
 *
 * Sources, first found wins: `email` from the id token's `email`, its profile claim, then the
 * access token's profile claim (and its `email`); `accountId` from the access token, then the id
 * token (as SPEC §4); `planType` and `userId` from the id token first (what `codex login status`
 * shows), then the access token; `expiresAt` from the access token's `exp`.
 */
export function readClaims(tokens: { idToken: string; accessToken?: string }): AccountClaims {
  const id = decodeJwtPayload(tokens.idToken, 'id_token');
  const access = tokens.accessToken === undefined ? {} : tryDecode(tokens.accessToken);
  const idAuth = objectAt(id, AUTH_CLAIM);
  const accessAuth = objectAt(access, AUTH_CLAIM);
  return {
    email:
      str(id.email) ??
      str(objectAt(id, PROFILE_CLAIM).email) ??
      str(objectAt(access, PROFILE_CLAIM).email) ??
      str(access.email),
    accountId: str(accessAuth.chatgpt_account_id) ?? str(idAuth.chatgpt_account_id),
    planType: str(idAuth.chatgpt_plan_type) ?? str(accessAuth.chatgpt_plan_type),
    userId:
      str(idAuth.chatgpt_user_id) ??
      str(idAuth.user_id) ??
      str(accessAuth.chatgpt_user_id) ??
      str(accessAuth.user_id),
    expiresAt: expiryOf(access),
  };
}

/**
 * The expiry (`exp`) of an access token, or `null` when it is not a JWT or has no numeric `exp`.
 */
export function accessTokenExpiry(accessToken: string): Date | null {
  return expiryOf(tryDecode(accessToken));
}

/**
 * The refresh window of an access token: `windowMs` when the caller set one explicitly, else
 * {@link DEFAULT_REFRESH_WINDOW_MS} but never more than half the token's own lifetime
 * (`exp - iat`), so a token that lives 10 minutes is not refreshed on every call (SPEC §4).
 */
export function refreshWindowOf(accessToken: string, windowMs?: number): number {
  if (windowMs !== undefined) return windowMs;
  const payload = tryDecode(accessToken);
  const { exp, iat } = payload;
  if (typeof exp === 'number' && typeof iat === 'number' && exp > iat) {
    return Math.min(DEFAULT_REFRESH_WINDOW_MS, ((exp - iat) * 1000) / 2);
  }
  return DEFAULT_REFRESH_WINDOW_MS;
}

/**
 * True when a ChatGPT record should be refreshed before use: the access token's `exp` is within
 * the refresh window of `now` (or past) — see {@link refreshWindowOf}; `windowMs` is an explicit
 * window (option `refreshWindowMs`, `CODEX_OAUTH_REFRESH_WINDOW_SECONDS`, `--refresh-window`).
 * Without `exp`, Codex's rule: `lastRefresh` is more than 8 days old. No `exp` and no (or an
 * unreadable) `lastRefresh` means not due. API-key records and records without tokens are never
 * due.
 */
export function isRefreshDue(
  record: AuthRecord,
  now: Date = new Date(),
  windowMs?: number,
): boolean {
  if (record.authMode !== 'chatgpt' || record.tokens === null) return false;
  const expiresAt = accessTokenExpiry(record.tokens.accessToken);
  if (expiresAt !== null) {
    const window = refreshWindowOf(record.tokens.accessToken, windowMs);
    return expiresAt.getTime() - now.getTime() <= window;
  }
  if (record.lastRefresh === null) return false;
  const last = Date.parse(record.lastRefresh);
  if (Number.isNaN(last)) return false;
  return now.getTime() - last > MAX_AGE_MS;
}

function tryDecode(token: string): Record<string, unknown> {
  try {
    return decodeJwtPayload(token);
  } catch {
    return {};
  }
}

function expiryOf(payload: Record<string, unknown>): Date | null {
  const exp = payload.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : null;
}

function objectAt(payload: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = payload[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
