import * as oauth from 'oauth4webapi';
import { refusedRevocation } from '../refusals.js';
import type { RevokeResult, StepContext } from '../strategy.js';
import { type OidcProfile, oidcCall, requireEndpoint } from './provider-oidc.js';

/** RFC 7009 revocation through oauth4webapi, with `token_type_hint=refresh_token`. */
export async function revokeOidc(
  provider: OidcProfile,
  input: StepContext & { token: string },
): Promise<RevokeResult> {
  requireEndpoint(provider, 'revoke');
  const { client, auth, options } = oidcCall(provider, input.fetch, input.signal);
  const response = await oauth.revocationRequest(provider.server, client, auth, input.token, {
    ...options,
    additionalParameters: { token_type_hint: 'refresh_token' },
  });
  if (!response.ok) return refusedRevocation(response);
  await oauth.processRevocationResponse(response);
  return { revoked: true, status: response.status };
}
