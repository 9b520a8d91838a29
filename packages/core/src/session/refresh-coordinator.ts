import { setTimeout as sleep } from 'node:timers/promises';
import { type AuthRecord, mergeRefreshedTokens } from '../model/auth-record.js';
import { accessTokenExpiry, isRefreshDue } from '../model/claims.js';
import {
  CodexOAuthError,
  ErrorCodes,
  isCodexOAuthError,
  NOT_SIGNED_IN_MESSAGE,
} from '../model/errors.js';
import { emit, type OnEvent } from '../model/events.js';
import type { Provider } from '../protocol/provider.js';
import { type RefreshReason, refreshTokens } from '../protocol/refresh.js';
import { storedRefreshToken, type TokenStore } from '../store/token-store.js';
import type { FetchLike } from '../transport/http.js';
import { warmUpTransport } from '../transport/transport.js';
import type { SessionContext } from './context.js';
import { explicitRefreshWindowMs } from './options.js';
import { rememberRefusal } from './refusal-memory.js';
import { recordFacts } from './results.js';
import { rotatedFrom, watchForRotation } from './rotation-watch.js';

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
  /** Explicit refresh window in ms (see `isRefreshDue`); default: 10 minutes, ≤ half the lifetime. */
  refreshWindowMs?: number | undefined;
  /**
   * After `refresh_token_reused`, how long to wait (with the lock released) for the process that
   * spent the token first to save its tokens. Default 5 000 ms (`refresh_token_invalidated`:
   * 30% of it).
   */
  adoptWaitMs?: number | undefined;
}

/**
 * Default bound on the wait for another process's save after `refresh_token_reused`. Codex
 * writes within milliseconds of getting its lock; the bound only matters when nobody will write
 * (the token was really stale), and then the rejection stands after it.
 */
const ADOPT_WAIT_MS = 5_000;
const ADOPT_POLL_MS = 20;
/**
 * Rejections that mean another process may have spent the token first, and how long (at most)
 * to wait for its save: `refresh_token_reused` says so outright; `refresh_token_invalidated` is
 * what a later spender gets once a reuse revoked the grant, but also what a sign-out elsewhere
 * gives, so it gets a short look only (the first spender already has its answer by then).
 */
const SPENT_ELSEWHERE = new Map([
  ['refresh_token_reused', 1],
  ['refresh_token_invalidated', 0.3],
]);

/** The record after coordination, and whether this call sent the refresh request. */
export interface CoordinatedRefresh {
  record: AuthRecord;
  refreshed: boolean;
}

// The refresh token a standing `REFRESH_REJECTED` refused, for the refusal memory: kept beside
// the error, never on it (errors are logged; the token is a secret).
const refusedTokens = new WeakMap<object, { token: string; record: AuthRecord }>();

// One in-flight refresh per store object and `force` flag. Built-in stores are resolved once per
// process per location, so every call for one auth.json shares one store, hence one flight.
const flightsByStore = new WeakMap<object, Map<boolean, Promise<CoordinatedRefresh>>>();

/**
 * Refreshes the stored tokens if they are due (or `force`), exactly once however many callers
 * ask: single-flight inside this process, and under the store's `withLock` across processes. The
 * transport is loaded before the lock is taken; a caller waiting for the lock returns as soon as
 * another process's rotation is stored (read without the lock).
 * Under the lock it re-reads the store and refreshes only if the stored refresh token is still
 * the one this caller saw as due; if another process already rotated it, it adopts those tokens.
 * The save is a compare-and-swap on the refresh token. On `refresh_token_reused` (or
 * `refresh_token_invalidated`, what a later spender gets once a reuse revoked the grant) it
 * re-reads; if nothing new is saved yet it releases the lock (the other spender may be the Codex
 * CLI, whose write waits for that lock), polls the store for up to `adoptWaitMs` and adopts what
 * the other process saved; only when nothing comes does the rejection stand (sign in again).
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
    const outcome = await lockOrAdopt(options, seen);
    if (!('reused' in outcome)) return outcome;
    // Spent by someone else first, and not yet saved. The Codex CLI sends its refresh before it
    // locks and then waits for auth.lock to write: it could never save while we held the lock.
    // Now that it is released, give that writer a moment, then adopt what it saved.
    const adopted = await awaitRotation(options, outcome.reused, outcome.share);
    if (adopted !== null) return { record: adopted, refreshed: false };
    throw outcome.error;
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

/** Spent elsewhere (reused or invalidated), with nothing else saved yet: wait outside the lock. */
interface Reused {
  reused: string;
  error: unknown;
  /** Share of `adoptWaitMs` worth waiting, by how sure the rejection is that someone else spent it. */
  share: number;
}

/** Thrown by the lock's `prepare` step when the record rotated before we took the lock. */
class RotatedBeforeLock {
  constructor(readonly record: AuthRecord) {}
}

/**
 * Refreshes under the store's lock, or adopts another process's refresh without it. The HTTP
 * transport (undici, the CA bundle) is loaded in the lock's `prepare` step, before the lock is
 * taken, so the lock is held only for the re-read, the request and the write; store-file runs
 * `prepare` under a claim lock of its own, so of many processes only one loads it. While this
 * caller waits (for the claim or the lock), it watches the store without the lock and returns the
 * moment the refresh token rotated: a waiter never needs the lock just to re-read.
 */
async function lockOrAdopt(
  options: CoordinatedRefreshOptions,
  seen: string | null,
): Promise<CoordinatedRefresh | Reused> {
  const { store, fetch } = options;
  if (!store.withLock) {
    await warmUpTransport(fetch);
    return refreshUnderLock(options, seen);
  }
  const done = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, done.signal]) : done.signal;
  // Only a store other processes write to can rotate behind our back.
  const shared = seen !== null && store.capabilities.crossProcessLock;
  const prepare = async () => {
    // Another process may have refreshed while we waited for the claim: then loading the
    // transport would be wasted.
    if (shared) {
      const now = await store.load();
      if (rotatedFrom(now, seen as string)) throw new RotatedBeforeLock(now as AuthRecord);
    }
    await warmUpTransport(fetch);
  };
  // Once we hold the lock, what happens under it is the answer: stop watching (our own save
  // would look like someone else's rotation).
  const watching = new AbortController();
  const underLock = () => {
    watching.abort();
    return refreshUnderLock(options, seen);
  };
  const locked = store.withLock(underLock, { signal, prepare });
  const waits: Promise<CoordinatedRefresh | Reused>[] = [locked];
  if (shared) {
    const stop = AbortSignal.any([done.signal, watching.signal]);
    const rotated = watchForRotation(store, seen as string, stop);
    waits.push(rotated.then((record) => ({ record, refreshed: false })));
  }
  try {
    return await Promise.race(waits);
  } catch (error) {
    if (error instanceof RotatedBeforeLock) return { record: error.record, refreshed: false };
    throw error;
  } finally {
    // Stops the watch, and the lock wait if the rotation won (that rejection is ours: drop it).
    done.abort();
    locked.catch(() => undefined);
  }
}

async function refreshUnderLock(
  options: CoordinatedRefreshOptions,
  seen: string | null,
): Promise<CoordinatedRefresh | Reused> {
  const { store } = options;
  const current = await store.load();
  const rt = storedRefreshToken(current);
  if (current === null || current.authMode !== 'chatgpt' || rt === null) {
    throw new CodexOAuthError(
      ErrorCodes.NOT_SIGNED_IN,
      current === null
        ? NOT_SIGNED_IN_MESSAGE
        : 'The stored credentials are an API key, not a ChatGPT sign-in; there is nothing to refresh.',
    );
  }
  // Another caller rotated the token while we waited for the lock: theirs is fresh, adopt it.
  if (rt !== seen && seen !== null) return { record: current, refreshed: false };
  if (!options.force && !isRefreshDue(current, new Date(), options.refreshWindowMs)) {
    return { record: current, refreshed: false };
  }
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
      error.error !== undefined &&
      SPENT_ELSEWHERE.has(error.error)
    ) {
      const after = await store.load();
      const now = storedRefreshToken(after);
      if (after !== null && now !== null && now !== rt) return { record: after, refreshed: false };
      refusedTokens.set(error, { token: rt, record: current });
      return { reused: rt, error, share: SPENT_ELSEWHERE.get(error.error) ?? 1 };
    }
    if (isCodexOAuthError(error, ErrorCodes.REFRESH_REJECTED)) {
      refusedTokens.set(error, { token: rt, record: current });
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
    if (isCodexOAuthError(error, ErrorCodes.STORE_WRITE_FAILED)) throw rotatedButNotSaved(error);
    throw error;
  }
  emit(options.onEvent, {
    type: 'refreshed',
    expiresAt: next.tokens ? accessTokenExpiry(next.tokens.accessToken) : null,
  });
  return { record: next, refreshed: true };
}

/**
 * The store's write failure after the issuer rotated the refresh token. Its own message says the
 * stored data is unchanged and to try again, which is true and no longer enough: the refresh token
 * that data holds is retired, so trying again is `refresh_token_reused`. Same code, the truth.
 */
function rotatedButNotSaved(error: CodexOAuthError): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.STORE_WRITE_FAILED,
    'The issuer sent new tokens, but they could not be saved, and the issuer has retired the ' +
      'stored refresh token: once the store can be written again, sign in again. ' +
      `The store said: ${error.message}`,
    { cause: error },
  );
}

/**
 * Polls the store (without its lock) until its refresh token is no longer `spent`, for at most
 * `share` of `adoptWaitMs`. Returns the record that replaced it, or `null` when none came (or the store was
 * cleared: a sign-out is not something to adopt).
 */
async function awaitRotation(
  options: CoordinatedRefreshOptions,
  spent: string,
  share: number,
): Promise<AuthRecord | null> {
  const deadline = Date.now() + (options.adoptWaitMs ?? ADOPT_WAIT_MS) * share;
  for (;;) {
    // A read that fails (a file being replaced by hand) is not an answer: look again.
    const record = await options.store.load().catch(() => undefined);
    const rt = storedRefreshToken(record ?? null);
    if (record != null && rt !== null && rt !== spent) return record;
    if (record === null || Date.now() >= deadline || options.signal?.aborted) return null;
    await sleep(Math.min(ADOPT_POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

/** {@link refreshIfDue} with a session call's store, provider and transport. */
export async function refreshInContext(
  ctx: SessionContext,
  options: {
    signal?: AbortSignal | undefined;
    onEvent?: OnEvent | undefined;
    force?: boolean;
    loaded?: AuthRecord | null;
    refreshWindowMs?: number | undefined;
  },
): Promise<CoordinatedRefresh> {
  try {
    return await refreshIfDue({
      refreshWindowMs: explicitRefreshWindowMs(options, ctx.env),
      store: ctx.store,
      provider: ctx.provider,
      fetch: ctx.fetch,
      force: options.force === true,
      signal: options.signal,
      onEvent: options.onEvent,
      loaded: options.loaded,
    });
  } catch (error) {
    // Refused for good: remember it, so that `status()` stops saying "signed in" (issue 22).
    const refused = typeof error === 'object' && error !== null && refusedTokens.get(error);
    if (refused && isCodexOAuthError(error, ErrorCodes.REFRESH_REJECTED)) {
      await rememberRefusal(ctx.store, refused.token, {
        accountId: recordFacts(refused.record).accountId,
        error: error.error ?? null,
        message: error.message,
      });
    }
    throw error;
  }
}
