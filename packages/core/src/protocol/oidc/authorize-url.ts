import type { OidcProfile } from './provider-oidc.js';

/**
 * A standard authorization-code + PKCE URL. `prompt=consent` accompanies `offline_access`
 * because OIDC Core §11 makes issuers drop that scope (and the refresh token) without it.
 */
export function oidcAuthorizeUrl(
  provider: OidcProfile,
  redirectUri: string,
  codeChallenge: string,
  state: string,
): string {
  const url = new URL(provider.endpoints.authorize);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('code_challenge', codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('scope', provider.scope);
  if (provider.scope.split(' ').includes('offline_access'))
    url.searchParams.set('prompt', 'consent');
  return url.href;
}
