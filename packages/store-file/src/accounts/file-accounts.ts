import { type AccountsBackend, isCodexOAuthError } from '@codex-oauth/core/model';
import { resolveCodexHome } from '../codex-home.js';
import type { FileStoreOptions } from '../file-store.js';
import { readEntries, toEntries } from './account-entry.js';
import { accountsDirOf } from './account-paths.js';
import { accountStore } from './account-store.js';
import { readActive } from './active-auth.js';
import { addingStore } from './adding-store.js';
import { switchToAccount } from './switch-account.js';

/** Options of {@link fileAccounts}: where `CODEX_HOME` is, and the Codex refresh grace. */
export interface FileAccountsOptions extends FileStoreOptions {
  /**
   * How long a switch away from an account whose token is due waits for a Codex refresh that may
   * be under way to write `auth.json` (Codex takes no lock across its refresh). Default 3 000 ms;
   * `0` does not wait.
   */
  codexRefreshGraceMs?: number;
}

/**
 * Several ChatGPT accounts in one `CODEX_HOME`: the active one in `auth.json` (what the Codex CLI
 * uses), every account also saved in `$CODEX_HOME/codex-oauth/accounts/<key>/auth.json` (0600, in
 * 0700 folders), written atomically under locks. This is the default accounts backend of
 * `@codex-oauth/core` for file storage (`listAccounts`, `switchAccount`, `login({ addAccount })`
 * and the `account` option).
 *
 * @example
 * ```ts
 * import { listAccounts } from '@codex-oauth/core/model';
 * import { fileAccounts } from '@codex-oauth/store-file';
 * const { accounts } = await listAccounts({ accounts: fileAccounts({ codexHome }) });
 * ```
 */
export function fileAccounts(options: FileAccountsOptions = {}): AccountsBackend {
  const codexHome = resolveCodexHome(options);
  const pinned: FileStoreOptions = { ...options, codexHome };
  return {
    location: accountsDirOf(codexHome),

    async list() {
      let active: Awaited<ReturnType<typeof readActive>> = null;
      let activeProblem: string | null = null;
      try {
        active = await readActive(codexHome);
      } catch (error) {
        if (!isCodexOAuthError(error)) throw error;
        activeProblem = error.message;
      }
      const entries = toEntries(
        await readEntries(codexHome),
        active?.key ? { key: active.key, record: active.record, path: active.path } : null,
      );
      const warnings =
        activeProblem === null
          ? []
          : [`The active credentials cannot be read, so no account is active: ${activeProblem}`];
      return { entries, warnings };
    },

    switchTo: (key) => switchToAccount(pinned, key, options.codexRefreshGraceMs),
    store: (key) => accountStore(pinned, key),
    addingStore: () => addingStore(pinned),
  };
}
