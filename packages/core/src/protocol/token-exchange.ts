import * as oauth from 'oauth4webapi';
import type { TokenSet } from '../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import {
  describeOAuthError,
  type FetchLike,
  postForm,
  readJson,
  readOAuthError,
} from '../transport/http.js';
import { fromOauth4webapi, type OidcProfile, oidcCall } from './oidc/provider-oidc.js';
import { isOidcProvider, type Provider } from './provider.js';

/** Options of {@link exchangeAuthorizationCode}. */
export interface ExchangeCodeOptions {
  /** Transport. */
  fetch: FetchLike;
  /** Whose token endpoint. */
  provider: Provider;
  /** The authorization code from the callback (or the device grant). */
  code: string;
  /** The exact `redirect_uri` the code was issued for. */
  redirectUri: string;
  /** The PKCE verifier matching the authorize request's challenge. */
  codeVerifier: string;
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
}

/**
 * Makes the OpenAI code-exchange request: `POST {issuer}/oauth/token`, form fields
 * `grant_type, code, redirect_uri, client_id, code_verifier` in that order, no originator or
 * user-agent header (upstream's "raw auth client", §1.6).
 */
export function tokenExchangeRequest(
  options: Omit<ExchangeCodeOptions, 'provider'> & {
    provider: { endpoints: { token: string }; clientId: string };
  },
): Promise<Response> {
  return postForm(
    options.fetch,
    options.provider.endpoints.token,
    [
      ['grant_type', 'authorization_code'],
      ['code', options.code],
      ['redirect_uri', options.redirectUri],
      ['client_id', options.provider.clientId],
      ['code_verifier', options.codeVerifier],
    ],
    { signal: options.signal },
  );
}

/**
 * Reads the code-exchange answer. A refusal becomes `CODEX_OAUTH_TOKEN_EXCHANGE_FAILED` with
 * status, `error` and a redacted description; a 2xx without all three non-empty tokens is
 * `CODEX_OAUTH_INVALID_RESPONSE`.
 */
export async function processTokenExchangeResponse(response: Response): Promise<TokenSet> {
  if (!response.ok) {
    const details = await readOAuthError(response);
    throw new CodexOAuthError(
      ErrorCodes.TOKEN_EXCHANGE_FAILED,
      `The token endpoint returned status ${details.status}: ${describeOAuthError(details)}. Start the sign-in again.`,
      {
        status: details.status,
        ...(details.error && { error: details.error }),
        ...(details.error_description && { error_description: details.error_description }),
      },
    );
  }
  return requireTokens(await readJson(response));
}

/**
 * Exchanges an authorization code for tokens: the OpenAI form request above, or for an OIDC
 * provider oauth4webapi's authorization-code grant (which also validates the ID token's claims).
 */
export async function exchangeAuthorizationCode(options: ExchangeCodeOptions): Promise<TokenSet> {
  const { provider } = options;
  if (isOidcProvider(provider)) return exchangeOidcCode(provider, options);
  return processTokenExchangeResponse(await tokenExchangeRequest(options));
}

async function exchangeOidcCode(
  provider: OidcProfile,
  options: ExchangeCodeOptions,
): Promise<TokenSet> {
  const {
    client,
    auth,
    options: requestOptions,
  } = oidcCall(provider, options.fetch, options.signal);
  try {
    // The loopback server has already matched `state`; oauth4webapi only accepts callback
    // parameters it validated itself, so hand it what it needs to re-validate them.
    const params = new URLSearchParams({ code: options.code });
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
      options.redirectUri,
      options.codeVerifier,
      requestOptions,
    );
    const answer = await oauth.processAuthorizationCodeResponse(provider.server, client, response, {
      requireIdToken: true,
    });
    return requireTokens(answer as unknown as Record<string, unknown>);
  } catch (error) {
    throw fromOauth4webapi(error, ErrorCodes.TOKEN_EXCHANGE_FAILED, 'The code exchange');
  }
}

/** Insists on three non-empty string tokens: a session without any of them cannot work. */
export function requireTokens(json: Record<string, unknown>): TokenSet {
  const { id_token: idToken, access_token: accessToken, refresh_token: refreshToken } = json;
  const missing = Object.entries({
    id_token: idToken,
    access_token: accessToken,
    refresh_token: refreshToken,
  })
    .filter(([, value]) => typeof value !== 'string' || value === '')
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      `The token endpoint's answer lacks ${missing.join(', ')}. For a generic OIDC issuer, make sure the client may use the offline_access scope.`,
    );
  }
  return {
    idToken: idToken as string,
    accessToken: accessToken as string,
    refreshToken: refreshToken as string,
  };
}
