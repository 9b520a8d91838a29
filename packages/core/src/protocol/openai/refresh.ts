import type { TokenSet } from '../../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import {
  describeOAuthError,
  readJson,
  readOAuthError,
  refusalDetails,
} from '../../transport/answer.js';
import type { FetchLike } from '../../transport/http.js';
import { postJson } from '../../transport/request.js';
import type { RefreshReason } from '../strategy.js';
import { refreshedTokens } from '../token-fields.js';
import type { OpenAIProfile } from './provider-openai.js';

// Upstream's verbatim messages (§4.3), keyed by the backend code.
const PERMANENT: Record<string, string> = {
  refresh_token_expired: 'because your refresh token has expired',
  refresh_token_reused: 'because your refresh token was already used',
  refresh_token_invalidated: 'because your refresh token was revoked',
};

/** Input of {@link refreshRequest}. */
export interface OpenAIRefreshInput {
  fetch: FetchLike;
  provider: OpenAIProfile;
  refreshToken: string;
  /** Default `'forced'`. */
  reason?: RefreshReason;
  signal?: AbortSignal | undefined;
}

/**
 * Makes the OpenAI refresh request: `POST` to `endpoints.refresh` (honours
 * `CODEX_REFRESH_TOKEN_URL_OVERRIDE`), JSON `{"client_id","grant_type","refresh_reason",
 * "refresh_token"}` in that order, with the `originator` header (the transport adds our user agent).
 */
export function refreshRequest(options: OpenAIRefreshInput): Promise<Response> {
  return postJson(
    options.fetch,
    options.provider.endpoints.refresh,
    {
      client_id: options.provider.clientId,
      grant_type: 'refresh_token',
      refresh_reason: options.reason ?? 'forced',
      refresh_token: options.refreshToken,
    },
    { headers: { originator: options.provider.originator }, signal: options.signal },
  );
}

/**
 * Reads the refresh answer. A 2xx must carry a non-empty string `access_token` (else
 * `CODEX_OAUTH_INVALID_RESPONSE`); each token present replaces the stored one (the caller merges).
 * `refresh_token_expired|reused|invalidated` or any 401 -> `CODEX_OAUTH_REFRESH_REJECTED` with the
 * backend code in `error` (so an orchestrator can re-read the store on `refresh_token_reused`);
 * anything else -> `CODEX_OAUTH_REFRESH_FAILED` (transient when `status >= 500` or 429).
 */
export async function processRefreshResponse(response: Response): Promise<Partial<TokenSet>> {
  if (response.ok) return refreshedTokens(await readJson(response));
  const details = await readOAuthError(response);
  const reason = details.error ? PERMANENT[details.error] : undefined;
  if (reason || details.status === 401) {
    throw new CodexOAuthError(
      ErrorCodes.REFRESH_REJECTED,
      `Your access token could not be refreshed${reason ? ` ${reason}` : ''}. Please log out and sign in again.`,
      refusalDetails(details),
    );
  }
  throw new CodexOAuthError(
    ErrorCodes.REFRESH_FAILED,
    `Failed to refresh token: ${details.status}: ${describeOAuthError(details)}. Try again later.`,
    refusalDetails(details),
  );
}
