import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import type { TokenStore } from '../store/token-store.js';
import { normalizeStorage, type SessionOptions } from './options.js';
import { chooseStorage, type FileStoreModule, type KeyringStoreModule } from './storage-choice.js';

/** The sign-in settings of Codex's `config.toml` that a store may expose (store-file does). */
export interface SignInConfig {
  /** `forced_chatgpt_workspace_id`, as a list, or `null`. */
  forcedWorkspaceIds: string[] | null;
  /** `forced_login_method`, or `null`. */
  forcedLoginMethod: 'chatgpt' | 'api' | null;
}

/** A store as the session sees it: the contract, plus the file store's optional extras. */
export type SessionStore = TokenStore & {
  readonly path?: string;
  config?(): SignInConfig & { warnings?: readonly string[] };
  stop?(): void;
};

// `storage: 'memory'` without a `store` shares one store per process, so `login` then `status`
// see the same session; logout stops it and the next call starts a fresh one.
let sharedMemory: Promise<SessionStore> | undefined;

/**
 * Resolves the store of a call: the `store` option wins; otherwise `storage` picks store-file,
 * store-keyring (see `chooseStorage`) or store-memory, imported dynamically so core never depends on a store statically. A missing
 * package is `CODEX_OAUTH_STORE_MISSING` naming what to install.
 */
export async function resolveStore(
  options: SessionOptions,
  env: Record<string, string | undefined>,
): Promise<SessionStore> {
  if (options.store) return options.store as SessionStore;
  if (normalizeStorage(options.storage) === 'memory') {
    sharedMemory ??= importStore('@codex-oauth/store-memory').then((mod) =>
      (mod as { memoryStore: () => SessionStore }).memoryStore(),
    );
    try {
      return await sharedMemory;
    } catch (error) {
      sharedMemory = undefined;
      throw error;
    }
  }
  const storage = normalizeStorage(options.storage);
  const file = (await importStore('@codex-oauth/store-file')) as FileStoreModule;
  const { store } = await chooseStorage({
    storage: storage === 'memory' ? 'file' : storage,
    ...(options.codexHome !== undefined && { codexHome: options.codexHome }),
    env,
    file,
    keyring: () => importStore('@codex-oauth/store-keyring') as Promise<KeyringStoreModule>,
  });
  return store as SessionStore;
}

/** Forgets the shared memory store if `store` is it (after logout stopped it). */
export async function forgetSharedMemoryStore(store: SessionStore): Promise<void> {
  const shared = sharedMemory;
  if (shared !== undefined && (await shared.catch(() => undefined)) === store) {
    sharedMemory = undefined;
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
