import {
  type AuthRecord,
  CodexOAuthError,
  decodeJwtPayload,
  ErrorCodes,
} from '@codex-oauth/core/model';
import { isObject, type JsonObject } from './auth-object.js';

// The keys we manage, in the order Codex 0.169 writes them (serde declaration order).
const TOP_KEYS = ['auth_mode', 'OPENAI_API_KEY', 'tokens', 'last_refresh'] as const;
const TOKEN_KEYS = ['id_token', 'access_token', 'refresh_token', 'account_id'] as const;

/** Options for {@link serializeAuthJson}. */
export interface SerializeOptions {
  /**
   * Keep the unknown keys of `previousRaw.tokens` (`oauth_provenance`, `login_owner_id`, ...).
   * Default `true`. Pass `false` for a new sign-in: those keys describe the old login (Codex
   * refreshes against `oauth_provenance.issuer`), so carrying them over would misdirect Codex.
   */
  keepTokenExtras?: boolean;
  /** Clock for a ChatGPT record that has no `lastRefresh` (Codex needs one); default now. */
  now?: Date;
}

/**
 * Serializes `record` the way Codex 0.169 writes `auth.json`: pretty JSON, 2-space indent, no
 * trailing newline, UTF-8, keys `auth_mode`, `OPENAI_API_KEY` (always, `null` for ChatGPT),
 * `tokens` {`id_token`, `access_token`, `refresh_token`, `account_id`}, `last_refresh`.
 *
 * Keys of `previousRaw` that we do not manage stay where they were: each one follows the managed
 * key it followed before (so `oauth_provenance` and `login_owner_id` stay between `refresh_token`
 * and `account_id`). An unchanged record over its own file gives the same bytes back.
 *
 * Throws `CODEX_OAUTH_INVALID_TOKEN` for an `id_token` that is not a JWT and
 * `CODEX_OAUTH_INVALID_OPTION` for a record Codex could not load: nothing bad is ever written.
 *
 * @example
 * ```ts
 * const text = serializeAuthJson(updated, parseAuthJson(old, file).raw);
 * ```
 */
export function serializeAuthJson(
  record: AuthRecord,
  previousRaw?: JsonObject | null,
  options: SerializeOptions = {},
): string {
  const managed: JsonObject = {
    auth_mode: checkedMode(record),
    OPENAI_API_KEY: record.openaiApiKey,
  };
  if (record.tokens !== null) {
    const { idToken, accessToken, refreshToken, accountId } = record.tokens;
    for (const [name, token] of [
      ['accessToken', accessToken],
      ['refreshToken', refreshToken],
    ]) {
      if (typeof token !== 'string') {
        throw invalid(`tokens.${name} must be a string`);
      }
    }
    decodeJwtPayload(idToken, 'id_token');
    const previousTokens =
      options.keepTokenExtras !== false && isObject(previousRaw?.tokens) ? previousRaw.tokens : {};
    managed.tokens = merge(
      TOKEN_KEYS,
      {
        id_token: idToken,
        access_token: accessToken,
        refresh_token: refreshToken,
        account_id: accountId,
      },
      previousTokens,
    );
  }
  let lastRefresh = record.lastRefresh;
  // Codex treats ChatGPT tokens without last_refresh as "Token data is not available".
  if (lastRefresh === null && record.tokens !== null)
    lastRefresh = (options.now ?? new Date()).toISOString();
  if (lastRefresh !== null) managed.last_refresh = lastRefresh;
  return JSON.stringify(merge(TOP_KEYS, managed, previousRaw ?? {}), null, 2);
}

function checkedMode(record: AuthRecord): AuthRecord['authMode'] {
  if (record.authMode !== 'chatgpt' && record.authMode !== 'apikey') {
    throw invalid(`authMode must be "chatgpt" or "apikey"`);
  }
  if (record.openaiApiKey !== null && typeof record.openaiApiKey !== 'string') {
    throw invalid('openaiApiKey must be a string or null');
  }
  if (record.authMode === 'apikey' && !record.openaiApiKey) {
    throw invalid('an "apikey" record needs openaiApiKey (Codex cannot load one without a key)');
  }
  return record.authMode;
}

/**
 * Lays out `managed` (keys in `order`; a key absent from `managed` is omitted) and the unknown
 * keys of `previous`, each right after the managed key it followed in `previous`.
 */
function merge(order: readonly string[], managed: JsonObject, previous: JsonObject): JsonObject {
  const known = new Set<string>(order);
  const after = new Map<string | null, string[]>();
  let anchor: string | null = null;
  for (const key of Object.keys(previous)) {
    if (known.has(key)) {
      anchor = key;
      continue;
    }
    after.set(anchor, [...(after.get(anchor) ?? []), key]);
  }
  // No prototype: a `__proto__` key from the file stays a plain key.
  const out: JsonObject = Object.create(null);
  const extras = (key: string | null) => {
    for (const extra of after.get(key) ?? []) out[extra] = previous[extra];
  };
  extras(null);
  for (const key of order) {
    if (key in managed) out[key] = managed[key];
    extras(key);
  }
  return out;
}

function invalid(problem: string): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.INVALID_OPTION,
    `Refusing to write auth.json: ${problem}. Nothing was written.`,
  );
}
