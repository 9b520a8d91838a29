import { join } from 'node:path';
import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';
import { withLock } from '../acquire-lock.js';
import { writeFileAtomic } from '../atomic-write.js';
import { AUTH_FILE, WRITE_LOCK_FILE } from '../codex-home.js';
import { type FileStoreOptions, fileStore } from '../file-store.js';
import { readIfExists } from '../store-read.js';
import { readEntry, writeEntry } from './account-entry.js';
import { type ActiveAuth, readActive } from './active-auth.js';
import { awaitCodexRefresh, CODEX_REFRESH_GRACE_MS } from './codex-refresh-grace.js';
import { withEntryLocks } from './entry-locks.js';

/**
 * Makes account `key` the one in `auth.json`, losing no rotation:
 *
 * 0. when the active token is due, give a Codex refresh under way time to land (see
 *    `awaitCodexRefresh`);
 * 1. take `CODEX_HOME/auth.lock` (Codex's lock: our refreshes and Codex's writes wait);
 * 2. read `auth.json` as it is now (whatever Codex last wrote); a damaged one is refused;
 * 3. take the entry locks of the current and the chosen account (key order);
 * 4. save those exact bytes to the current account's entry (atomic, 0600);
 * 5. under `auth.json.lock`, check `auth.json` still holds those bytes and replace it with the
 *    chosen entry's bytes (atomic), so it is byte for byte what it was when that account was last
 *    active. The chosen entry stays as its backup (see `accountStore`).
 *
 * A crash between 4 and 5 leaves `auth.json` unchanged and the entry current.
 */
export async function switchToAccount(
  options: FileStoreOptions,
  key: string,
  graceMs = CODEX_REFRESH_GRACE_MS,
): Promise<void> {
  const home = fileStore(options);
  await awaitCodexRefresh(home.codexHome, graceMs);
  await home.withLock(async () => {
    const current = await readActive(home.codexHome);
    if (current?.key === key) return;
    refuseUnsaved(current);
    await withEntryLocks(home.codexHome, [current?.key ?? null, key], async () => {
      const chosen = await readEntry(home.codexHome, key);
      if (chosen === null) {
        throw new CodexOAuthError(
          ErrorCodes.ACCOUNT_NOT_FOUND,
          'That account was removed meanwhile. Run codex-oauth accounts to see what is left.',
        );
      }
      if (chosen.problem !== null || chosen.record?.tokens == null) {
        throw new CodexOAuthError(
          ErrorCodes.STORE_CORRUPT,
          chosen.problem ?? `${chosen.path} holds no ChatGPT tokens; it was left untouched.`,
        );
      }
      if (current?.key) await writeEntry(home.codexHome, current.key, current.text);
      await replaceAuthJson(
        home.codexHome,
        current?.path === home.path ? current.text : null,
        chosen.text,
      );
    });
  });
}

/**
 * Refuses to switch over credentials that are no account (an API key, or tokens naming none):
 * they have no entry to go to, and overwriting them would lose them.
 */
export function refuseUnsaved(current: ActiveAuth | null): void {
  if (current === null || current.key !== null) return;
  throw new CodexOAuthError(
    ErrorCodes.ACCOUNT_SWITCH_REFUSED,
    `${current.path} holds ${current.record.authMode === 'apikey' ? 'an API key' : 'credentials that name no account'}, ` +
      'which switching would overwrite. Move it away or run codex-oauth logout first.',
  );
}

/**
 * Writes `next` over `auth.json` under Codex's write lock, only if it still holds `expected`
 * (compare-and-swap on the bytes; `null`: no file). A writer that ignores `auth.lock` and got in
 * first makes this `CODEX_OAUTH_STORE_CONFLICT`, and nothing is written.
 */
async function replaceAuthJson(
  codexHome: string,
  expected: string | null,
  next: string,
): Promise<void> {
  const path = join(codexHome, AUTH_FILE);
  await withLock(
    join(codexHome, WRITE_LOCK_FILE),
    async () => {
      const now = await readIfExists(path);
      if (now !== expected) {
        throw new CodexOAuthError(
          ErrorCodes.STORE_CONFLICT,
          `${path} changed during the switch (another program wrote it). Nothing was switched; ` +
            'run the switch again.',
        );
      }
      await writeFileAtomic(path, next);
    },
    { timeoutMs: 10_000 },
  );
}
