import type { SessionOptions } from './options.js';
import { resolveStore, type SessionStore, type SignInConfig } from './resolve-store.js';

/** The storage half of a session call: enough for `status`, which makes no request. */
export interface StoreContext {
  /** `options.env` merged over `process.env` (undefined values dropped). */
  readonly env: Record<string, string | undefined>;
  readonly store: SessionStore;
  /** Codex's sign-in restrictions, when the store reads `config.toml` (store-file). */
  readonly config: SignInConfig;
  /** Store warnings (keyring config, lock fallback, loose file mode): copied into results. */
  readonly warnings: string[];
}

/**
 * Resolves the store of a call (`store` or `storage`) with its warnings and sign-in config.
 * Kept apart from the provider and fetch so that `status` loads neither oauth4webapi nor the
 * network stack: it is what `codex-oauth status` runs at start-up.
 */
export async function resolveStoreContext(
  options: SessionOptions,
  env: Record<string, string | undefined> = mergeEnv(options.env),
): Promise<StoreContext> {
  const store = await resolveStore(options, env);
  const config = store.config?.();
  return {
    env,
    store,
    config: {
      forcedWorkspaceIds: config?.forcedWorkspaceIds ?? null,
      forcedLoginMethod: config?.forcedLoginMethod ?? null,
    },
    warnings: storeWarnings(store),
  };
}

/**
 * What the store warns about right now: its `describe()` warnings and its config's. Asked again
 * after a save, which may have fixed one (a loose file mode is written back as 0600).
 */
export function storeWarnings(store: SessionStore): string[] {
  const warnings = [...(store.describe?.().warnings ?? [])];
  // store-file's describe() already includes the config warnings; add any it did not.
  for (const warning of store.config?.().warnings ?? []) {
    if (!warnings.includes(warning)) warnings.push(warning);
  }
  return warnings;
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
