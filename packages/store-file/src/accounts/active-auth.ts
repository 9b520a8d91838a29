import { join } from 'node:path';
import type { AuthRecord } from '@codex-oauth/core/model';
import { parseAuthJson } from '../auth-json.js';
import { AUTH_FILE, LEGACY_CREDENTIALS_FILE } from '../codex-home.js';
import { readIfExists } from '../store-read.js';
import { keyOf } from './account-entry.js';

/** What the Codex CLI uses now: the text and record of `auth.json` (or `.credentials.json`). */
export interface ActiveAuth {
  readonly path: string;
  /** Exactly the bytes on disk, so saving them to an entry keeps what Codex wrote. */
  readonly text: string;
  readonly record: AuthRecord;
  /** The account key; `null` for an API key or tokens that name no account. */
  readonly key: string | null;
}

/**
 * Reads the active credentials as Codex would (`auth.json`, else `.credentials.json`). `null`
 * when there are none; a file that cannot be parsed is `CODEX_OAUTH_STORE_CORRUPT`, naming it.
 */
export async function readActive(codexHome: string): Promise<ActiveAuth | null> {
  for (const name of [AUTH_FILE, LEGACY_CREDENTIALS_FILE]) {
    const path = join(codexHome, name);
    const text = await readIfExists(path);
    if (text === null) continue;
    const { record } = parseAuthJson(text, path);
    return { path, text, record, key: keyOf(record) };
  }
  return null;
}

/** The active account's key, or `null` when none (or `auth.json` cannot be read: not this one). */
export async function activeKey(codexHome: string): Promise<string | null> {
  try {
    return (await readActive(codexHome))?.key ?? null;
  } catch {
    return null;
  }
}
