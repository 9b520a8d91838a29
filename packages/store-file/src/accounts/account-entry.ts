import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AccountEntry,
  type AuthRecord,
  accountKeyOf,
  isCodexOAuthError,
} from '@codex-oauth/core/model';
import { withLock } from '../acquire-lock.js';
import { parseAuthJson } from '../auth-json.js';
import { WRITE_LOCK_FILE } from '../codex-home.js';
import { writeCredentialFile } from '../full-disk-write.js';
import { readIfExists } from '../store-read.js';
import { accountsDirOf, entryDirOf, entryFileOf, isAccountKey } from './account-paths.js';

/** An entry as read from disk: its exact text and record, or the problem that stops reading it. */
export interface EntryRead {
  readonly key: string;
  readonly path: string;
  /** The file's bytes, copied verbatim into `auth.json` by a switch. */
  readonly text: string;
  readonly record: AuthRecord | null;
  /** `CODEX_OAUTH_STORE_CORRUPT`'s message (names the file), or `null`. */
  readonly problem: string | null;
}

/** Reads the entry of `key`; `null` when it has no credentials file (never saved, or logged out). */
export async function readEntry(codexHome: string, key: string): Promise<EntryRead | null> {
  const path = entryFileOf(codexHome, key);
  let text: string | null;
  try {
    text = await readIfExists(path);
  } catch (error) {
    if (!isCodexOAuthError(error)) throw error;
    return { key, path, text: '', record: null, problem: error.message };
  }
  if (text === null) return null;
  try {
    return { key, path, text, record: parseAuthJson(text, path).record, problem: null };
  } catch (error) {
    if (!isCodexOAuthError(error)) throw error;
    return { key, path, text, record: null, problem: error.message };
  }
}

/** Every saved entry, damaged ones included (with their problem). */
export async function readEntries(codexHome: string): Promise<EntryRead[]> {
  let names: string[];
  try {
    names = await readdir(accountsDirOf(codexHome));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries = await Promise.all(
    names.filter(isAccountKey).map((key) => readEntry(codexHome, key)),
  );
  return entries.filter((entry): entry is EntryRead => entry !== null);
}

/**
 * Writes `text` (an `auth.json` as Codex or store-file wrote it) as the entry of `key`: atomic
 * (temp file, fsync, rename, 0600; in place when the disk is full, see `writeCredentialFile`)
 * under the entry's write lock, in 0700 folders. The caller holds the entry's refresh lock when
 * a refresh could race it.
 */
export async function writeEntry(codexHome: string, key: string, text: string): Promise<void> {
  const dir = entryDirOf(codexHome, key);
  await ensurePrivateDirs(codexHome, dir);
  const write = () => writeCredentialFile(join(dir, 'auth.json'), text);
  await withLock(join(dir, WRITE_LOCK_FILE), write, { timeoutMs: 10_000 });
}

/** Creates `codex-oauth/`, `accounts/` and the entry folder as 0700 (each one we create). */
async function ensurePrivateDirs(codexHome: string, dir: string): Promise<void> {
  const accounts = accountsDirOf(codexHome);
  for (const path of [join(accounts, '..'), accounts, dir]) {
    const created = await mkdir(path, { recursive: true, mode: 0o700 });
    if (created !== undefined) await chmod(path, 0o700);
  }
}

/** The record's key, or `null` (not a ChatGPT account). */
export function keyOf(record: AuthRecord | null): string | null {
  return accountKeyOf(record);
}

/** The account entries for `listAccounts`, the active one first from `auth.json`. */
export function toEntries(
  saved: readonly EntryRead[],
  active: { key: string; record: AuthRecord; path: string } | null,
): AccountEntry[] {
  const out: AccountEntry[] = saved.map((entry) => {
    const isActive = active !== null && entry.key === active.key;
    return {
      key: entry.key,
      active: isActive,
      record: isActive ? active.record : entry.record,
      saved: true,
      problem: isActive ? null : entry.problem,
      location: isActive ? active.path : entry.path,
    };
  });
  if (active !== null && !saved.some((entry) => entry.key === active.key)) {
    out.push({
      key: active.key,
      active: true,
      record: active.record,
      saved: false,
      problem: null,
      location: active.path,
    });
  }
  return out;
}
