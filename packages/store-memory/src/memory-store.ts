import {
  type AuthRecord,
  CodexOAuthError,
  codexRecordCodec,
  type DefinedTokenStore,
  defineTokenStore,
  ErrorCodes,
} from '@codex-oauth/core/model';

/** Options for {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** A record to start with, e.g. tokens a host app restored from its own session storage. */
  initial?: AuthRecord | null;
}

/** A {@link DefinedTokenStore} that lives and dies with one host session. */
export interface MemoryStore extends DefinedTokenStore {
  /** Drops the record; later saves throw and listeners hear nothing more. `logout` calls this. */
  dispose(): void;
  /** The same as {@link MemoryStore.dispose} (its name before the store contract declared it). */
  stop(): void;
  /** True once the store was disposed. */
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
  // Core's string lives in this closure, not on the object, so `inspect(store)` shows no token.
  let value = options.initial
    ? codexRecordCodec.serialize(options.initial, null, { swap: false })
    : null;
  let stopped = false;
  const base = defineTokenStore({
    kind: 'memory',
    async read() {
      return value;
    },
    async write(next, expected) {
      if (stopped) {
        throw new CodexOAuthError(
          ErrorCodes.INVALID_OPTION,
          'This memory store was stopped by logout; create a new memoryStore() for a new session.',
        );
      }
      // No await between the compare and the write: concurrent saves cannot interleave.
      if (expected !== undefined && expected !== value) return false;
      value = next;
      return true;
    },
    async remove() {
      const had = value !== null;
      value = null;
      return had;
    },
    describe: () => ({ location: 'process memory' }),
  });
  // Disposed: the record is gone and every later save throws, so no listener is called again.
  const dispose = () => {
    value = null;
    stopped = true;
  };
  return {
    ...base,
    dispose,
    stop: dispose,
    get stopped() {
      return stopped;
    },
  };
}
