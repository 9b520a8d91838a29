import { join } from 'node:path';
import {
  type AuthRecord,
  CodexOAuthError,
  ErrorCodes,
  type SaveOptions,
  storedRefreshToken,
  type TokenStore,
} from '@codex-oauth/core/model';
import { acquireLock, type LockOptions } from './acquire-lock.js';
import { ensureDirectory, writeFailed, writeFileAtomic } from './atomic-write.js';
import { parseAuthJson } from './auth-json.js';
import { serializeAuthJson } from './auth-serialize.js';
import { lockBackend } from './backend.js';
import { type CodexConfig, codexConfigReader } from './codex-config.js';
import {
  AUTH_FILE,
  type CodexHomeOptions,
  LEGACY_CREDENTIALS_FILE,
  REFRESH_LOCK_FILE,
  resolveCodexHome,
  WRITE_LOCK_FILE,
} from './codex-home.js';
import {
  isDirectory,
  looseMode,
  moveFileAside,
  readIfExists,
  readStoredAuth,
  removeCredentials,
} from './store-read.js';

/** Options for {@link fileStore}. */
export interface FileStoreOptions extends CodexHomeOptions {
  /** Longest wait for `auth.json.lock` (Codex holds it for a write, about a millisecond). Default 10 s. */
  writeLockTimeoutMs?: number;
  /** Longest wait for `auth.lock` in `withLock` (held for a whole refresh). Default 60 s. */
  refreshLockTimeoutMs?: number;
}

/** The `auth.json` store: a {@link TokenStore} plus the file-specific extras. */
export interface FileStore extends TokenStore {
  readonly kind: 'file';
  /** The resolved `CODEX_HOME`. */
  readonly codexHome: string;
  /** `$CODEX_HOME/auth.json`. */
  readonly path: string;
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Renames `auth.json` to `auth.json.bak-<UTC time>` (under the write lock) and returns the new
   * path, or `null` when there was no file. For `login --force` over a file we cannot parse.
   */
  moveAside(): Promise<string | null>;
  /** The `config.toml` settings that matter for sign-in. */
  config(): CodexConfig;
  describe(): { location: string; warnings: string[] };
}

/**
 * Stores credentials in `$CODEX_HOME/auth.json`, byte-compatible with the Codex CLI 0.169 and
 * under the same kernel locks (`auth.lock` for refreshes, `auth.json.lock` for writes), so Codex
 * processes and ours never tear or lose each other's writes.
 *
 * Throws `CODEX_OAUTH_CODEX_HOME_INVALID` at once when `CODEX_HOME` is set to a non-directory.
 *
 * @example
 * ```ts
 * const store = fileStore();                 // ~/.codex/auth.json, or $CODEX_HOME/auth.json
 * const record = await store.load();         // null when signed out
 * await store.save(next, { previousRefreshToken: storedRefreshToken(record) });
 * ```
 */
export function fileStore(options: FileStoreOptions = {}): FileStore {
  const codexHome = resolveCodexHome(options);
  const path = join(codexHome, AUTH_FILE);
  const legacyPath = join(codexHome, LEGACY_CREDENTIALS_FILE);
  const writeLock = join(codexHome, WRITE_LOCK_FILE);
  const writeWait = { timeoutMs: options.writeLockTimeoutMs ?? 10_000 };
  const readConfig = codexConfigReader(codexHome);

  const underWriteLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    await prepare(codexHome);
    return underLock(writeLock, fn, writeWait);
  };

  return {
    kind: 'file',
    capabilities: { persistent: true, crossProcessLock: true },
    codexHome,
    path,

    async load(): Promise<AuthRecord | null> {
      return (await readStoredAuth(codexHome))?.record ?? null;
    },

    async save(record: AuthRecord, saveOptions: SaveOptions = {}): Promise<void> {
      await underWriteLock(async () => {
        // Re-read inside the lock: the compare-and-swap and the merge use what is on disk now.
        // A file we cannot parse throws here, so it is never overwritten.
        const text = await readIfExists(path);
        const onDisk = text === null ? null : parseAuthJson(text, path);
        const expected = saveOptions.previousRefreshToken;
        if (expected !== undefined) {
          const current = onDisk ?? (await readStoredAuth(codexHome));
          if (storedRefreshToken(current?.record ?? null) !== expected) {
            throw new CodexOAuthError(
              ErrorCodes.STORE_CONFLICT,
              `${path} changed since it was read (another process refreshed or signed in). ` +
                'Load it again and retry.',
            );
          }
        }
        // Token extras (oauth_provenance, login_owner_id) belong to one login: keep them for a
        // refresh of that login, drop them when a new sign-in replaces it.
        const sameLogin =
          onDisk?.record.tokens != null &&
          (expected !== undefined ||
            onDisk.record.tokens.refreshToken === record.tokens?.refreshToken);
        const serialized = serializeAuthJson(record, onDisk?.raw, { keepTokenExtras: sameLogin });
        await writeFileAtomic(path, serialized);
      });
    },

    async clear(): Promise<boolean> {
      if (!(await isDirectory(codexHome))) return false;
      return underWriteLock(async () => {
        let removed = false;
        for (const file of [path, legacyPath]) {
          removed = (await removeCredentials(file)) || removed;
        }
        return removed;
      });
    },

    async withLock<T>(fn: () => Promise<T>): Promise<T> {
      await prepare(codexHome);
      return underLock(join(codexHome, REFRESH_LOCK_FILE), fn, {
        timeoutMs: options.refreshLockTimeoutMs ?? 60_000,
      });
    },

    async moveAside(): Promise<string | null> {
      if (!(await isDirectory(codexHome))) return null;
      return underWriteLock(() => moveFileAside(path));
    },

    config: readConfig,

    describe() {
      const warnings: string[] = [];
      const backend = lockBackend();
      if (backend.kind !== 'flock' && backend.reason) warnings.push(backend.reason);
      warnings.push(...readConfig().warnings);
      const loose = looseMode(path);
      if (loose !== null) {
        warnings.push(
          `${path} has mode ${loose}, readable by other users; codex-oauth writes it back as 0600 ` +
            `on its next save. Run chmod 600 "${path}" to fix it now.`,
        );
      }
      return { location: path, warnings };
    },
  };
}

/**
 * Runs `fn` under the lock at `lockPath`. A system error while opening the lock file (a
 * read-only or full CODEX_HOME) is `CODEX_OAUTH_STORE_WRITE_FAILED`, like any failed write;
 * errors of `fn` and the lock layer's own (busy, timeout, abort) pass through unchanged.
 */
async function underLock<T>(lockPath: string, fn: () => Promise<T>, wait: LockOptions): Promise<T> {
  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lock = await acquireLock(lockPath, wait);
  } catch (cause) {
    throw isSystemError(cause) ? writeFailed(lockPath, cause) : cause;
  }
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

function isSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

async function prepare(codexHome: string): Promise<void> {
  try {
    await ensureDirectory(codexHome);
  } catch (cause) {
    throw new CodexOAuthError(
      ErrorCodes.STORE_WRITE_FAILED,
      `Could not create ${codexHome} (${(cause as NodeJS.ErrnoException).code}). Check that ` +
        'its parent exists and that you may write to it, or set CODEX_HOME.',
      { cause },
    );
  }
}
