import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import {
  type LoginOptions,
  normalizeStorage,
  type SessionOptions,
  throwIfAborted,
} from '../session/options.js';
import { importStore } from '../session/resolve-store.js';
import { mergeEnv } from '../session/store-context.js';
import type { TokenStore } from '../store/token-store.js';
import { toAccountList } from './account-list.js';
import type {
  AccountInfo,
  AccountList,
  AccountSelector,
  AccountsBackend,
} from './account-types.js';
import { selectAccount } from './select-account.js';

/**
 * Every account signed in on this machine (the active one and the saved ones), numbered, with
 * email, plan, workspace and token health; no request, no secret. A damaged entry is listed
 * with `health: 'damaged'` and a `problem` naming its file; an unreadable `auth.json` is a
 * warning (the saved accounts are still listed).
 *
 * @example
 * ```ts
 * const { accounts, active } = await listAccounts();
 * for (const a of accounts) console.log(a.number, a.email, a.active ? '(active)' : '');
 * ```
 */
export async function listAccounts(options: SessionOptions = {}): Promise<AccountList> {
  throwIfAborted(options.signal);
  const backend = await requireAccountsBackend(options);
  return toAccountList(await backend.list());
}

/**
 * Makes one account active, so `auth.json` holds it and the Codex CLI uses it. First saves what
 * `auth.json` holds now (whatever Codex last wrote) back to its account's entry, under Codex's
 * locks, so switching back later returns the newest tokens. Returns the now-active account.
 * Unknown or ambiguous selectors are `CODEX_OAUTH_ACCOUNT_NOT_FOUND` /
 * `CODEX_OAUTH_ACCOUNT_AMBIGUOUS` listing the accounts; a damaged entry or `auth.json` is
 * `CODEX_OAUTH_STORE_CORRUPT` naming the file (nothing is overwritten).
 *
 * @example
 * ```ts
 * await switchAccount('work@example.com');
 * await switchAccount(2);
 * ```
 */
export async function switchAccount(
  selector: AccountSelector,
  options: SessionOptions = {},
): Promise<AccountInfo> {
  throwIfAborted(options.signal);
  const backend = await requireAccountsBackend(options);
  const chosen = selectAccount(toAccountList(await backend.list()).accounts, selector);
  if (chosen.problem !== null) {
    throw new CodexOAuthError(
      ErrorCodes.STORE_CORRUPT,
      `Account ${chosen.number} cannot be used: ${chosen.problem} Sign it in again with ` +
        'codex-oauth login --add, or remove it with codex-oauth logout --account.',
    );
  }
  await backend.switchTo(chosen.key);
  const after = toAccountList(await backend.list());
  return after.accounts.find((a) => a.key === chosen.key) ?? chosen;
}

/**
 * The accounts backend of a call: the `accounts` option; else, for file storage (the default),
 * store-file's `fileAccounts`, imported dynamically like the store itself. `null` for memory
 * storage or a custom `store` without `accounts`.
 */
async function resolveAccountsBackend(
  options: SessionOptions,
  env: Record<string, string | undefined> = mergeEnv(options.env),
): Promise<AccountsBackend | null> {
  if (options.accounts) return options.accounts;
  if (options.store || normalizeStorage(options.storage) === 'memory') return null;
  const mod = (await importStore('@codex-oauth/store-file')) as {
    fileAccounts: (opts: {
      codexHome?: string;
      env?: Record<string, string | undefined>;
    }) => AccountsBackend;
  };
  return mod.fileAccounts({
    ...(options.codexHome !== undefined && { codexHome: options.codexHome }),
    env,
  });
}

async function requireAccountsBackend(
  options: SessionOptions,
  env?: Record<string, string | undefined>,
): Promise<AccountsBackend> {
  const backend = await resolveAccountsBackend(options, env);
  if (backend) return backend;
  throw new CodexOAuthError(
    ErrorCodes.INVALID_OPTION,
    'Several accounts need a place to keep the inactive ones: use file storage (auth.json under ' +
      'CODEX_HOME, the default), or pass an `accounts` backend along with your own `store`.',
  );
}

/**
 * The store a call works on when it names an account (`account`) or adds one (`addAccount`),
 * else `undefined` (the ordinary store applies). The one place these options become a store.
 */
export async function resolveAccountStore(
  options: SessionOptions & Pick<LoginOptions, 'addAccount'>,
  env: Record<string, string | undefined>,
): Promise<TokenStore | undefined> {
  const adding = options.addAccount === true;
  if (options.account === undefined && !adding) return undefined;
  const backend = await requireAccountsBackend(options, env);
  if (adding) {
    if ((options as LoginOptions).forceNew) {
      throw new CodexOAuthError(
        ErrorCodes.INVALID_OPTION,
        '`addAccount` keeps the current account, while `forceNew` revokes it: choose one.',
      );
    }
    if (options.account !== undefined) {
      throw new CodexOAuthError(
        ErrorCodes.INVALID_OPTION,
        '`addAccount` signs in a new account; it cannot be combined with `account`.',
      );
    }
    return backend.addingStore();
  }
  const chosen = selectAccount(
    toAccountList(await backend.list()).accounts,
    options.account as AccountSelector,
  );
  return backend.store(chosen.key);
}

/**
 * For a plain `logout()`: the active account's key when it also has a saved entry, so that
 * signing out the active account removes it from the list too (it would stay behind as an
 * entry holding revoked tokens). `undefined` when there are no accounts or no backend.
 */
export async function activeAccountToLogOut(options: SessionOptions): Promise<string | undefined> {
  if (options.account !== undefined) return undefined;
  const backend = await resolveAccountsBackend(options).catch(() => null);
  if (!backend) return undefined;
  const listed = await backend.list().catch(() => ({ entries: [] }));
  const active = listed.entries.find((e) => e.active);
  return active?.saved ? active.key : undefined;
}

/**
 * After `login({ forceNew })` replaced account `key` with another one: its saved entry holds the
 * tokens that sign-in revoked, so it is removed (it would be listed as a usable account). When
 * the same account signed in again, it is still active and its entry is left for the next switch
 * to overwrite. Best effort: a failure here never fails the sign-in that succeeded.
 */
export async function forgetReplacedAccount(options: SessionOptions, key: string): Promise<void> {
  try {
    const backend = await resolveAccountsBackend(options);
    const entry = (await backend?.list())?.entries.find((e) => e.key === key);
    if (backend && entry?.saved && !entry.active) await backend.store(key).clear();
  } catch {
    // The sign-in is done; a stale entry is only listed, and logout --account removes it.
  }
}
