import type { AuthRecord } from './auth-record.js';

/**
 * What a store can promise beyond the basic contract. The conformance suite and the session API
 * read these flags instead of a list of store names.
 */
export interface TokenStoreCapabilities {
  /** The record survives the process (a file, a database), so another process can see it. */
  readonly persistent: boolean;
  /** `withLock` excludes other processes too, not only other callers in this process. */
  readonly crossProcessLock: boolean;
}

/** Options for {@link TokenStore.save}. */
export interface SaveOptions {
  /**
   * Compare-and-swap: the refresh token the caller believes is stored now. When given, the save
   * only happens if the stored record's refresh token equals it (`null` means "nothing, or no
   * ChatGPT tokens, is stored"); otherwise it throws `CODEX_OAUTH_STORE_CONFLICT` and changes
   * nothing. Omit it for an unconditional write (a fresh sign-in).
   */
  readonly previousRefreshToken?: string | null;
}

/** Called with the new record after every change (`null` after a clear). */
export type TokenStoreListener = (record: AuthRecord | null) => void;

/**
 * Where a session's credentials live. Core does the record logic (claims, refresh decisions,
 * coordination); a store only keeps a record safe, so one is about a hundred lines.
 *
 * Every method works on whole {@link AuthRecord} values, never on raw strings, and returns copies:
 * mutating a loaded record never changes what is stored.
 *
 * Run `describeTokenStore` from `@codex-oauth/core/testing` against your own store to check it
 * keeps this contract.
 *
 * @example
 * ```ts
 * const store: TokenStore = {
 *   kind: 'redis', capabilities: { persistent: true, crossProcessLock: false },
 *   async load() { ... }, async save(record, opts) { ... }, async clear() { ... },
 * };
 * ```
 */
export interface TokenStore {
  /** A short name for messages and `status().storage` ('file', 'memory', or your own). */
  readonly kind: string;
  /** What this store can promise. */
  readonly capabilities: TokenStoreCapabilities;
  /** The stored record, or `null` when nothing is stored. Throws `CODEX_OAUTH_STORE_CORRUPT` when what is stored cannot be read. */
  load(): Promise<AuthRecord | null>;
  /** Stores `record`, atomically: a reader sees the old record or the new one, never a mix. */
  save(record: AuthRecord, options?: SaveOptions): Promise<void>;
  /** Removes what is stored. Resolves `true` when something was removed, `false` when nothing was. */
  clear(): Promise<boolean>;
  /**
   * Runs `fn` while holding the store's lock, so a refresh is done once however many callers ask.
   * Optional: without it, core coordinates callers inside this process only.
   */
  withLock?<T>(fn: () => Promise<T>): Promise<T>;
  /** Subscribes to changes; returns the unsubscribe function. Optional. */
  watch?(listener: TokenStoreListener): () => void;
  /** Where the record lives (a path) and anything the user should know, for `status()`. Optional. */
  describe?(): { location?: string; warnings?: readonly string[] };
}

/** The refresh token a record holds, or `null` for an api-key record or none. */
export function storedRefreshToken(record: AuthRecord | null): string | null {
  return record?.tokens?.refreshToken ?? null;
}
