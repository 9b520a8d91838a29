import { type AuthRecord, CodexOAuthError, ErrorCodes, readClaims } from '@codex-oauth/core';
import type { ExternalAuthTokens } from './protocol.js';

/**
 * The `chatgptAuthTokens` triple Codex wants, from a stored record: the access token, the
 * workspace (`tokens.accountId`, else the tokens' `chatgpt_account_id` claim) and the plan claim
 * (`null` when absent, which lets Codex fall back to the token itself).
 *
 * Throws `CODEX_OAUTH_NOT_SIGNED_IN` for no record or an api-key record, and
 * `CODEX_OAUTH_INVALID_TOKEN` when the record has no workspace id (Codex refuses such tokens).
 *
 * @example
 * ```ts
 * const tokens = externalTokensFromRecord(await store.load());
 * await rpc.request('account/login/start', { type: 'chatgptAuthTokens', ...tokens });
 * ```
 */
export function externalTokensFromRecord(record: AuthRecord | null): ExternalAuthTokens {
  if (record === null || record.tokens === null) {
    throw new CodexOAuthError(
      ErrorCodes.NOT_SIGNED_IN,
      'There are no ChatGPT tokens to give codex app-server. Sign in with ChatGPT first.',
    );
  }
  const claims = readClaims(record.tokens);
  const accountId = record.tokens.accountId ?? claims.accountId;
  if (!accountId) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_TOKEN,
      'The ChatGPT tokens carry no workspace (chatgpt_account_id), which codex app-server requires. Sign in again.',
    );
  }
  return {
    accessToken: record.tokens.accessToken,
    chatgptAccountId: accountId,
    chatgptPlanType: claims.planType,
  };
}

/** True when `value` looks like an {@link AuthRecord} rather than an {@link ExternalAuthTokens}. */
export function isAuthRecord(value: unknown): value is AuthRecord {
  return typeof value === 'object' && value !== null && 'authMode' in value && 'tokens' in value;
}
