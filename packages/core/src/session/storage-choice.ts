import { ErrorCodes, isCodexOAuthError } from '../model/errors.js';
import type { TokenStore } from '../store/token-store.js';

/** The parts of `@codex-oauth/store-file` that choosing a store needs. */
export interface FileStoreModule {
  fileStore(options: {
    codexHome?: string;
    env?: Record<string, string | undefined>;
  }): TokenStore & { readonly codexHome: string };
  readCodexConfig(codexHome: string): { credentialsStore: string; path: string };
  withLock<T>(path: string, fn: () => Promise<T>, options: { timeoutMs: number }): Promise<T>;
}

/** The part of `@codex-oauth/store-keyring` that choosing a store needs. */
export interface KeyringStoreModule {
  keyringStore(options: {
    codexHome: string;
    env?: Record<string, string | undefined>;
    fileLock: FileStoreModule['withLock'];
    signIn?: () => ReturnType<NonNullable<TokenStore['describe']>>['signIn'];
    warnings?: () => readonly string[];
  }): TokenStore;
}

/** The store chosen for a call, and why, in words for `status` and `doctor`. */
export interface StorageChoice {
  store: TokenStore;
  /** `'file'` or `'keyring'`. */
  backend: 'file' | 'keyring';
  /** Why this backend: the option, or what Codex's `config.toml` says (and what was tried). */
  reason: string;
}

/** Options of {@link chooseStorage}. */
export interface ChooseStorageOptions {
  /** `file` and `keyring` are taken as asked; `auto` follows Codex's `config.toml`. */
  storage: 'auto' | 'file' | 'keyring';
  codexHome?: string;
  env: Record<string, string | undefined>;
  file: FileStoreModule;
  /** Loads store-keyring; rejects with `CODEX_OAUTH_STORE_MISSING` when it is not installed. */
  keyring: () => Promise<KeyringStoreModule>;
}

/**
 * Picks the store of a call the way Codex picks its own from `cli_auth_credentials_store`:
 * `file` (Codex's default) → `auth.json`; `keyring` → the OS keyring entry Codex uses;
 * `auto` → the keyring, falling back to `auth.json` when the keyring cannot be used (an error
 * or timeout, as Codex falls back) or holds nothing while `auth.json` holds a login (Codex reads
 * the file then). The fallback is reported in the store's `describe().warnings`, and the reason
 * for every choice in {@link StorageChoice.reason}.
 */
export async function chooseStorage(options: ChooseStorageOptions): Promise<StorageChoice> {
  const { file, env } = options;
  const files = file.fileStore({
    ...(options.codexHome !== undefined && { codexHome: options.codexHome }),
    env,
  });
  if (options.storage === 'file') {
    return { store: files, backend: 'file', reason: 'storage "file" was asked for' };
  }
  const config = file.readCodexConfig(files.codexHome);
  const mode = options.storage === 'keyring' ? 'keyring' : config.credentialsStore;
  const setting = `cli_auth_credentials_store = "${mode}" in ${config.path}`;
  if (mode !== 'keyring' && mode !== 'auto') {
    return {
      store: files,
      backend: 'file',
      reason:
        config.credentialsStore === 'file'
          ? 'Codex keeps its sign-in in auth.json (cli_auth_credentials_store is "file", its default)'
          : setting,
    };
  }
  const keyringFor = (mod: KeyringStoreModule) =>
    mod.keyringStore({
      codexHome: files.codexHome,
      env,
      fileLock: file.withLock,
      signIn: () => files.describe?.().signIn,
      // store-file's warnings still apply (a config.toml that does not parse, the lock fallback:
      // the keyring store takes the same locks), except the ones about Codex reading the keyring.
      warnings: () =>
        (files.describe?.().warnings ?? []).filter(
          (warning) =>
            !warning.includes('cli_auth_credentials_store') && !warning.includes(' has mode '),
        ),
    });
  if (mode === 'keyring') {
    const store = keyringFor(await options.keyring());
    const reason = options.storage === 'keyring' ? 'storage "keyring" was asked for' : setting;
    return { store, backend: 'keyring', reason };
  }
  // `auto`: try the keyring now, so a failure falls back before the call, not in its middle.
  let keyring: TokenStore;
  try {
    keyring = keyringFor(await options.keyring());
    if ((await keyring.load()) !== null) {
      return {
        store: keyring,
        backend: 'keyring',
        reason: `${setting}; the keyring holds the sign-in`,
      };
    }
  } catch (error) {
    if (!isCodexOAuthError(error) || !FALLBACK_CODES.has(error.code)) throw error;
    const warning = fallbackWarning(setting, error.message, files);
    return { store: withWarning(files, warning), backend: 'file', reason: warning };
  }
  if ((await files.load().catch(() => null)) !== null) {
    return {
      store: files,
      backend: 'file',
      reason: `${setting}; the keyring is empty and auth.json holds the sign-in (Codex reads it too)`,
    };
  }
  // Both empty: the first save decides, as in Codex (a keyring save that fails goes to the file).
  const reason = `${setting}; new sign-ins go to the keyring (auth.json if it cannot be written)`;
  return { store: keyringThenFile(keyring, files, setting), backend: 'keyring', reason };
}

/**
 * The keyring, switching for good to `files` (with a warning) the first time a keyring call
 * fails with a keyring error: what Codex's `auto` storage does on save. `withLock` is not retried
 * (both take the same `auth.lock`, and the work under it must not run twice).
 */
function keyringThenFile(
  keyring: TokenStore,
  files: TokenStore & { readonly codexHome: string },
  setting: string,
): TokenStore {
  let active: TokenStore = keyring;
  const use = async <T>(op: (store: TokenStore) => Promise<T>): Promise<T> => {
    try {
      return await op(active);
    } catch (error) {
      if (active !== keyring || !isCodexOAuthError(error) || !FALLBACK_CODES.has(error.code)) {
        throw error;
      }
      active = withWarning(files, fallbackWarning(setting, error.message, files));
      return op(active);
    }
  };
  const store: TokenStore = {
    get kind() {
      return active.kind;
    },
    get capabilities() {
      return active.capabilities;
    },
    get path() {
      return active.path;
    },
    load: () => use((store) => store.load()),
    save: (record, options) => use((store) => store.save(record, options)),
    clear: () => use((store) => store.clear()),
    withLock: (fn, options) => (active.withLock ? active.withLock(fn, options) : fn()),
    describe: () => active.describe?.() ?? {},
  };
  // Both live in this CODEX_HOME: where a refused refresh is remembered (refusal-memory.ts).
  return Object.assign(store, { codexHome: files.codexHome });
}

function fallbackWarning(setting: string, message: string, files: TokenStore): string {
  return (
    `${setting}, but the OS keyring cannot be used (${message.split('. ')[0]}); using ` +
    `${files.path ?? 'auth.json'}, as Codex does.`
  );
}

const FALLBACK_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.KEYRING_UNAVAILABLE,
  ErrorCodes.KEYRING_LOCKED,
  ErrorCodes.STORE_MISSING,
]);

/** A copy of `store` with one more `describe().warnings` line (the original is shared). */
function withWarning<S extends TokenStore>(store: S, warning: string): S {
  const describe = store.describe?.bind(store);
  return Object.assign({}, store, {
    describe: () => {
      const base = describe?.() ?? {};
      return { ...base, warnings: [warning, ...(base.warnings ?? [])] };
    },
  });
}
