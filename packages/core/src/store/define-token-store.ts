import type { AuthRecord } from '../model/auth-record.js';
import { CodexOAuthError, ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import type { DefineTokenStoreOptions, TokenStoreDriver } from './driver.js';
import { fifoMutex } from './fifo-mutex.js';
import { codexRecordCodec, UnreadableRecord } from './record-codec.js';
import { withRedaction } from './redacted-record.js';
import {
  type LockCallOptions,
  type SaveOptions,
  storedRefreshToken,
  type TokenStore,
  type TokenStoreListener,
} from './token-store.js';
import { watchFanOut } from './watch-fan-out.js';

/** What `defineTokenStore` returns: a {@link TokenStore} whose `withLock` and `watch` always exist. */
export interface DefinedTokenStore extends TokenStore {
  /** The driver's `lock`, or a FIFO mutex for this store object when it has none. */
  withLock<T>(fn: () => Promise<T>, options?: LockCallOptions): Promise<T>;
  /** Tells `listener` of every change made through this store, and of the driver's notices. */
  watch(listener: TokenStoreListener): () => void;
}

// A save re-reads and retries when the driver's compare-and-swap fails; a backend that changes
// more often than this while one save is prepared is contended beyond what a refresh can win.
const MAX_SAVE_ATTEMPTS = 8;

/**
 * Builds a complete {@link TokenStore} from a {@link TokenStoreDriver}, in the manner of
 * unstorage's `createStorage(driver)`: the driver keeps one string, core does the rest —
 * serializing and validating records, the refresh-token compare-and-swap
 * (`CODEX_OAUTH_STORE_CONFLICT`), copies, redaction hooks on every record returned, an in-process
 * FIFO `withLock` when the driver has no `lock`, and `watch` fan-out.
 *
 * Unreadable stored data is `CODEX_OAUTH_STORE_CORRUPT` naming the store, and is never
 * overwritten by a save. Errors the driver throws pass through unchanged, so make them
 * `CodexOAuthError`s that say what to do.
 *
 * The returned object is plain and its methods do not use `this`, so a store package can add its
 * own members (`quarantine`, `dispose`, `path`) with `Object.assign`.
 *
 * @example
 * ```ts
 * const values = new Map<string, string>();
 * export const mapStore = (key: string) =>
 *   defineTokenStore({
 *     kind: 'map',
 *     async read() { return values.get(key) ?? null; },
 *     async write(value, expected) {
 *       if (expected !== undefined && (values.get(key) ?? null) !== expected) return false;
 *       values.set(key, value);
 *       return true;
 *     },
 *     async remove() { return values.delete(key); },
 *   });
 * ```
 */
export function defineTokenStore(
  driver: TokenStoreDriver,
  options: DefineTokenStoreOptions = {},
): DefinedTokenStore {
  checkDriver(driver);
  const codec = options.codec ?? codexRecordCodec;
  const lock = lockOf(driver);

  const decode = (text: string): AuthRecord => {
    try {
      return withRedaction(codec.parse(text));
    } catch (error) {
      if (isCodexOAuthError(error)) throw error;
      throw corrupt(driver, error);
    }
  };
  const read = async () => {
    const text = await driver.read();
    return { text, record: text === null ? null : decode(text) };
  };
  const fanOut = watchFanOut({
    read: () => driver.read(),
    decode,
    watch: driver.watch?.bind(driver),
  });

  const store: DefinedTokenStore = {
    kind: driver.kind,
    capabilities: Object.freeze({
      persistent: driver.capabilities?.persistent ?? false,
      crossProcessLock: driver.capabilities?.crossProcessLock ?? driver.lock !== undefined,
    }),
    async load() {
      return (await read()).record;
    },
    async save(record: AuthRecord, saveOptions: SaveOptions = {}) {
      const expected = saveOptions.previousRefreshToken;
      for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
        // Reading first means unreadable data throws here and is never overwritten; the write
        // is conditional on that exact string, so nothing can slip in between.
        const current = await read();
        if (expected !== undefined && storedRefreshToken(current.record) !== expected) {
          throw conflict(driver);
        }
        const value = codec.serialize(record, current.text, { swap: expected !== undefined });
        const written = await driver.write(value, current.text);
        if (typeof written !== 'boolean')
          throw badDriver(driver, 'write() must resolve true or false');
        if (written) {
          fanOut.changed(value);
          return;
        }
      }
      throw conflict(driver);
    },
    async clear() {
      const removed = await driver.remove();
      if (typeof removed !== 'boolean')
        throw badDriver(driver, 'remove() must resolve true or false');
      if (removed) fanOut.changed(null);
      return removed;
    },
    withLock: <T>(fn: () => Promise<T>, lockOptions?: LockCallOptions) => lock(fn, lockOptions),
    watch: (listener) => fanOut.add(listener),
  };
  if (driver.describe) store.describe = () => driver.describe?.() ?? {};
  return store;
}

/**
 * The driver's lock with the {@link LockCallOptions} contract kept whatever the driver does with
 * them: a `prepare` it did not call runs under the lock, before `fn`. Without a driver lock, a FIFO
 * mutex for this store object, with `prepare` run before queueing.
 */
function lockOf(
  driver: TokenStoreDriver,
): <T>(fn: () => Promise<T>, options?: LockCallOptions) => Promise<T> {
  if (!driver.lock) {
    const mutex = fifoMutex();
    return async (fn, options) => {
      options?.signal?.throwIfAborted();
      await options?.prepare?.();
      return mutex(fn);
    };
  }
  const driverLock = driver.lock.bind(driver);
  return (fn, options) => {
    const prepare = options?.prepare;
    if (!prepare) return driverLock(fn, options);
    let prepared = false;
    const once = async () => {
      prepared = true;
      await prepare();
    };
    return driverLock(
      async () => {
        if (!prepared) await once();
        return fn();
      },
      { ...options, prepare: once },
    );
  };
}

function checkDriver(driver: TokenStoreDriver): void {
  if (typeof driver !== 'object' || driver === null) throw badDriver(driver, 'it is not an object');
  if (typeof driver.kind !== 'string' || driver.kind === '')
    throw badDriver(driver, 'kind must be a non-empty string');
  for (const method of ['read', 'write', 'remove'] as const) {
    if (typeof driver[method] !== 'function') throw badDriver(driver, `${method}() is missing`);
  }
  if (driver.capabilities?.crossProcessLock === true && typeof driver.lock !== 'function') {
    throw badDriver(driver, 'capabilities.crossProcessLock is set but lock() is missing');
  }
}

function nameOf(driver: TokenStoreDriver): string {
  let location: string | undefined;
  try {
    location = driver.describe?.().location;
  } catch {
    location = undefined;
  }
  const kind = typeof driver?.kind === 'string' ? driver.kind : 'custom';
  return location ? `The ${kind} store (${location})` : `The ${kind} store`;
}

function corrupt(driver: TokenStoreDriver, cause: unknown): CodexOAuthError {
  const problem = cause instanceof UnreadableRecord ? cause.message : 'its codec rejected it';
  return new CodexOAuthError(
    ErrorCodes.STORE_CORRUPT,
    `${nameOf(driver)} holds data that is not a sign-in record (${problem}). It was left ` +
      'untouched: remove it or sign in again with login --force.',
    // The codec's own error may quote the data (tokens): keep only its kind.
    { cause: new Error(cause instanceof Error ? cause.name : 'unreadable record') },
  );
}

function conflict(driver: TokenStoreDriver): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.STORE_CONFLICT,
    `${nameOf(driver)} changed while this save was prepared (another process refreshed or ` +
      'signed in). Load it again and retry.',
  );
}

function badDriver(driver: TokenStoreDriver, problem: string): CodexOAuthError {
  const kind = typeof driver?.kind === 'string' ? driver.kind : 'custom';
  return new CodexOAuthError(
    ErrorCodes.INVALID_OPTION,
    `The ${kind} store driver is not a TokenStoreDriver: ${problem}. See "Write your own store" ` +
      'in the @codex-oauth/core README.',
  );
}
