import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import type { FetchLike } from '../transport/http.js';
import { type Provider, strategyOf } from './provider.js';
import type { RevokeResult } from './strategy.js';

export type { RevokeResult } from './strategy.js';

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

/**
 * Revokes a refresh token through the provider's strategy: OpenAI's JSON
 * `{"token","token_type_hint":"refresh_token","client_id"}` to `endpoints.revoke` (honours
 * `CODEX_REVOKE_TOKEN_URL_OVERRIDE`) with `originator` and our user agent, or RFC 7009 for OIDC.
 *
 * Decision: an HTTP refusal is returned as `{ revoked: false, status, error }` because revocation
 * is best effort (logout deletes local tokens either way) and there is nothing to retry; transport
 * failures throw typed errors, the time limit throws `CODEX_OAUTH_REQUEST_TIMEOUT`, and a caller's
 * abort rejects with the signal's reason.
 */
export async function revokeToken(options: RevokeOptions): Promise<RevokeResult> {
  const limit = options.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(limit);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    return await strategyOf(options.provider).revoke(options.provider, {
      fetch: options.fetch,
      token: options.token,
      signal,
    });
  } catch (error) {
    if (timeout.aborted && !options.signal?.aborted) {
      throw new CodexOAuthError(
        ErrorCodes.REQUEST_TIMEOUT,
        `Revoking the token took longer than ${limit} ms; the local sign-out can go ahead.`,
        { cause: error },
      );
    }
    throw error;
  }
}
