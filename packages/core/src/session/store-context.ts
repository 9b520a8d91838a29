import type { TokenStore } from '../store/token-store.js';
import type { SessionOptions } from './options.js';
import { resolveStore } from './resolve-store.js';

/** The sign-in restrictions of a call, from its store's `describe().signIn` (none when absent). */
export interface SignInConfig {
  /** `forced_chatgpt_workspace_id`, as a list, or `null`. */
  forcedWorkspaceIds: string[] | null;
  /** `forced_login_method`, or `null`. */
  forcedLoginMethod: 'chatgpt' | 'api' | null;
}

/** The storage half of a session call: enough for `status`, which makes no request. */
export interface StoreContext {
  /** `options.env` merged over `process.env` (undefined values dropped). */
  readonly env: Record<string, string | undefined>;
  readonly store: TokenStore;
  /** The sign-in restrictions the store declares (store-file: Codex's `config.toml`). */
  readonly config: SignInConfig;
  /** Store warnings (keyring config, lock fallback, loose file mode): copied into results. */
  readonly warnings: string[];
}

/**
 * Resolves the store of a call (`store` or `storage`) with its warnings and sign-in policy, from
 * one `describe()`. Kept apart from the provider and fetch so that `status` loads neither
 * oauth4webapi nor the network stack: it is what `codex-oauth status` runs at start-up.
 */
export async function resolveStoreContext(
  options: SessionOptions,
  env: Record<string, string | undefined> = mergeEnv(options.env),
): Promise<StoreContext> {
  const store = await resolveStore(options, env);
  const description = store.describe?.();
  const signIn = description?.signIn;
  return {
    env,
    store,
    config: {
      forcedWorkspaceIds: signIn?.forcedWorkspaceIds ? [...signIn.forcedWorkspaceIds] : null,
      forcedLoginMethod: signIn?.forcedLoginMethod ?? null,
    },
    warnings: [...(description?.warnings ?? [])],
  };
}

/**
 * What the store warns about right now (its `describe()` warnings). Asked again after a save,
 * which may have fixed one (a loose file mode is written back as 0600).
 */
export function storeWarnings(store: TokenStore): string[] {
  return [...(store.describe?.().warnings ?? [])];
}

/** `process.env` with `overrides` on top; an `undefined` override removes the variable. */
export function mergeEnv(
  overrides: Record<string, string | undefined> | undefined,
): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...process.env };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) delete merged[key];
    else merged[key] = String(value);
  }
  return merged;
}
