import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodexOAuthError,
  defineTokenStore,
  ErrorCodes,
  type SignInPolicy,
  type TokenStore,
  type TokenStoreDriver,
} from '@codex-oauth/core/model';
import { resolveKeyringHome } from './codex-home.js';
import { KEYRING_SERVICE, keyringAccount } from './entry-account.js';
import { keyringCodec } from './keyring-codec.js';
import { KEYRING_TIMEOUT_MS, keyringEntry } from './keyring-entry.js';

/**
 * A cross-process file lock: runs `fn` holding the lock on `path`. `withLock` from
 * `@codex-oauth/store-file` is one (the `flock(2)` Codex takes); the session passes it in.
 */
export type FileLockFn = <T>(
  path: string,
  fn: () => Promise<T>,
  options: { timeoutMs: number },
) => Promise<T>;

/** Options of {@link keyringStore}. */
export interface KeyringStoreOptions {
  /** The `CODEX_HOME` whose login to keep; default `CODEX_HOME`, else `~/.codex`. */
  codexHome?: string;
  /** Read for `CODEX_HOME`, `HOME` and the D-Bus session bus; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Longest wait for one keyring call; default `CODEX_OAUTH_KEYRING_TIMEOUT_MS`, else 5 000 ms. */
  timeoutMs?: number;
  /**
   * Takes Codex's `auth.lock` (refreshes) and `auth.json.lock` (writes) under `CODEX_HOME`, so
   * our processes refresh once and serialise with Codex's writes. Pass `withLock` from
   * `@codex-oauth/store-file` (`storage: 'keyring'` does). Without it, the store locks within
   * this process only and says so in `describe().warnings`.
   */
  fileLock?: FileLockFn;
  /** Longest wait for `auth.lock` (held for a whole refresh); default 60 000 ms. */
  refreshLockTimeoutMs?: number;
  /** The sign-in policy to report (Codex's `config.toml` restrictions, read by the session). */
  signIn?: () => SignInPolicy | undefined;
  /** More warnings to report (the session passes Codex's `config.toml` ones that still apply). */
  warnings?: () => readonly string[];
}

/** The keyring store: a {@link TokenStore} plus where its entry is. */
export interface KeyringStore extends TokenStore {
  readonly kind: 'keyring';
  /** The resolved `CODEX_HOME` the entry belongs to. */
  readonly codexHome: string;
  /** The keyring service, `Codex Auth`. */
  readonly service: string;
  /** The keyring account, `cli|` + 16 hex digits of the SHA-256 of the canonical `CODEX_HOME`. */
  readonly account: string;
}

/**
 * Keeps the sign-in in the OS keyring, in the entry the Codex CLI uses with
 * `cli_auth_credentials_store = "keyring"` (service `Codex Auth`, account `cli|<sha16>`, the
 * compact JSON of the `auth.json` record), so Codex reads and refreshes what we write and we
 * read and refresh what it writes. Nothing is written to `auth.json`.
 *
 * Every keyring call has a timeout and a typed error (`CODEX_OAUTH_KEYRING_UNAVAILABLE`,
 * `CODEX_OAUTH_KEYRING_LOCKED`); a damaged entry is `CODEX_OAUTH_STORE_CORRUPT` and is never
 * overwritten (`login --force` first moves it to `<account>.bak-<time>`).
 *
 * @example
 * ```ts
 * import { withLock } from '@codex-oauth/store-file';
 * const store = keyringStore({ fileLock: withLock });
 * await login({ store });
 * ```
 */
export function keyringStore(options: KeyringStoreOptions = {}): KeyringStore {
  const env = options.env ?? process.env;
  const codexHome = resolveKeyringHome(options.codexHome, env);
  const account = keyringAccount(codexHome);
  const timeoutMs = options.timeoutMs ?? timeoutFromEnv(env) ?? KEYRING_TIMEOUT_MS;
  const entry = keyringEntry({ service: KEYRING_SERVICE, account, timeoutMs, env });
  const { fileLock } = options;
  const inProcess = queueFor(account);

  const underLock = <T>(file: string, timeout: number, fn: () => Promise<T>): Promise<T> => {
    if (!fileLock) return inProcess(fn);
    // Codex creates CODEX_HOME (and the lock files in it) in keyring mode too.
    mkdirSync(codexHome, { recursive: true, mode: 0o700 });
    return fileLock(join(codexHome, file), fn, { timeoutMs: timeout });
  };
  const underWriteLock = <T>(fn: () => Promise<T>) => underLock('auth.json.lock', 10_000, fn);

  const driver: TokenStoreDriver = {
    kind: 'keyring',
    capabilities: { persistent: true, crossProcessLock: fileLock !== undefined },
    read: () => entry.get(),
    // The keyring has no compare-and-swap: the compare and the set run under Codex's write lock
    // (and our in-process queue), which every writer of ours takes.
    write: (value, expected) =>
      underWriteLock(async () => {
        const current = await entry.get();
        if (expected !== undefined && current !== expected) return false;
        await entry.set(value);
        // A new item: give it the attributes Codex gives its own (best effort).
        if (current === null) await entry.matchCodex();
        return true;
      }),
    remove: () => underWriteLock(() => entry.delete()),
    describe() {
      const warnings = fileLock
        ? []
        : [
            'The keyring store has no cross-process lock (no fileLock given): several processes ' +
              'may refresh at once. Use storage "keyring", or pass withLock from @codex-oauth/store-file.',
          ];
      return { location: entry.location, warnings };
    },
  };
  if (fileLock) {
    driver.lock = (fn) => underLock('auth.lock', options.refreshLockTimeoutMs ?? 60_000, fn);
  }
  const store = defineTokenStore(driver, { codec: keyringCodec });
  const describe = store.describe?.bind(store);
  return Object.assign(store, {
    kind: 'keyring' as const,
    codexHome,
    service: KEYRING_SERVICE,
    account,
    describe() {
      const signIn = options.signIn?.();
      const base = describe?.() ?? {};
      const warnings = [...(base.warnings ?? []), ...(options.warnings?.() ?? [])];
      return { ...base, warnings, ...(signIn && { signIn }) };
    },
    /** Moves a damaged entry to `<account>.bak-<time>` (for `login --force`), keeping it. */
    async quarantine(): Promise<string | null> {
      return underWriteLock(async () => {
        const value = await entry.get();
        if (value === null) return null;
        const stamp = new Date()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d+Z$/, 'Z');
        const aside = keyringEntry({
          service: KEYRING_SERVICE,
          account: `${account}.bak-${stamp}`,
          timeoutMs,
          env,
        });
        await aside.set(value);
        if (!(await entry.delete())) {
          throw new CodexOAuthError(
            ErrorCodes.STORE_WRITE_FAILED,
            `${entry.location} vanished while it was moved aside; nothing was lost.`,
          );
        }
        return aside.location;
      });
    },
  });
}

/** `CODEX_OAUTH_KEYRING_TIMEOUT_MS`, when it is a positive number (so the CLI can set it too). */
function timeoutFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const value = Number(env.CODEX_OAUTH_KEYRING_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

// One FIFO queue per keyring account in this process, shared by every store on that entry: the
// write lock when no file lock is given (two instances must not interleave a compare and a set).
const queues = new Map<string, <T>(fn: () => Promise<T>) => Promise<T>>();

function queueFor(account: string): <T>(fn: () => Promise<T>) => Promise<T> {
  let queue = queues.get(account);
  if (!queue) {
    let tail: Promise<unknown> = Promise.resolve();
    queue = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = tail.then(fn, fn);
      tail = run.catch(() => undefined);
      return run;
    };
    queues.set(account, queue);
  }
  return queue;
}
