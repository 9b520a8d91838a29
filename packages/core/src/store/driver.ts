import type { AuthRecord } from '../model/auth-record.js';
import type { LockCallOptions, TokenStoreCapabilities } from './token-store.js';

/**
 * The minimum a backend must do to become a {@link TokenStore} through `defineTokenStore`: keep
 * **one string** (the record as core serialized it), read it, replace it with a compare-and-swap
 * on the previous string, and remove it. Optionally it locks across processes and says when the
 * string changed behind its back.
 *
 * Core owns everything else: serializing and validating records (unreadable data becomes
 * `CODEX_OAUTH_STORE_CORRUPT` naming the store), the refresh-token compare-and-swap and
 * `CODEX_OAUTH_STORE_CONFLICT`, copies, redaction, an in-process lock when `lock` is absent, and
 * the fan-out of `watch`.
 *
 * @example
 * ```ts
 * let value: string | null = null;
 * const driver: TokenStoreDriver = {
 *   kind: 'map',
 *   async read() { return value; },
 *   async write(next, expected) {
 *     if (expected !== undefined && expected !== value) return false;
 *     value = next;
 *     return true;
 *   },
 *   async remove() { const had = value !== null; value = null; return had; },
 * };
 * ```
 */
export interface TokenStoreDriver {
  /** A short name for messages and `status().storageUsed`. */
  kind: string;
  /**
   * What the backend promises. `persistent` defaults to `false`; `crossProcessLock` defaults to
   * whether `lock` is given (declaring it without `lock` is an error).
   */
  capabilities?: Partial<TokenStoreCapabilities>;
  /** The stored string, or `null` when nothing is stored. */
  read(): Promise<string | null>;
  /**
   * Stores `value` only if what is stored now equals `expected` (`null`: nothing stored);
   * `expected === undefined` writes unconditionally. Resolves `false`, changing nothing, on a
   * mismatch. The compare and the write must be **atomic**: of several concurrent writes with
   * the same `expected`, exactly one may succeed, across every instance on the same backend.
   */
  write(value: string, expected?: string | null): Promise<boolean>;
  /** Removes what is stored; resolves `true` when something was removed. */
  remove(): Promise<boolean>;
  /**
   * Runs `fn` holding a lock that other processes respect too. `options` (a signal that stops the
   * wait, a `prepare` step to run before locking) may be ignored: a `prepare` the driver did not
   * call is run by core under the lock, just before `fn`.
   */
  lock?<T>(fn: () => Promise<T>, options?: LockCallOptions): Promise<T>;
  /** Calls `onChange` when the stored string may have changed (core re-reads); returns the unsubscribe function. */
  watch?(onChange: () => void): () => void;
  /** Where the string lives and anything the user should know, for `status()`. */
  describe?(): { location?: string; warnings?: readonly string[] };
}

/**
 * How records become the driver's string and back. The default writes the record in the schema
 * of Codex's `auth.json` (`auth_mode`, `OPENAI_API_KEY`, `tokens`, `last_refresh`) as compact
 * JSON; a store that must keep a foreign byte layout (store-file keeps Codex's file byte for
 * byte, unknown keys included) passes its own.
 */
export interface RecordCodec {
  /**
   * Reads a stored string. Throws when it is not a record: a `CodexOAuthError` passes through
   * unchanged (name the place yourself), anything else becomes `CODEX_OAUTH_STORE_CORRUPT`.
   * Never put the string, or part of it, in an error: it holds tokens.
   */
  parse(text: string): AuthRecord;
  /**
   * The string for `record`, replacing `previous` (what is stored now, already parsed once, or
   * `null`). `swap` is true for a compare-and-swap save (a refresh of the stored login), false
   * for an unconditional one (a new sign-in).
   */
  serialize(record: AuthRecord, previous: string | null, change: { swap: boolean }): string;
}

/** The second, optional argument of `defineTokenStore`. */
export interface DefineTokenStoreOptions {
  /** How records are written to the driver; default Codex's `auth.json` schema, compact. */
  codec?: RecordCodec;
}
