import { join } from 'node:path';
import {
  CodexOAuthError,
  type DefinedTokenStore,
  defineTokenStore,
  ErrorCodes,
  type LockCallOptions,
  type SignInPolicy,
  type TokenStore,
} from '@codex-oauth/core/model';
import { acquireLock, type LockOptions } from './acquire-lock.js';
import { ensureDirectory, writeFailed } from './atomic-write.js';
import { watchCredentialFiles } from './auth-watch.js';
import { expectedLockBackend } from './backend.js';
import { type CodexConfig, codexConfigReader } from './codex-config.js';
import {
  AUTH_FILE,
  type CodexHomeOptions,
  REFRESH_CLAIM_FILE,
  REFRESH_LOCK_FILE,
  resolveCodexHome,
  WRITE_LOCK_FILE,
} from './codex-home.js';
import { credentialFiles } from './credential-files.js';
import { writeCredentialFile } from './full-disk-write.js';
import { isDirectory, looseMode } from './store-read.js';

/** Options for {@link fileStore}. */
export interface FileStoreOptions extends CodexHomeOptions {
  /** Longest wait for `auth.json.lock` (Codex holds it for a write, about a millisecond). Default 10 s. */
  writeLockTimeoutMs?: number;
  /** Longest wait for `auth.lock` in `withLock` (held for a whole refresh). Default 60 s. */
  refreshLockTimeoutMs?: number;
}

/** The `auth.json` store: a {@link TokenStore} plus the file-specific extras. */
export interface FileStore extends DefinedTokenStore {
  readonly kind: 'file';
  /** The resolved `CODEX_HOME`. */
  readonly codexHome: string;
  /** `$CODEX_HOME/auth.json`. */
  readonly path: string;
  /**
   * Renames the credentials file (`auth.json`, else `.credentials.json`) to
   * `<name>.bak-<UTC time>` under the write lock and returns the new path, or `null` when there
   * was none. `login --force` calls it over a file we cannot parse.
   */
  quarantine(): Promise<string | null>;
  /** The same as {@link FileStore.quarantine} (its name before the store contract declared it). */
  moveAside(): Promise<string | null>;
  /** The `config.toml` settings that matter for sign-in. */
  config(): CodexConfig;
  /** `auth.json`, the lock-fallback, config and file-mode warnings, and config.toml's sign-in policy. */
  describe(): { location: string; warnings: string[]; signIn: SignInPolicy };
}

/**
 * Stores credentials in `$CODEX_HOME/auth.json`, byte-compatible with the Codex CLI 0.169 and
 * under the same kernel locks (`auth.lock` for refreshes, `auth.json.lock` for writes), so Codex
 * processes and ours never tear or lose each other's writes. Built on `defineTokenStore`: the
 * driver below keeps the file's text, the codec is Codex's byte layout.
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
  const files = credentialFiles(codexHome);
  const writeWait = { timeoutMs: options.writeLockTimeoutMs ?? 10_000 };
  const readConfig = codexConfigReader(codexHome);

  const underWriteLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    await prepare(codexHome);
    return underLock(join(codexHome, WRITE_LOCK_FILE), fn, writeWait);
  };

  const store = defineTokenStore(
    {
      kind: 'file',
      capabilities: { persistent: true, crossProcessLock: true },
      read: () => files.read(),
      write: (value, expected) =>
        underWriteLock(async () => {
          // The compare runs under auth.json.lock, which Codex takes for its writes too.
          if (expected !== undefined && (await files.read()) !== expected) return false;
          await writeCredentialFile(path, value);
          return true;
        }),
      async remove() {
        if (!(await isDirectory(codexHome))) return false;
        return underWriteLock(() => files.remove());
      },
      async lock<T>(fn: () => Promise<T>, call: LockCallOptions = {}): Promise<T> {
        await prepare(codexHome);
        const wait: LockOptions = {
          timeoutMs: options.refreshLockTimeoutMs ?? 60_000,
          ...(call.signal && { signal: call.signal }),
        };
        const refreshLock = () => underLock(join(codexHome, REFRESH_LOCK_FILE), fn, wait);
        const ready = call.prepare;
        if (!ready) return refreshLock();
        // The claim is ours alone: it orders our processes while one of them loads its
        // transport, so Codex's auth.lock is held only for the re-read, request and write.
        // Its waiters are woken by auth.json's rotation (the refresh coordinator watches the
        // directory), not by the claim: they poll it slowly, and only matter when its holder
        // ended without a rotation (a failure, or nothing was due).
        return underLock(
          join(codexHome, REFRESH_CLAIM_FILE),
          async () => {
            await ready();
            return refreshLock();
          },
          { ...wait, maxDelayMs: CLAIM_POLL_MAX_MS },
        );
      },
      watch: (onChange) => watchCredentialFiles(codexHome, onChange),
      describe: () => ({ location: path }),
    },
    { codec: files.codec },
  );

  const quarantine = async (): Promise<string | null> => {
    if (!(await isDirectory(codexHome))) return null;
    return underWriteLock(() => files.moveAside());
  };

  return {
    ...store,
    kind: 'file',
    codexHome,
    path,
    quarantine,
    moveAside: quarantine,
    config: readConfig,
    describe() {
      const warnings: string[] = [];
      // Without loading the addon: describe() takes no lock (`status` calls it).
      const backend = expectedLockBackend();
      if (backend.kind !== 'flock' && backend.reason) warnings.push(backend.reason);
      const config = readConfig();
      warnings.push(...config.warnings);
      const loose = looseMode(path);
      if (loose !== null) {
        warnings.push(
          `${path} has mode ${loose}, readable by other users; codex-oauth writes it back as 0600 ` +
            `on its next save. Run chmod 600 "${path}" to fix it now.`,
        );
      }
      const { forcedWorkspaceIds, forcedLoginMethod } = config;
      return { location: path, warnings, signIn: { forcedWorkspaceIds, forcedLoginMethod } };
    },
  };
}

/**
 * Longest pause between two attempts at the claim lock. A storm's waiters return on the
 * rotation they watch for; the claim only matters when its holder ended without one (a failed
 * refresh, nothing due), and then a waiter takes its turn within this long. Each attempt costs
 * ~0.5 ms of CPU (timer, abort listeners, a flock call): every 10 ms that was ~30 attempts in a
 * ~300 ms refresh, every 50 ms still 9 ms of CPU per second of waiting; every 200 ms, ~2.5.
 */
const CLAIM_POLL_MAX_MS = 200;

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
