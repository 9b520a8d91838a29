import * as oauth from 'oauth4webapi';
import type { TokenSet } from '../../model/auth-record.js';
import { ErrorCodes } from '../../model/errors.js';
import type { StepContext } from '../strategy.js';
import { requireTokens } from '../token-fields.js';
import { fromOauth4webapi, type OidcProfile, oidcCall } from './provider-oidc.js';

/**
 * The authorization-code grant through oauth4webapi (request, then its response processing,
 * which also validates the ID token's claims).
 */
export async function exchangeOidcCode(
  provider: OidcProfile,
  input: StepContext & { code: string; redirectUri: string; codeVerifier: string },
): Promise<TokenSet> {
  const { client, auth, options } = oidcCall(provider, input.fetch, input.signal);
  try {
    // The loopback server has already matched `state`; oauth4webapi only accepts callback
    // parameters it validated itself, so hand it what it needs to re-validate them.
    const params = new URLSearchParams({ code: input.code });
    if (provider.server.authorization_response_iss_parameter_supported) {
      params.set('iss', provider.issuer);
    }
    const callback = oauth.validateAuthResponse(
      provider.server,
      client,
      params,
      oauth.skipStateCheck,
    );
    const response = await oauth.authorizationCodeGrantRequest(
      provider.server,
      client,
      auth,
      callback,
      input.redirectUri,
      input.codeVerifier,
      options,
    );
    const answer = await oauth.processAuthorizationCodeResponse(provider.server, client, response, {
      requireIdToken: true,
    });
    return requireTokens(answer as unknown as Record<string, unknown>);
  } catch (error) {
    throw fromOauth4webapi(error, ErrorCodes.TOKEN_EXCHANGE_FAILED, 'The code exchange');
  }
}
