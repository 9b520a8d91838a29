import { decodeJwtPayload } from './claims.js';
import { CodexOAuthError, ErrorCodes } from './errors.js';
import { INSPECT_CUSTOM, type Inspect } from './inspect-hook.js';

/** The three tokens an OAuth exchange or refresh returns. All are secrets. */
export interface TokenSet {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

/**
 * The auth record every store holds: the model of Codex's `auth.json` (SPEC §6), without the
 * file's byte layout or the keys we do not manage (a file store keeps those itself).
 */
export interface AuthRecord {
  authMode: 'chatgpt' | 'apikey';
  /** `OPENAI_API_KEY`; `null` for ChatGPT sign-ins (never the access token). */
  openaiApiKey: string | null;
  tokens: {
    idToken: string;
    accessToken: string;
    refreshToken: string;
    /** The id token's `chatgpt_account_id` at sign-in, as Codex stores it. */
    accountId: string | null;
  } | null;
  /**
   * RFC 3339 time of the last sign-in or refresh, kept exactly as stored (Codex writes
   * nanoseconds), so an untouched record round-trips byte for byte.
   */
  lastRefresh: string | null;
}

/** Options for {@link recordFromTokens}. */
export interface RecordFromTokensOptions {
  /** Clock for `lastRefresh`; default now. */
  now?: Date;
  /**
   * The record this sign-in replaces. A new sign-in carries nothing over from it (Codex 0.169
   * replaces the whole record too); it is accepted so callers can pass what they have.
   */
  previous?: AuthRecord | null;
}

const AUTH_CLAIM = 'https://api.openai.com/auth';

/**
 * Makes the record of a fresh ChatGPT sign-in, as Codex writes it: `authMode: 'chatgpt'`,
 * `openaiApiKey: null`, `accountId` from the **id token**'s `chatgpt_account_id` (or `null`),
 * `lastRefresh` = `now.toISOString()`. Throws `CODEX_OAUTH_INVALID_TOKEN` when the id token is
 * not a JWT Codex could read, and `CODEX_OAUTH_INVALID_RESPONSE` when a token is empty.
 *
 * @example
 * ```ts
 * const record = recordFromTokens({ idToken, accessToken, refreshToken });
 * await store.save(record);
 * ```
 */
export function recordFromTokens(tokens: TokenSet, opts: RecordFromTokensOptions = {}): AuthRecord {
  for (const name of ['idToken', 'accessToken', 'refreshToken'] as const) {
    if (typeof tokens[name] !== 'string' || tokens[name] === '') {
      throw new CodexOAuthError(
        ErrorCodes.INVALID_RESPONSE,
        `The token answer has no ${name}. Try signing in again.`,
      );
    }
  }
  return hideSecrets({
    authMode: 'chatgpt',
    openaiApiKey: null,
    tokens: {
      idToken: tokens.idToken,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accountId: accountIdOf(tokens.idToken),
    },
    lastRefresh: (opts.now ?? new Date()).toISOString(),
  });
}

/**
 * Applies a refresh answer to a record: fields missing (or empty) in `partial` keep their old
 * values, as Codex does. A new id token is validated (`CODEX_OAUTH_INVALID_TOKEN`) and updates
 * `accountId` when it carries the claim. `lastRefresh` becomes `now`; `authMode` and
 * `openaiApiKey` are kept. A record without tokens is `CODEX_OAUTH_NOT_SIGNED_IN`.
 */
export function mergeRefreshedTokens(
  previous: AuthRecord,
  partial: Partial<TokenSet>,
  now: Date = new Date(),
): AuthRecord {
  const old = previous.tokens;
  if (old === null) {
    throw new CodexOAuthError(
      ErrorCodes.NOT_SIGNED_IN,
      'There are no ChatGPT tokens to refresh. Sign in first.',
    );
  }
  const pick = (value: string | undefined, fallback: string): string =>
    typeof value === 'string' && value !== '' ? value : fallback;
  const idToken = pick(partial.idToken, old.idToken);
  const accountId =
    idToken === old.idToken ? old.accountId : (accountIdOf(idToken) ?? old.accountId);
  return hideSecrets({
    authMode: previous.authMode,
    openaiApiKey: previous.openaiApiKey,
    tokens: {
      idToken,
      accessToken: pick(partial.accessToken, old.accessToken),
      refreshToken: pick(partial.refreshToken, old.refreshToken),
      accountId,
    },
    lastRefresh: now.toISOString(),
  });
}

/** An {@link AuthRecord} with every secret replaced by `'[redacted]'`, safe to log or print. */
export type RedactedAuthRecord = AuthRecord;

/**
 * A copy of `record` safe for logs, `inspect` and `--json` output: tokens and the API key become
 * `'[redacted]'`; `authMode`, `accountId` and `lastRefresh` stay.
 */
export function redactRecord(record: AuthRecord): RedactedAuthRecord {
  const hidden = '[redacted]';
  return {
    authMode: record.authMode,
    openaiApiKey: record.openaiApiKey === null ? null : hidden,
    tokens:
      record.tokens === null
        ? null
        : {
            idToken: hidden,
            accessToken: hidden,
            refreshToken: hidden,
            accountId: record.tokens.accountId,
          },
    lastRefresh: record.lastRefresh,
  };
}

/**
 * Gives a record a non-enumerable `inspect` hook that prints its redacted view, so a stray
 * `console.log(record)` shows no token. JSON and copies are unaffected (the hook is a symbol).
 */
function hideSecrets(record: AuthRecord): AuthRecord {
  Object.defineProperty(record, INSPECT_CUSTOM, {
    value: (_depth: number, _options: object, inspect: Inspect) =>
      `AuthRecord ${inspect(redactRecord(record))}`,
  });
  return record;
}

function accountIdOf(idToken: string): string | null {
  const auth = decodeJwtPayload(idToken, 'id_token')[AUTH_CLAIM];
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) return null;
  const id = (auth as Record<string, unknown>).chatgpt_account_id;
  return typeof id === 'string' && id !== '' ? id : null;
}
