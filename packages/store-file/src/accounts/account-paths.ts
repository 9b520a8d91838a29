import { join } from 'node:path';
import { AUTH_FILE } from '../codex-home.js';

/**
 * Where inactive accounts live, relative to `CODEX_HOME`: a folder of ours beside Codex's files,
 * one sub-folder per account named by its key, holding an `auth.json` in Codex's own format
 * (so an entry is byte for byte what `auth.json` held) and that folder's own `auth.lock` /
 * `auth.json.lock`. Every folder is created 0700, every file 0600.
 */
export const ACCOUNTS_DIR = join('codex-oauth', 'accounts');

/** An account key as `accountKeyOf` makes it: 16 lowercase hex digits. */
const KEY = /^[0-9a-f]{16}$/;

/** `$CODEX_HOME/codex-oauth/accounts`. */
export function accountsDirOf(codexHome: string): string {
  return join(codexHome, ACCOUNTS_DIR);
}

/** The folder of account `key` (a mini CODEX_HOME that a `fileStore` can own). */
export function entryDirOf(codexHome: string, key: string): string {
  if (!KEY.test(key)) throw new Error(`not an account key: ${JSON.stringify(key)}`);
  return join(accountsDirOf(codexHome), key);
}

/** The credentials file of account `key`. */
export function entryFileOf(codexHome: string, key: string): string {
  return join(entryDirOf(codexHome, key), AUTH_FILE);
}

/** Whether a folder name in the accounts folder is an account (anything else is ignored). */
export function isAccountKey(name: string): boolean {
  return KEY.test(name);
}
