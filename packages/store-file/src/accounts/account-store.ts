import type { AuthRecord, LockCallOptions, SaveOptions, TokenStore } from '@codex-oauth/core/model';
import { type FileStore, type FileStoreOptions, fileStore } from '../file-store.js';
import { readIfExists } from '../store-read.js';
import { writeEntry } from './account-entry.js';
import { entryDirOf } from './account-paths.js';
import { activeKey } from './active-auth.js';

/**
 * The {@link TokenStore} of one account, wherever it lives at the moment: `auth.json` while the
 * account is active, its entry otherwise. So `getAccessToken({ account })` is core's ordinary
 * refresh path (single-flight, compare-and-swap, adopt-on-reuse) on this store.
 *
 * `withLock` takes `CODEX_HOME`'s `auth.lock` (Codex's, the one a switch holds) and then the
 * entry's own: while a refresh runs, no switch can move the account, so the re-read, the request
 * and the compare-and-swap save all see one place. Lock order is always CODEX_HOME first, then
 * entries by key, as in a switch, so the two never deadlock. The lock options pass through:
 * `prepare` runs before `auth.lock` is taken (under the claim lock), and `signal` stops the waits.
 *
 * A save while active also copies the new `auth.json` bytes to the entry, so the entry (the
 * copy a switch away would refresh from, and the backup if Codex later overwrites `auth.json`)
 * stays current.
 */
export function accountStore(options: FileStoreOptions, key: string): TokenStore {
  const home = fileStore(options);
  const entry = fileStore({ codexHome: entryDirOf(home.codexHome, key) });
  const isActive = async () => (await activeKey(home.codexHome)) === key;
  const place = async (): Promise<FileStore> => ((await isActive()) ? home : entry);

  return {
    kind: 'file',
    capabilities: { persistent: true, crossProcessLock: true },

    async load(): Promise<AuthRecord | null> {
      return (await place()).load();
    },

    async save(record: AuthRecord, saveOptions?: SaveOptions): Promise<void> {
      if (!(await isActive())) return entry.save(record, saveOptions);
      await home.save(record, saveOptions);
      const text = await readIfExists(home.path);
      if (text !== null) await writeEntry(home.codexHome, key, text);
    },

    async clear(): Promise<boolean> {
      // Logout of this account: auth.json too when it is the active one; the entry in any case
      // (store-file's clear moves an unreadable file aside instead of deleting it).
      const removedActive = (await isActive()) ? await home.clear() : false;
      return (await entry.clear()) || removedActive;
    },

    withLock<T>(fn: () => Promise<T>, call?: LockCallOptions): Promise<T> {
      // `prepare` (the refresh loads its transport there) runs before auth.lock, under
      // CODEX_HOME's claim lock, as for auth.json itself; the signal stops either wait.
      const signal = call?.signal ? { signal: call.signal } : undefined;
      return home.withLock(() => entry.withLock(fn, signal), call);
    },

    // CODEX_HOME's sign-in policy and warnings apply to every account in it; the location is
    // the entry's (the active account's is auth.json, as status() of the active store says).
    describe() {
      return { ...home.describe(), location: entry.path };
    },
    // `codexHome`: core remembers a refused refresh of this account in CODEX_HOME's
    // codex-oauth/refused-refresh.json, beside the other accounts' (keyed by token hash).
    ...{ config: () => home.config(), codexHome: home.codexHome },
  } as TokenStore;
}
