import type { EnvironmentInfo } from '@codex-oauth/env-detect';
import { type Provider, resolveProvider } from '../protocol/provider.js';
import { type FetchLike, resolveFetch } from '../transport/http.js';
import type { SessionOptions } from './options.js';
import { mergeEnv, resolveStoreContext, type StoreContext } from './store-context.js';

/** Everything one session call works with, resolved once at its start. */
export interface SessionContext extends StoreContext {
  readonly provider: Provider;
  readonly fetch: FetchLike;
  /**
   * Detects the environment on first use (only sign-ins need it). env-detect is imported then,
   * not with core: `getAccessToken`, `refresh` and `status` never load it.
   */
  environment(): Promise<EnvironmentInfo>;
}

/**
 * Builds a call's context: merged env, provider (`resolveProvider`, so `'oidc'` discovers), fetch
 * (net-ca's unless given), store (`store` or `storage`) and the store's warnings and config.
 * Performs no network request for the OpenAI provider.
 */
export async function resolveContext(options: SessionOptions): Promise<SessionContext> {
  const env = mergeEnv(options.env);
  const fetch = resolveFetch({
    fetch: options.fetch,
    env,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const [provider, storeContext] = await Promise.all([
    resolveProvider({
      ...(options.provider !== undefined && { provider: options.provider }),
      ...(options.issuer !== undefined && { issuer: options.issuer }),
      ...(options.clientId !== undefined && { clientId: options.clientId }),
      env,
      fetch,
      ...(options.signal && { signal: options.signal }),
    }),
    resolveStoreContext(options, env),
  ]);
  let detected: Promise<EnvironmentInfo> | undefined;
  return {
    ...storeContext,
    provider,
    fetch,
    environment() {
      detected ??= import('@codex-oauth/env-detect').then(({ detectEnvironment }) =>
        detectEnvironment({
          ...options.environment,
          env: options.environment?.env ?? env,
          ...(options.interactive !== undefined && { interactive: options.interactive }),
        }),
      );
      return detected;
    },
  };
}
