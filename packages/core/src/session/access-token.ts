import { isRefreshDue } from '../model/claims.js';
import { CodexOAuthError, ErrorCodes, NOT_SIGNED_IN_MESSAGE } from '../model/errors.js';
import { resolveContext } from './context.js';
import {
  explicitRefreshWindowMs,
  type RefreshSessionOptions,
  type SessionOptions,
  throwIfAborted,
} from './options.js';
import { refreshInContext } from './refresh-coordinator.js';
import { recordFacts, type Status, statusOf } from './results.js';

/**
 * Refreshes the stored session and returns the new {@link Status}. Without `force` it refreshes
 * only when due (and a caller that finds another process already refreshed adopts that); with
 * `force: true` it always sends one (`refresh_reason: forced`). Runs under the refresh
 * coordinator: single-flight in this process, under the store's lock across processes.
 * Nothing stored is `CODEX_OAUTH_NOT_SIGNED_IN`; a rejected refresh `CODEX_OAUTH_REFRESH_REJECTED`.
 */
export async function refresh(options: RefreshSessionOptions = {}): Promise<Status> {
  throwIfAborted(options.signal);
  const ctx = await resolveContext(options);
  const { record } = await refreshInContext(ctx, options);
  return statusOf(
    record,
    ctx.store,
    ctx.warnings,
    new Date(),
    explicitRefreshWindowMs(options, ctx.env),
  );
}

/** What {@link getAccessToken} returns. */
export interface AccessToken {
  /** A bearer token that is not due for refresh (by the refresh window). Secret. */
  accessToken: string;
  /** `chatgpt_account_id`, for the `ChatGPT-Account-ID` header. */
  accountId: string | null;
}

/**
 * A fresh access token for the stored ChatGPT session, refreshing first when due (under the
 * coordinator, so 16 concurrent callers cause one refresh). Nothing stored, or an API key only,
 * is `CODEX_OAUTH_NOT_SIGNED_IN`.
 *
 * @example
 * ```ts
 * const { accessToken, accountId } = await getAccessToken();
 * ```
 */
export async function getAccessToken(options: SessionOptions = {}): Promise<AccessToken> {
  throwIfAborted(options.signal);
  const ctx = await resolveContext(options);
  let record = await ctx.store.load();
  if (record === null || record.authMode !== 'chatgpt' || record.tokens === null) {
    throw new CodexOAuthError(
      ErrorCodes.NOT_SIGNED_IN,
      record === null
        ? NOT_SIGNED_IN_MESSAGE
        : 'The stored credentials are an API key, not a ChatGPT sign-in: sign in with ChatGPT first.',
    );
  }
  if (isRefreshDue(record, new Date(), explicitRefreshWindowMs(options, ctx.env))) {
    record = (await refreshInContext(ctx, { ...options, loaded: record })).record;
  }
  const tokens = record.tokens as NonNullable<typeof record.tokens>;
  return { accessToken: tokens.accessToken, accountId: recordFacts(record).accountId };
}
