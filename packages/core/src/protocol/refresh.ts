import type { TokenSet } from '../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { type FetchLike, sleep } from '../transport/http.js';
import { type Provider, strategyOf } from './provider.js';
import type { RefreshReason } from './strategy.js';

export { processRefreshResponse, refreshRequest } from './openai/refresh.js';
export type { RefreshReason } from './strategy.js';

/** Options of {@link refreshTokens}. */
export interface RefreshOptions {
  fetch: FetchLike;
  provider: Provider;
  /** The current refresh token (single use: the answer rotates it). */
  refreshToken: string;
  /** Default `'forced'`. */
  reason?: RefreshReason;
  signal?: AbortSignal | undefined;
  /** Attempts in total for transient failures (5xx, 429, network, timeouts). Default 3. */
  retries?: number;
  /** First backoff delay; doubles each retry. Default 500 ms. */
  backoffMs?: number;
  /** Abortable wait, injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Refreshes tokens through the provider's strategy, retrying transient failures (5xx, 429,
 * network errors, request timeouts) with exponential backoff. Each attempt is bounded by the
 * transport's total deadline (10 s by default), so a refresh holds a store lock at most
 * `attempts × deadline + backoff` (3 × 10 s + 1.5 s by default), never indefinitely. A malformed
 * or tokenless 2xx is not retried: the server may already have rotated the token, and a retry
 * with the old one would be reported as reuse.
 *
 * @example
 * ```ts
 * const fresh = await refreshTokens({ fetch, provider, refreshToken, reason: 'proactive_expiry' });
 * ```
 */
export async function refreshTokens(options: RefreshOptions): Promise<Partial<TokenSet>> {
  const attempts = Math.max(1, options.retries ?? 3);
  const wait = options.sleep ?? sleep;
  const strategy = strategyOf(options.provider);
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await strategy.refresh(options.provider, {
        fetch: options.fetch,
        refreshToken: options.refreshToken,
        reason: options.reason ?? 'forced',
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted || !isTransient(error)) throw error;
      last = error;
    }
    if (attempt < attempts)
      await wait((options.backoffMs ?? 500) * 2 ** (attempt - 1), options.signal);
  }
  if (last instanceof CodexOAuthError && last.code === ErrorCodes.REFRESH_FAILED) throw last;
  throw new CodexOAuthError(
    ErrorCodes.REFRESH_FAILED,
    `Failed to refresh token after ${attempts} attempts: ${(last as Error).message}`,
    { cause: last },
  );
}

function isTransient(error: unknown): boolean {
  if (!(error instanceof CodexOAuthError)) return false;
  if (error.code === ErrorCodes.NETWORK_ERROR || error.code === ErrorCodes.REQUEST_TIMEOUT)
    return true;
  return (
    error.code === ErrorCodes.REFRESH_FAILED &&
    error.status !== undefined &&
    (error.status >= 500 || error.status === 429)
  );
}
