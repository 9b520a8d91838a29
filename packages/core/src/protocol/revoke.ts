import * as oauth from 'oauth4webapi';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { type FetchLike, postJson, readOAuthError } from '../transport/http.js';
import { oidcCall, requireEndpoint } from './oidc/provider-oidc.js';
import { isOidcProvider, type Provider } from './provider.js';

/** Options of {@link revokeToken}. */
export interface RevokeOptions {
  fetch: FetchLike;
  provider: Provider;
  /** The refresh token to revoke. */
  token: string;
  signal?: AbortSignal | undefined;
  /** Upper bound for the whole request (logout must not hang). Default 10 000 ms, as upstream. */
  timeoutMs?: number;
}

/** What the issuer said to a revocation. Refusals are answers, not exceptions (see below). */
export type RevokeResult =
  | { revoked: true; status: number }
  | { revoked: false; status: number; error?: string };

/**
 * Revokes a refresh token: OpenAI's JSON `{"token","token_type_hint":"refresh_token","client_id"}`
 * to `endpoints.revoke` (honours `CODEX_REVOKE_TOKEN_URL_OVERRIDE`), or RFC 7009 for OIDC.
 *
 * Decision: an HTTP refusal is returned as `{ revoked: false, status, error }` because revocation
 * is best effort (logout deletes local tokens either way) and there is nothing to retry; transport
 * failures throw net-ca's typed errors, the time limit throws `CODEX_OAUTH_REQUEST_TIMEOUT`, and
 * a caller's abort rejects with the signal's reason.
 */
export async function revokeToken(options: RevokeOptions): Promise<RevokeResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const { provider } = options;
    if (isOidcProvider(provider)) {
      requireEndpoint(provider, 'revoke');
      const { client, auth, options: requestOptions } = oidcCall(provider, options.fetch, signal);
      const response = await oauth.revocationRequest(provider.server, client, auth, options.token, {
        ...requestOptions,
        additionalParameters: { token_type_hint: 'refresh_token' },
      });
      if (response.ok) {
        await oauth.processRevocationResponse(response);
        return { revoked: true, status: response.status };
      }
      return refused(response);
    }
    const response = await postJson(
      options.fetch,
      provider.endpoints.revoke,
      { token: options.token, token_type_hint: 'refresh_token', client_id: provider.clientId },
      { signal },
    );
    if (!response.ok) return refused(response);
    await response.body?.cancel();
    return { revoked: true, status: response.status };
  } catch (error) {
    if (timeout.aborted && !options.signal?.aborted) {
      throw new CodexOAuthError(
        ErrorCodes.REQUEST_TIMEOUT,
        `Revoking the token took longer than ${options.timeoutMs ?? 10_000} ms; the local sign-out can go ahead.`,
        { cause: error },
      );
    }
    throw error;
  }
}

async function refused(response: Response): Promise<RevokeResult> {
  const details = await readOAuthError(response);
  return { revoked: false, status: details.status, ...(details.error && { error: details.error }) };
}
