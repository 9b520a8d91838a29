import {
  type AuthRecord,
  CodexOAuthError,
  ErrorCodes,
  type TokenStore,
} from '@codex-oauth/core/model';
import { type FileStoreOptions, fileStore } from '../file-store.js';
import { readIfExists } from '../store-read.js';
import { keyOf, writeEntry } from './account-entry.js';
import { readActive } from './active-auth.js';
import { withEntryLocks } from './entry-locks.js';
import { refuseUnsaved } from './switch-account.js';

/**
 * The store `login({ addAccount: true })` saves through: `auth.json`, except that `save` first
 * keeps the account it replaces. Under `CODEX_HOME/auth.lock` and both entry locks it saves the
 * current `auth.json` bytes to their account's entry, writes the new sign-in to `auth.json` (as an
 * ordinary sign-in would), and copies the result to the new account's entry. The same account
 * signed in again has the same key, so its entry is updated rather than duplicated.
 */
export function addingStore(options: FileStoreOptions): TokenStore {
  const home = fileStore(options);
  return {
    kind: home.kind,
    capabilities: home.capabilities,
    path: home.path,
    load: () => home.load(),
    clear: () => home.clear(),
    // The lock options (`prepare` before auth.lock, `signal`) pass through to auth.json's lock.
    withLock: (fn, call) => home.withLock(fn, call),
    describe: () => home.describe(),
    // store-file's sign-in policy (forced workspace, login method) applies to added accounts too.
    ...{ config: () => home.config() },

    async save(record: AuthRecord): Promise<void> {
      const key = keyOf(record);
      if (key === null) {
        throw new CodexOAuthError(
          ErrorCodes.INVALID_TOKEN,
          'The new tokens name no ChatGPT account, so they cannot be kept beside others. Sign in ' +
            'without --add.',
        );
      }
      await home.withLock(async () => {
        const current = await readActive(home.codexHome);
        refuseUnsaved(current);
        await withEntryLocks(home.codexHome, [current?.key ?? null, key], async () => {
          if (current?.key && current.key !== key) {
            await writeEntry(home.codexHome, current.key, current.text);
          }
          await home.save(record);
          const text = await readIfExists(home.path);
          if (text !== null) await writeEntry(home.codexHome, key, text);
        });
      });
    },
  } as TokenStore;
}
