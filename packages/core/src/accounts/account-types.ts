import type { AuthRecord } from '../model/auth-record.js';
import type { TokenStore } from '../store/token-store.js';

/**
 * How a caller names an account: its number in `listAccounts()` order (`2` or `'2'`), its email
 * (case-insensitive), its `chatgpt_account_id` (the workspace), or its entry key.
 */
export type AccountSelector = string | number;

/**
 * The state of an account's tokens, read without any request: `ok`; `refresh_due` (the access
 * token expires soon or has expired: the next use refreshes it); `damaged` (the entry cannot be
 * read; `problem` says why and names the file, which is left untouched).
 */
export type AccountHealth = 'ok' | 'refresh_due' | 'damaged';

/**
 * One account as an {@link AccountsBackend} holds it. `record` is `null` for a damaged entry.
 * The backend never puts a secret anywhere but `record`, which core does not copy into results.
 */
export interface AccountEntry {
  /** Stable id of the account (see `accountKeyOf`); the entry's name on disk. */
  readonly key: string;
  /** The account the Codex CLI uses now: what `auth.json` (the active store) holds. */
  readonly active: boolean;
  /** For the active account the active store's record (the newest), else the entry's. */
  readonly record: AuthRecord | null;
  /** Whether a saved entry exists (false for an active account signed in before accounts existed). */
  readonly saved: boolean;
  /** Why the entry cannot be read, naming it; `null` when it can. */
  readonly problem: string | null;
  /** Where the account's tokens live now (the entry file, or `auth.json` for the active one). */
  readonly location: string;
}

/**
 * Where several accounts live, and how one becomes active. `@codex-oauth/store-file` provides
 * one for `auth.json` (`fileAccounts()`, the default); a non-file store that wants accounts
 * passes its own through the `accounts` option. What an implementation must guarantee:
 *
 * - `switchTo` saves what the active store holds now back to its account's entry, then makes the
 *   chosen entry active, under the lock the active store's refreshes take, so a refresh racing
 *   a switch loses nothing; a damaged active record or entry is refused, never overwritten;
 * - `store(key)` is a {@link TokenStore} that reads and writes wherever the account lives at the
 *   moment (the active store while it is active, its entry otherwise), and whose `withLock`
 *   excludes a concurrent `switchTo`, so core's ordinary refresh path works on any account;
 * - `addingStore()` saves a new sign-in as the active account, first saving the one it replaces
 *   to its entry; the same account signed in again updates its entry.
 */
export interface AccountsBackend {
  /** A short name of where accounts live, for messages (a folder). */
  readonly location: string;
  /**
   * Every account (saved entries and the active one, in no particular order), and warnings
   * such as an unreadable active record.
   */
  list(): Promise<{ entries: AccountEntry[]; warnings: string[] }>;
  /** Makes the account `key` active (see above). Already active: nothing happens. */
  switchTo(key: string): Promise<void>;
  /** The store of account `key`, wherever it lives now. */
  store(key: string): TokenStore;
  /** The store a `login({ addAccount: true })` saves through. */
  addingStore(): TokenStore;
}

/** One account as {@link listAccounts} reports it. Holds no secret. */
export interface AccountInfo {
  /** 1-based position in the list; `switchAccount(2)` picks the second. */
  readonly number: number;
  /** Stable id of the account (a 16-hex-digit hash of its user and workspace ids). */
  readonly key: string;
  readonly active: boolean;
  readonly email: string | null;
  /** `chatgpt_account_id`: the workspace the tokens act for. */
  readonly accountId: string | null;
  readonly planType: string | null;
  /** `chatgpt_user_id`: two accounts of one person in two workspaces share it. */
  readonly userId: string | null;
  /** The access token's expiry. */
  readonly expiresAt: Date | null;
  /** The last sign-in or refresh (`last_refresh`). */
  readonly lastRefresh: Date | null;
  readonly health: AccountHealth;
  /** Why a damaged entry cannot be read (names the file); `null` otherwise. */
  readonly problem: string | null;
  /** Whether a saved entry exists (see {@link AccountEntry.saved}). */
  readonly saved: boolean;
  /** Where the tokens live now. */
  readonly location: string;
}

/** What {@link listAccounts} returns. */
export interface AccountList {
  /** Sorted by email, then workspace, then key; numbered from 1 in that order. */
  readonly accounts: AccountInfo[];
  /** The active account, or `null` when none (nothing in `auth.json`). */
  readonly active: AccountInfo | null;
  /** Things to know: an unreadable `auth.json`, damaged entries. */
  readonly warnings: string[];
}
