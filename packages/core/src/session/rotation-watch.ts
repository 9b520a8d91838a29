import type { AuthRecord } from '../model/auth-record.js';
import { storedRefreshToken, type TokenStore } from '../store/token-store.js';

// With a store that says when it changes, polling is only a safety net (a watch that misses an
// event, a file system without notifications), and a second one stands behind it: the waiter's
// own turn at the store's lock, whose `prepare` re-reads the store. Each look is a whole `load()`
// (read, parse, decode the tokens, ~1 ms); every 100 ms that was two thirds of what a waiting
// process spent, 22 ms of CPU per second of waiting, taken from the one refreshing (a storm of 128
// shares 2 cores). Once a second: 13 ms per second less. Without a watch, polling is how a waiter
// wakes, so it is tight: a rotation is seen within this long.
const POLL_WATCHED_MS = 1000;
const POLL_UNWATCHED_MS = 10;

/**
 * True when `record` holds ChatGPT tokens whose refresh token is no longer `seen`: someone else
 * refreshed (the same test the coordinator makes under the lock before it adopts).
 */
export function rotatedFrom(record: AuthRecord | null | undefined, seen: string): boolean {
  if (record?.authMode !== 'chatgpt' || record.tokens === null) return false;
  const rt = storedRefreshToken(record);
  return rt !== null && rt !== seen;
}

/**
 * Resolves with the stored record the moment its refresh token is no longer `seen`, read without
 * the store's lock (safe: a store replaces the record atomically, so a read sees the old record or
 * the new one). It listens to `store.watch` where there is one (store-file: the directory's change
 * notifications) and polls `load()` besides. It never resolves once `signal` aborts, and then it
 * stops listening and polling; the caller must abort it when it is done waiting.
 */
export function watchForRotation(
  store: TokenStore,
  seen: string,
  signal: AbortSignal,
): Promise<AuthRecord> {
  return new Promise((resolve) => {
    if (signal.aborted) return;
    let done = false;
    const check = (record: AuthRecord | null | undefined) => {
      if (done || !rotatedFrom(record, seen)) return;
      stop();
      resolve(record as AuthRecord);
    };
    // A read that fails (a file being replaced by hand) is not an answer: the next look will do.
    const look = () => {
      if (!done) store.load().then(check, () => undefined);
    };
    const unwatch = store.watch?.(check);
    const timer = setInterval(look, unwatch ? POLL_WATCHED_MS : POLL_UNWATCHED_MS);
    timer.unref();
    const stop = () => {
      done = true;
      clearInterval(timer);
      unwatch?.();
      signal.removeEventListener('abort', stop);
    };
    signal.addEventListener('abort', stop, { once: true });
    // Catches a rotation that landed between the caller's read and the subscription.
    look();
  });
}
