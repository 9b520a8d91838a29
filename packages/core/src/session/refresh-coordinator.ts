import { type AuthRecord, mergeRefreshedTokens } from '../model/auth-record.js';
import { accessTokenExpiry, isRefreshDue } from '../model/claims.js';
import { CodexOAuthError, ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import { emit, type OnEvent } from '../model/events.js';
import type { Provider } from '../protocol/provider.js';
import { type RefreshReason, refreshTokens } from '../protocol/refresh.js';
import { storedRefreshToken, type TokenStore } from '../store/token-store.js';
import type { FetchLike } from '../transport/http.js';
import type { SessionContext } from './context.js';

/** Options of {@link refreshIfDue}. */
export interface CoordinatedRefreshOptions {
  store: TokenStore;
  provider: Provider;
  fetch: FetchLike;
  /** Refresh even if not due (`forced`), unless another caller already rotated the token. */
  force?: boolean;
  signal?: AbortSignal | undefined;
  onEvent?: OnEvent | undefined;
  /**
   * The record the caller just loaded from `store`, if it did: saves one read. Under the lock the
   * store is read again anyway, so a stale one only means the refresh is adopted, not repeated.
   */
  loaded?: AuthRecord | null | undefined;
}

/** The record after coordination, and whether this call sent the refresh request. */
export interface CoordinatedRefresh {
  record: AuthRecord;
  refreshed: boolean;
}

// One in-flight refresh per store object and `force` flag. Built-in stores are resolved once per
// process per location, so every call for one auth.json shares one store, hence one flight.
const flightsByStore = new WeakMap<object, Map<boolean, Promise<CoordinatedRefresh>>>();

/**
 * Refreshes the stored tokens if they are due (or `force`), exactly once however many callers
 * ask: single-flight inside this process, and under the store's `withLock` across processes.
 * Under the lock it re-reads the store and refreshes only if the stored refresh token is still
 * the one this caller saw as due; if another process already rotated it, it adopts those tokens.
 * The save is a compare-and-swap on the refresh token. On `refresh_token_reused` it re-reads and
 * adopts what another process saved; otherwise the rejection stands (sign in again).
 *
 * @example
 * ```ts
 * const { record } = await refreshIfDue({ store, provider, fetch });
 * ```
 */
export async function refreshIfDue(
  options: CoordinatedRefreshOptions,
): Promise<CoordinatedRefresh> {
  const flights = flightsFor(options.store);
  const force = options.force === true;
  const existing = flights.get(force);
  if (existing) return existing;
  const run = (async () => {
    const loaded = options.loaded !== undefined ? options.loaded : await options.store.load();
    const seen = storedRefreshToken(loaded);
    const { store } = options;
    return store.withLock
      ? store.withLock(() => refreshUnderLock(options, seen))
      : refreshUnderLock(options, seen);
  })();
  flights.set(force, run);
  try {
    return await run;
  } finally {
    flights.delete(force);
  }
}

function flightsFor(store: TokenStore): Map<boolean, Promise<CoordinatedRefresh>> {
  let map = flightsByStore.get(store);
  if (!map) {
    map = new Map();
    flightsByStore.set(store, map);
  }
  return map;
}

async function refreshUnderLock(
  options: CoordinatedRefreshOptions,
  seen: string | null,
): Promise<CoordinatedRefresh> {
  const { store } = options;
  const current = await store.load();
  const rt = storedRefreshToken(current);
  if (current === null || current.authMode !== 'chatgpt' || rt === null) {
    throw new CodexOAuthError(
      ErrorCodes.NOT_SIGNED_IN,
      current === null
        ? 'Nothing is stored: sign in first.'
        : 'The stored credentials are an API key, not a ChatGPT sign-in; there is nothing to refresh.',
    );
  }
  // Another caller rotated the token while we waited for the lock: theirs is fresh, adopt it.
  if (rt !== seen && seen !== null) return { record: current, refreshed: false };
  if (!options.force && !isRefreshDue(current)) return { record: current, refreshed: false };
  const reason: RefreshReason = options.force ? 'forced' : 'proactive_expiry';
  let answer: Awaited<ReturnType<typeof refreshTokens>>;
  try {
    answer = await refreshTokens({
      fetch: options.fetch,
      provider: options.provider,
      refreshToken: rt,
      reason,
      signal: options.signal,
    });
  } catch (error) {
    if (
      isCodexOAuthError(error, ErrorCodes.REFRESH_REJECTED) &&
      error.error === 'refresh_token_reused'
    ) {
      const after = await store.load();
      const now = storedRefreshToken(after);
      if (after !== null && now !== null && now !== rt) return { record: after, refreshed: false };
    }
    throw error;
  }
  const next = mergeRefreshedTokens(current, answer);
  try {
    await store.save(next, { previousRefreshToken: rt });
  } catch (error) {
    if (isCodexOAuthError(error, ErrorCodes.STORE_CONFLICT)) {
      // A writer that does not take our lock (an older Codex) got there first: keep its tokens.
      const after = await store.load();
      if (after !== null) return { record: after, refreshed: false };
    }
    throw error;
  }
  emit(options.onEvent, {
    type: 'refreshed',
    expiresAt: next.tokens ? accessTokenExpiry(next.tokens.accessToken) : null,
  });
  return { record: next, refreshed: true };
}

/** {@link refreshIfDue} with a session call's store, provider and transport. */
export function refreshInContext(
  ctx: SessionContext,
  options: {
    signal?: AbortSignal | undefined;
    onEvent?: OnEvent | undefined;
    force?: boolean;
    loaded?: AuthRecord | null;
  },
): Promise<CoordinatedRefresh> {
  return refreshIfDue({
    store: ctx.store,
    provider: ctx.provider,
    fetch: ctx.fetch,
    force: options.force === true,
    signal: options.signal,
    onEvent: options.onEvent,
    loaded: options.loaded,
  });
}
