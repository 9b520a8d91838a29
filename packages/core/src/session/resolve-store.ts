import { resolveAccountStore } from '../accounts/accounts-api.js';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import type { TokenStore } from '../store/token-store.js';
import { normalizeStorage, type SessionOptions } from './options.js';
import { chooseStorage, type FileStoreModule, type KeyringStoreModule } from './storage-choice.js';

type FileStoreStore = ReturnType<FileStoreModule['fileStore']>;

/** What a built-in store is made from: the call's `codexHome` option and merged environment. */
interface StoreInput {
  readonly codexHome: string | undefined;
  readonly env: Record<string, string | undefined>;
}

/** One `storage` name: the package that provides it and how a store is made from it. */
interface BuiltInStore {
  /** The store package, an optional peer of core, imported only when this storage is used. */
  readonly specifier: string;
  /** The function of that package that makes the store. */
  readonly factory: string;
  /** Its argument, from the call's inputs. */
  options(input: StoreInput): unknown;
  /**
   * The inputs that decide where the store keeps its record: calls with the same key share one
   * store object, so single-flight refresh (keyed on the store) spans them.
   */
  key(input: StoreInput): string;
  /**
   * Builds the store from the imported package when one factory call is not enough (`auto` and
   * `keyring` start from store-file and may add store-keyring); `factory` is what it starts with.
   */
  compose?(module: unknown, input: StoreInput): Promise<TokenStore>;
}

// storage name → package and factory. Add a row for a new built-in store; `normalizeStorage`
// names the rows, so the compiler asks for one when a storage name is added there.
const BUILT_IN: Record<ReturnType<typeof normalizeStorage>, BuiltInStore> = {
  file: {
    specifier: '@codex-oauth/store-file',
    factory: 'fileStore',
    options: fileOptions,
    key: homeKey,
  },
  // `auto` follows Codex's config.toml (file, keyring, or keyring with the file as fallback);
  // `keyring` is Codex's keyring entry. Both start from store-file, which resolves CODEX_HOME,
  // reads config.toml and lends its auth.lock flock (a store package never imports another).
  auto: {
    specifier: '@codex-oauth/store-file',
    factory: 'fileStore',
    options: fileOptions,
    key: homeKey,
    compose: (module, input) => choose('auto', module, input),
  },
  keyring: {
    specifier: '@codex-oauth/store-file',
    factory: 'fileStore',
    options: fileOptions,
    key: homeKey,
    compose: (module, input) => choose('keyring', module, input),
  },
  // One memory store per process (the key is empty on purpose), so `login` then `status` see the
  // same session; logout disposes it and the next call starts a fresh one. Process-wide, not per
  // `codexHome` or user: the option's TSDoc and both READMEs tell hosts with several users to pass
  // one `store: memoryStore()` per session instead (test/session-memory-scope.test.ts).
  // Why not a key per call: a memory store has no location to key on; any key a host picked
  // (a user id) is exactly what holding its own `memoryStore()` per session already gives it,
  // without a process-wide map that keeps every user's tokens until logout.
  memory: {
    specifier: '@codex-oauth/store-memory',
    factory: 'memoryStore',
    options: () => undefined,
    key: () => '',
  },
  // One Redis key per signed-in user; a host with many users passes `store: redisStore(...)`.
  redis: {
    specifier: '@codex-oauth/store-redis',
    factory: 'redisStore',
    options: ({ env }) => {
      if (!env.CODEX_OAUTH_REDIS_URL) {
        throw new CodexOAuthError(
          ErrorCodes.INVALID_OPTION,
          "storage: 'redis' needs CODEX_OAUTH_REDIS_URL (redis://host:port, rediss:// for TLS) " +
            'in the environment, or pass `store: redisStore({ url, key })`.',
        );
      }
      return {
        url: env.CODEX_OAUTH_REDIS_URL,
        key: env.CODEX_OAUTH_REDIS_KEY || 'codex-oauth:default',
      };
    },
    key: ({ env }) => JSON.stringify([env.CODEX_OAUTH_REDIS_URL, env.CODEX_OAUTH_REDIS_KEY]),
  },
};

/** store-file's options, from the call's inputs. */
function fileOptions({ codexHome, env }: StoreInput) {
  return { ...(codexHome !== undefined && { codexHome }), env };
}

/** What resolveCodexHome reads. */
function homeKey({ codexHome, env }: StoreInput): string {
  return JSON.stringify(
    [codexHome, env.CODEX_HOME, env.HOME, env.USERPROFILE].map((v) => v ?? null),
  );
}

/** The `auto` / `keyring` store: store-file's module and, when the choice needs it, store-keyring's. */
async function choose(
  storage: 'auto' | 'keyring',
  module: unknown,
  input: StoreInput,
): Promise<TokenStore> {
  // The file store is the `file` row's own object, so `auto` on a file login is that store.
  const files = await resolveStore({ storage: 'file', codexHome: input.codexHome }, input.env);
  const choice = await chooseStorage({
    storage,
    ...fileOptions(input),
    file: { ...(module as FileStoreModule), fileStore: () => files as FileStoreStore },
    keyring: () => importStore('@codex-oauth/store-keyring') as Promise<KeyringStoreModule>,
  });
  return choice.store;
}

/** Builds the store of `row` from its imported package. */
function create(row: BuiltInStore, module: unknown, input: StoreInput): TokenStore {
  const make = (module as Record<string, unknown> | null)?.[row.factory];
  if (typeof make !== 'function') {
    throw new CodexOAuthError(
      ErrorCodes.STORE_MISSING,
      `${row.specifier} does not export ${row.factory}(): install a version that matches ` +
        '@codex-oauth/core.',
    );
  }
  return make(row.options(input)) as TokenStore;
}

// Built-in stores, resolved once per process per location (`name:key`).
const resolved = new Map<string, Promise<TokenStore>>();

/**
 * Resolves the store of a call: the `store` option wins; otherwise `storage` picks a built-in
 * store package from the table above, imported dynamically so core never depends on a store
 * statically, and built once per process per location. A missing package is
 * `CODEX_OAUTH_STORE_MISSING` naming what to install.
 */
export async function resolveStore(
  options: SessionOptions,
  env: Record<string, string | undefined>,
): Promise<TokenStore> {
  // `account` / `addAccount` (issue 20): the accounts backend's store for that account.
  const forAccount = await resolveAccountStore(options, env);
  if (forAccount) return forAccount;
  if (options.store) return options.store;
  const name = normalizeStorage(options.storage);
  const row = BUILT_IN[name];
  const input: StoreInput = { codexHome: options.codexHome, env };
  const key = `${name}:${row.key(input)}`;
  let store = resolved.get(key);
  if (!store) {
    store = importStore(row.specifier).then((module) =>
      row.compose ? row.compose(module, input) : create(row, module, input),
    );
    resolved.set(key, store);
  }
  try {
    return await store;
  } catch (error) {
    // A failed import or a bad CODEX_HOME is not remembered: the next call tries again.
    if (resolved.get(key) === store) resolved.delete(key);
    throw error;
  }
}

/** Forgets `store` if it is a resolved built-in one (after logout disposed it). */
export async function forgetResolvedStore(store: TokenStore): Promise<void> {
  for (const [key, entry] of resolved) {
    if ((await entry.catch(() => undefined)) === store) resolved.delete(key);
  }
}

/** Imports an optional store package; a missing one is `CODEX_OAUTH_STORE_MISSING`. */
export async function importStore(specifier: string): Promise<unknown> {
  try {
    // A variable specifier keeps bundlers from inlining the optional peer.
    return await import(/* @vite-ignore */ specifier);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((cause as Error).message).includes(specifier);
    if (!missing) throw cause;
    throw new CodexOAuthError(
      ErrorCodes.STORE_MISSING,
      `This storage needs ${specifier}, which is not installed. Run: npm install ${specifier} ` +
        '(or pass your own `store`).',
      { cause },
    );
  }
}
