import { readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';
import { type ParsedAuthJson, parseAuthJson } from './auth-json.js';
import { AUTH_FILE, LEGACY_CREDENTIALS_FILE } from './codex-home.js';
import { fs } from './node-fs.js';

/** What is stored in a `CODEX_HOME` right now, and which file it came from. */
export interface StoredAuth extends ParsedAuthJson {
  /** The file read: `auth.json`, or `.credentials.json` when `auth.json` is absent. */
  path: string;
}

/**
 * Reads the credentials of `codexHome`: `auth.json`, else `.credentials.json` (same schema), else
 * `null`. A file that exists but cannot be read or parsed is `CODEX_OAUTH_STORE_CORRUPT`.
 */
export async function readStoredAuth(codexHome: string): Promise<StoredAuth | null> {
  for (const name of [AUTH_FILE, LEGACY_CREDENTIALS_FILE]) {
    const path = join(codexHome, name);
    const text = await readIfExists(path);
    if (text !== null) return { ...parseAuthJson(text, path), path };
  }
  return null;
}

/** The file's text, or `null` when it (or its directory) does not exist. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new CodexOAuthError(
      ErrorCodes.STORE_CORRUPT,
      `${path} exists but cannot be read (${code}). Check its owner and permissions; it was ` +
        'left untouched.',
      { cause },
    );
  }
}

/**
 * Renames `path` to `<path>.bak-<UTC time>` (a free name), so a file we cannot parse is kept for
 * the user instead of being overwritten. Returns the new path, or `null` when `path` is absent.
 */
export async function moveFileAside(path: string, now: Date = new Date()): Promise<string | null> {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let n = 0; ; n++) {
    const target = `${path}.bak-${stamp}${n === 0 ? '' : `-${n}`}`;
    if (await exists(target)) continue;
    try {
      await rename(path, target);
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new CodexOAuthError(
        ErrorCodes.STORE_WRITE_FAILED,
        `Could not move ${path} aside (${(err as NodeJS.ErrnoException).code}). Check that you ` +
          'may write to its directory.',
        { cause: err },
      );
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Logout semantics: delete a file we can parse; move aside one we cannot (keep the evidence). */
export async function removeCredentials(file: string): Promise<boolean> {
  let text: string | null;
  try {
    text = await readIfExists(file);
  } catch {
    text = '';
  }
  if (text === null) return false;
  try {
    parseAuthJson(text, file);
  } catch {
    return (await moveFileAside(file)) !== null;
  }
  try {
    await unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CodexOAuthError(
      ErrorCodes.STORE_WRITE_FAILED,
      `Could not remove ${file} (${(err as NodeJS.ErrnoException).code}). Check that you may ` +
        'write to its directory.',
      { cause: err },
    );
  }
}

/** True when `path` is an existing directory. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The mode of `path` as `0644` when group or others may access it, else `null`. */
export function looseMode(path: string): string | null {
  if (process.platform === 'win32') return null;
  try {
    const mode = fs.statSync(path).mode & 0o777;
    return (mode & 0o077) !== 0 ? `0${mode.toString(8)}` : null;
  } catch {
    return null;
  }
}
