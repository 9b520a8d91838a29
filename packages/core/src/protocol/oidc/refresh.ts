import * as oauth from 'oauth4webapi';
import type { TokenSet } from '../../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import { refreshFailure } from '../refusals.js';
import type { StepContext } from '../strategy.js';
import { refreshedTokens } from '../token-fields.js';
import { type OidcProfile, oidcCall } from './provider-oidc.js';

/**
 * The refresh-token grant through oauth4webapi. 5xx and 429 are read like OpenAI's (transient,
 * retried by the shared loop); `invalid_grant` and 401 are permanent (`CODEX_OAUTH_REFRESH_REJECTED`).
 */
export async function refreshOidc(
  provider: OidcProfile,
  input: StepContext & { refreshToken: string },
): Promise<Partial<TokenSet>> {
  const { client, auth, options } = oidcCall(provider, input.fetch, input.signal);
  const response = await oauth.refreshTokenGrantRequest(
    provider.server,
    client,
    auth,
    input.refreshToken,
    options,
  );
  if (response.status >= 500 || response.status === 429) throw await refreshFailure(response);
  try {
    const answer = await oauth.processRefreshTokenResponse(provider.server, client, response);
    return refreshedTokens(answer as unknown as Record<string, unknown>);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) {
      const permanent = error.error === 'invalid_grant' || error.status === 401;
      throw new CodexOAuthError(
        permanent ? ErrorCodes.REFRESH_REJECTED : ErrorCodes.REFRESH_FAILED,
        permanent
          ? 'Your access token could not be refreshed: the issuer refused the refresh token. Please sign in again.'
          : `Failed to refresh token: ${error.status}: ${error.error}.`,
        {
          status: error.status,
          error: error.error,
          ...(error.error_description && { error_description: error.error_description }),
          cause: error,
        },
      );
    }
    if (error instanceof oauth.OperationProcessingError) {
      throw new CodexOAuthError(
        ErrorCodes.INVALID_RESPONSE,
        `The refresh answer does not follow the protocol (${error.message}); the stored tokens were left as they were.`,
        { cause: error },
      );
    }
    throw error;
  }
}
