import {
  type AuthRecord,
  CodexOAuthError,
  ErrorCodes,
  type SaveOptions,
  storedRefreshToken,
  type TokenStore,
  type TokenStoreListener,
} from '@codex-oauth/core/model';

/** Options for {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** A record to start with, e.g. tokens a host app restored from its own session storage. */
  initial?: AuthRecord | null;
}

/** A {@link TokenStore} that lives and dies with one host session. */
export interface MemoryStore extends TokenStore {
  /** Runs callers one at a time, in order, inside this process. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** Calls `listener` after every save and clear; returns the unsubscribe function. */
  watch(listener: TokenStoreListener): () => void;
  /** Drops the record and every listener; later saves throw. `logout` calls this. */
  stop(): void;
  /** True once {@link MemoryStore.stop} ran. */
  readonly stopped: boolean;
}

/**
 * Keeps the auth record in this process only. It never reads, writes or deletes `auth.json` (or
 * any file), which is what a host app wants when it signs a user in itself and hands the tokens
 * to `codex app-server`: subscribe with `watch` and forward each new access token.
 *
 * Create one store per host session; two sessions must not share one.
 *
 * @example
 * ```ts
 * const store = memoryStore();
 * store.watch((record) => record && pushToAppServer(record.tokens));
 * await login({ store, flow: 'device' });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  // The record lives in this closure, not on the object, so `inspect(store)` shows no token.
  let current: AuthRecord | null = options.initial ? structuredClone(options.initial) : null;
  let stopped = false;
  let lockTail: Promise<unknown> = Promise.resolve();
  const listeners = new Set<TokenStoreListener>();

  const notify = () => {
    for (const listener of listeners) {
      const snapshot = current && structuredClone(current);
      // A listener that throws must not fail the save that triggered it.
      queueMicrotask(() => {
        try {
          listener(snapshot);
        } catch {}
      });
    }
  };

  return {
    kind: 'memory',
    capabilities: { persistent: false, crossProcessLock: false },
    get stopped() {
      return stopped;
    },
    async load() {
      return current && structuredClone(current);
    },
    async save(record: AuthRecord, saveOptions: SaveOptions = {}) {
      if (stopped) {
        throw new CodexOAuthError(
          ErrorCodes.INVALID_OPTION,
          'This memory store was stopped by logout; create a new memoryStore() for a new session.',
        );
      }
      // Check and swap run without an await in between, so concurrent saves cannot interleave.
      if (
        saveOptions.previousRefreshToken !== undefined &&
        storedRefreshToken(current) !== saveOptions.previousRefreshToken
      ) {
        throw new CodexOAuthError(
          ErrorCodes.STORE_CONFLICT,
          'The stored tokens changed while this save was prepared; load them again and retry.',
        );
      }
      current = structuredClone(record);
      notify();
    },
    async clear() {
      const had = current !== null;
      current = null;
      if (had) notify();
      return had;
    },
    withLock<T>(fn: () => Promise<T>): Promise<T> {
      // A promise chain is a fair FIFO mutex for this process, which is all a memory store spans.
      const run = lockTail.then(fn, fn);
      lockTail = run.catch(() => undefined);
      return run;
    },
    watch(listener: TokenStoreListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    describe() {
      return { location: 'process memory' };
    },
    stop() {
      current = null;
      stopped = true;
      listeners.clear();
    },
  };
}
