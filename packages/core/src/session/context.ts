import { detectEnvironment, type EnvironmentInfo } from '@codex-oauth/env-detect';
import { type FetchLike, resolveFetch } from '../http.js';
import { type Provider, resolveProvider } from '../provider.js';
import type { SessionOptions } from './options.js';
import { resolveStore, type SessionStore, type SignInConfig } from './resolve-store.js';

/** Everything one session call works with, resolved once at its start. */
export interface SessionContext {
  /** `options.env` merged over `process.env` (undefined values dropped). */
  readonly env: Record<string, string | undefined>;
  readonly provider: Provider;
  readonly fetch: FetchLike;
  readonly store: SessionStore;
  /** Codex's sign-in restrictions, when the store reads `config.toml` (store-file). */
  readonly config: SignInConfig;
  /** Store warnings (keyring config, lock fallback, loose file mode): copied into results. */
  readonly warnings: string[];
  /** Detects the environment on first use (only sign-ins need it). */
  environment(): EnvironmentInfo;
}

/**
 * Builds a call's context: merged env, provider (`resolveProvider`, so `'oidc'` discovers), fetch
 * (net-ca's unless given), store (`store` or `storage`) and the store's warnings and config.
 * Performs no network request for the OpenAI provider.
 */
export async function resolveContext(options: SessionOptions): Promise<SessionContext> {
  const env = mergeEnv(options.env);
  const fetch = resolveFetch({ fetch: options.fetch, env });
  const [provider, store] = await Promise.all([
    resolveProvider({
      ...(options.provider !== undefined && { provider: options.provider }),
      ...(options.issuer !== undefined && { issuer: options.issuer }),
      ...(options.clientId !== undefined && { clientId: options.clientId }),
      env,
      fetch,
      ...(options.signal && { signal: options.signal }),
    }),
    resolveStore(options, env),
  ]);
  const described = store.describe?.();
  const config = store.config?.();
  const warnings = [...(described?.warnings ?? [])];
  // store-file's describe() already includes the config warnings; add any it did not.
  for (const warning of config?.warnings ?? []) {
    if (!warnings.includes(warning)) warnings.push(warning);
  }
  let detected: EnvironmentInfo | undefined;
  return {
    env,
    provider,
    fetch,
    store,
    config: {
      forcedWorkspaceIds: config?.forcedWorkspaceIds ?? null,
      forcedLoginMethod: config?.forcedLoginMethod ?? null,
    },
    warnings,
    environment() {
      detected ??= detectEnvironment({
        ...options.environment,
        env: options.environment?.env ?? env,
        ...(options.interactive !== undefined && { interactive: options.interactive }),
      });
      return detected;
    },
  };
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
