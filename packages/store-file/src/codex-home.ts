import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CodexOAuthError, ErrorCodes } from '@codex-oauth/core/model';
import { fs } from './node-fs.js';

/** Where {@link resolveCodexHome} looks. */
export interface CodexHomeOptions {
  /** An explicit directory; wins over everything. Created 0700 on the first write if missing. */
  codexHome?: string;
  /** The environment to read `CODEX_HOME` (and `HOME`) from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The name of the credentials file inside `CODEX_HOME`, as Codex names it. */
export const AUTH_FILE = 'auth.json';
/** The file read when `auth.json` is absent (written by some older tools; same schema). */
export const LEGACY_CREDENTIALS_FILE = '.credentials.json';
/** Codex's refresh lock: held for a whole refresh (re-read, network call, write). */
export const REFRESH_LOCK_FILE = 'auth.lock';
/**
 * codex-oauth's own claim on a refresh, taken before `auth.lock` while the HTTP stack loads, so
 * that of many of our processes only one loads it and the rest wait (Codex never takes it).
 */
export const REFRESH_CLAIM_FILE = 'auth.lock.claim';
/** Codex's write lock: held around each write of `auth.json`. */
export const WRITE_LOCK_FILE = 'auth.json.lock';
/** Codex's settings file, read for the credential store mode and login restrictions. */
export const CONFIG_FILE = 'config.toml';

/**
 * Finds `CODEX_HOME` the way the Codex CLI does:
 *
 * 1. the `codexHome` option (made absolute; it may not exist yet, but when it exists it must be a
 *    directory: a regular file there would let a whole sign-in run and then fail to save);
 * 2. else `CODEX_HOME` when set and non-empty: it **must** be an existing directory (Codex refuses
 *    to start otherwise), and like Codex we use its canonical path;
 * 3. else `~/.codex` (`HOME` from `env` when given, else `os.homedir()`), created on first write.
 *
 * Throws `CODEX_OAUTH_CODEX_HOME_INVALID` when `CODEX_HOME` names nothing or a non-directory, or
 * the `codexHome` option names something that is not a directory.
 *
 * @example
 * ```ts
 * const home = resolveCodexHome(); // '/home/me/.codex'
 * ```
 */
export function resolveCodexHome(options: CodexHomeOptions = {}): string {
  if (options.codexHome !== undefined && options.codexHome !== '')
    return checkedOptionHome(resolve(options.codexHome));
  const env = options.env ?? process.env;
  const fromEnv = env.CODEX_HOME;
  if (fromEnv !== undefined && fromEnv !== '') return checkedEnvHome(fromEnv);
  const home = (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
  return join(home, '.codex');
}

function checkedOptionHome(path: string): string {
  let isDirectory: boolean;
  try {
    isDirectory = fs.statSync(path).isDirectory();
  } catch {
    // Missing is fine (created 0700 on the first write); unreadable is the write's to report.
    return path;
  }
  if (!isDirectory) {
    throw new CodexOAuthError(
      ErrorCodes.CODEX_HOME_INVALID,
      `The Codex home "${path}" (--codex-home or the codexHome option) is not a directory. ` +
        'Point it at a directory (a missing one is created) or leave it out to use CODEX_HOME or ~/.codex.',
    );
  }
  return path;
}

function checkedEnvHome(path: string): string {
  let isDirectory: boolean;
  try {
    isDirectory = fs.statSync(path).isDirectory();
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'that path does not exist' : `it cannot be read (${code})`;
    throw new CodexOAuthError(
      ErrorCodes.CODEX_HOME_INVALID,
      `CODEX_HOME points to "${path}", but ${problem}. Create the directory ` +
        `(mkdir -m 700 "${path}") or unset CODEX_HOME to use ~/.codex.`,
      { cause },
    );
  }
  if (!isDirectory) {
    throw new CodexOAuthError(
      ErrorCodes.CODEX_HOME_INVALID,
      `CODEX_HOME points to "${path}", but that path is not a directory. Point CODEX_HOME at a ` +
        'directory or unset it to use ~/.codex.',
    );
  }
  // Codex canonicalizes an explicit CODEX_HOME; so do we, so both name the same files.
  return fs.realpathSync(path);
}
