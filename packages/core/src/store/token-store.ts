import type { AuthRecord } from '../model/auth-record.js';

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

/**
 * How a caller of {@link TokenStore.withLock} wants its lock. Both members are optional hints: a
 * store that ignores them still runs `fn` under its lock, which is all correctness needs.
 */
export interface LockCallOptions {
  /**
   * Stops waiting for the lock: `withLock` rejects with the signal's reason and `fn` never runs.
   * A lock already held is unaffected (it is released when `fn` ends).
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Work to finish before the lock is taken, so the lock is held only for what needs it (the
   * refresh coordinator loads its HTTP transport here). A store whose lock other programs wait
   * on may run it under a lighter lock of its own first, so that of many processes only one
   * prepares while the rest wait (store-file does). When it throws, `withLock` rejects with that
   * error and `fn` never runs.
   */
  readonly prepare?: (() => Promise<void>) | undefined;
}

/** Called with the new record after every change (`null` after a clear). */
export type TokenStoreListener = (record: AuthRecord | null) => void;

/**
 * Sign-in restrictions a store knows about (store-file reads them from Codex's `config.toml`).
 * The session enforces them on every sign-in through this store.
 */
export interface SignInPolicy {
  /** Only accounts of these workspaces may sign in (`forced_chatgpt_workspace_id`); `null`: any. */
  readonly forcedWorkspaceIds: readonly string[] | null;
  /** Only this sign-in method is allowed (`forced_login_method`); `null`: either. */
  readonly forcedLoginMethod: 'chatgpt' | 'api' | null;
}

/** What {@link TokenStore.describe} reports. Every field is optional. */
export interface TokenStoreDescription {
  /** Where the record lives (a path, a key, `'process memory'`), for messages and `status()`. */
  readonly location?: string;
  /** Anything the user should know right now (a lock fallback, a loose file mode). */
  readonly warnings?: readonly string[];
  /** Restrictions the session applies to sign-ins; absent means none. */
  readonly signIn?: SignInPolicy;
}

/**
 * Where a session's credentials live. Core does the record logic (claims, refresh decisions,
 * coordination); a store only keeps a record safe. Build one with `defineTokenStore(driver)`,
 * which supplies everything but the backend; implement this interface by hand only when a
 * driver cannot express your backend.
 *
 * Every method works on whole {@link AuthRecord} values, never on raw strings, and returns copies:
 * mutating a loaded record never changes what is stored.
 *
 * The optional members are behaviours the session uses when a store declares them, and skips
 * (as documented on each) when it does not. Run `describeTokenStore` from
 * `@codex-oauth/core/testing` against your store to check it keeps this contract.
 */
export interface TokenStore {
  /** A short name for messages and `status().storageUsed` ('file', 'memory', or your own). */
  readonly kind: string;
  /** What this store can promise. */
  readonly capabilities: TokenStoreCapabilities;
  /**
   * The file the record lives in, when it lives in one: `status()` reports it as `path`.
   * Without it, `status()` has no `path`.
   */
  readonly path?: string;
  /** The stored record, or `null` when nothing is stored. Throws `CODEX_OAUTH_STORE_CORRUPT` when what is stored cannot be read. */
  load(): Promise<AuthRecord | null>;
  /** Stores `record`, atomically: a reader sees the old record or the new one, never a mix. */
  save(record: AuthRecord, options?: SaveOptions): Promise<void>;
  /** Removes what is stored. Resolves `true` when something was removed, `false` when nothing was. */
  clear(): Promise<boolean>;
  /**
   * Runs `fn` while holding the store's lock, so a refresh is done once however many callers ask.
   * Without it, core coordinates callers inside this process only.
   */
  withLock?<T>(fn: () => Promise<T>, options?: LockCallOptions): Promise<T>;
  /** Subscribes to changes; returns the unsubscribe function. Without it, nobody is told. */
  watch?(listener: TokenStoreListener): () => void;
  /**
   * Where the record lives, warnings and sign-in policy, asked by every session call (keep it
   * cheap). Without it, results carry no store warnings and sign-ins have no restriction.
   */
  describe?(): TokenStoreDescription;
  /**
   * Moves unreadable data out of the way while keeping it for the user (store-file renames
   * `auth.json` to `auth.json.bak-<time>`), and returns where it went, or `null` when nothing
   * was there. `login({ forceNew: true })` calls it when `load` throws `CODEX_OAUTH_STORE_CORRUPT`;
   * without it, that sign-in fails with the corrupt-store error and nothing is touched.
   */
  quarantine?(): Promise<string | null>;
  /**
   * Releases what the store holds for one session (store-memory drops its record and listeners).
   * `logout` calls it after `clear`, and the session resolves a fresh built-in store next time.
   * Without it, the store stays as it is after logout.
   */
  dispose?(): void | Promise<void>;
}

/** The refresh token a record holds, or `null` for an api-key record or none. */
export function storedRefreshToken(record: AuthRecord | null): string | null {
  return record?.tokens?.refreshToken ?? null;
}
