import { type AuthRecord, CodexOAuthError, ErrorCodes } from '@codex-oauth/core';
import { externalTokensFromRecord, isAuthRecord } from './external-tokens.js';
import { JsonRpcError, JsonRpcErrorCodes } from './json-rpc-error.js';
import type { ExternalAuthTokens, TokensRefreshParams } from './protocol.js';

/** What the bridge tells the host's refresh callback. */
export interface RefreshContext {
  /** The workspace Codex was using; refresh that account. */
  previousAccountId: string | null;
  /** Codex's reason (`unauthorized`). */
  reason: string;
  /** Aborted when the time to answer Codex is up: stop working, the answer is no longer wanted. */
  signal: AbortSignal;
}

/**
 * Gets fresh tokens: the host refreshes through core (the session API's refresh, or
 * `refreshTokens` + a store save) and returns the new record or the triple itself.
 */
export type RefreshCallback = (context: RefreshContext) => Promise<AuthRecord | ExternalAuthTokens>;

/** Fixed answers, so nothing the callback threw (which might quote a token) reaches Codex. */
export const RefreshErrorMessages = {
  mismatch: 'refreshed ChatGPT account did not match the previous account',
  missingAccessToken: 'refreshed ChatGPT access token was missing',
  missingAccountId: 'refreshed ChatGPT account id was missing',
  notSignedIn: 'ChatGPT auth tokens are unavailable; sign in again',
  rejected: 'ChatGPT refresh token was rejected; sign in again',
  failed: 'failed to refresh ChatGPT auth tokens',
  timedOut: 'refreshing ChatGPT auth tokens timed out',
} as const;

/**
 * Answers one `account/chatgptAuthTokens/refresh`: runs `refresh` bounded by `timeoutMs`, checks
 * the workspace against `previousAccountId`, and resolves with the answer or throws a
 * {@link JsonRpcError} with code -32000 and one of {@link RefreshErrorMessages}. The error's
 * `data` is `{ reason, code? }` (`code` is the `CODEX_OAUTH_*` code when there is one).
 */
export async function answerRefresh(
  params: TokensRefreshParams,
  refresh: RefreshCallback,
  timeoutMs: number,
): Promise<ExternalAuthTokens> {
  const previousAccountId = params.previousAccountId ?? null;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(fail('timedOut'));
    }, timeoutMs);
  });
  let value: AuthRecord | ExternalAuthTokens;
  try {
    const work = refresh({ previousAccountId, reason: params.reason, signal: controller.signal });
    work.catch(() => {}); // after a timeout its failure has no one left to tell
    value = await Promise.race([work, timeout]);
  } catch (error) {
    if (error instanceof JsonRpcError) throw error;
    throw mapFailure(error);
  } finally {
    clearTimeout(timer);
  }
  const tokens = toTokens(value);
  if (previousAccountId !== null && tokens.chatgptAccountId !== previousAccountId) {
    throw fail('mismatch');
  }
  return tokens;
}

function toTokens(value: AuthRecord | ExternalAuthTokens): ExternalAuthTokens {
  if (isAuthRecord(value)) {
    try {
      return externalTokensFromRecord(value);
    } catch (error) {
      throw mapFailure(error);
    }
  }
  if (typeof value?.accessToken !== 'string' || value.accessToken === '')
    throw fail('missingAccessToken');
  if (typeof value.chatgptAccountId !== 'string' || value.chatgptAccountId === '') {
    throw fail('missingAccountId');
  }
  return {
    accessToken: value.accessToken,
    chatgptAccountId: value.chatgptAccountId,
    chatgptPlanType: value.chatgptPlanType ?? null,
  };
}

function mapFailure(error: unknown): JsonRpcError {
  if (error instanceof CodexOAuthError) {
    const { code } = error;
    if (code === ErrorCodes.NOT_SIGNED_IN) return fail('notSignedIn', code);
    if (code === ErrorCodes.INVALID_TOKEN) return fail('missingAccountId', code);
    if (code === ErrorCodes.REFRESH_REJECTED) return fail('rejected', code);
    return fail('failed', code);
  }
  return fail('failed');
}

function fail(reason: keyof typeof RefreshErrorMessages, code?: string): JsonRpcError {
  return new JsonRpcError(JsonRpcErrorCodes.SERVER_ERROR, RefreshErrorMessages[reason], {
    reason,
    ...(code && { code }),
  });
}
