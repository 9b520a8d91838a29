import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { type FetchLike, resolveFetch } from '../transport/http.js';
import { transportOf } from '../transport/transport.js';
import { discoverOidcProfile } from './oidc/on-demand.js';
import type { OidcProfile } from './oidc/provider-oidc.js';
import { oidcStrategy } from './oidc/strategy.js';
import { type OpenAIProfile, openaiProfile } from './openai/provider-openai.js';
import { openaiStrategy } from './openai/strategy.js';
import type { ProviderStrategy } from './strategy.js';

/** Who we sign in with: OpenAI's own wire format (SPEC.md §4) or any OIDC issuer (§5). */
export type Provider = OpenAIProfile | OidcProfile;

/** True for a standard OIDC issuer; everything else speaks OpenAI's dialect. */
export function isOidcProvider(provider: Provider): provider is OidcProfile {
  return (provider as { kind?: unknown }).kind === 'oidc';
}

/**
 * The strategy that speaks `provider`'s protocol: the one place that looks at the profile's
 * `kind` (a profile without `kind: 'oidc'` speaks OpenAI's dialect).
 */
export function strategyOf(provider: Provider): ProviderStrategy<Provider> {
  return (isOidcProvider(provider) ? oidcStrategy : openaiStrategy) as ProviderStrategy<Provider>;
}

/** Options of {@link resolveProvider}. */
export interface ResolveProviderOptions {
  /** `'openai'` (default), `'oidc'` (discovered from `issuer`), or a ready profile object. */
  provider?: 'openai' | 'oidc' | Provider;
  /** Issuer URL. For `openai` default env `CODEX_OAUTH_ISSUER`, else `https://auth.openai.com`. */
  issuer?: string;
  /** Client id. For `openai` default Codex's; required for `oidc`. */
  clientId?: string;
  /** `originator` header and parameter (`openai` only). */
  originator?: string;
  /** Scope for `oidc`. */
  scope?: string;
  /** Environment record (issuer and endpoint overrides, CA variables). */
  env?: Record<string, string | undefined>;
  /** Transport for discovery; default net-ca's. */
  fetch?: FetchLike;
  /** Cancels discovery. */
  signal?: AbortSignal;
}

/**
 * Turns the `provider` option into a profile. `'oidc'` performs discovery (one request), the
 * others are pure.
 *
 * @example
 * ```ts
 * const provider = await resolveProvider({ provider: 'oidc', issuer, clientId: 'cli' });
 * ```
 */
export async function resolveProvider(options: ResolveProviderOptions = {}): Promise<Provider> {
  const choice = options.provider ?? 'openai';
  if (typeof choice === 'object') return choice;
  if (choice === 'openai') {
    return openaiProfile({
      ...(options.issuer !== undefined && { issuer: options.issuer }),
      ...(options.clientId !== undefined && { clientId: options.clientId }),
      ...(options.originator !== undefined && { originator: options.originator }),
      ...(options.env !== undefined && { env: options.env }),
    });
  }
  if (choice !== 'oidc') {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `Unknown provider ${JSON.stringify(choice)}: use 'openai', 'oidc' or a profile object.`,
    );
  }
  if (!options.issuer || !options.clientId) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      "provider 'oidc' needs both `issuer` and `clientId` (a public client registered with the issuer).",
    );
  }
  return discoverOidcProfile({
    issuer: options.issuer,
    clientId: options.clientId,
    ...(options.scope !== undefined && { scope: options.scope }),
    fetch: options.fetch ? transportOf(options.fetch) : resolveFetch({ env: options.env }),
    ...(options.signal && { signal: options.signal }),
  });
}
