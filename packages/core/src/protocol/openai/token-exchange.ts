import type { TokenSet } from '../../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import {
  describeOAuthError,
  readJson,
  readOAuthError,
  refusalDetails,
} from '../../transport/answer.js';
import type { FetchLike } from '../../transport/http.js';
import { postForm } from '../../transport/request.js';
import { requireTokens } from '../token-fields.js';

/** Input of {@link tokenExchangeRequest}. */
export interface TokenExchangeInput {
  fetch: FetchLike;
  provider: { endpoints: { token: string }; clientId: string };
  code: string;
  redirectUri: string;
  codeVerifier: string;
  signal?: AbortSignal | undefined;
}

/**
 * Makes the OpenAI code-exchange request: `POST {issuer}/oauth/token`, form fields
 * `grant_type, code, redirect_uri, client_id, code_verifier` in that order, and no `originator`
 * (upstream's "raw auth client", §1.6). The device flow's exchange is the same request.
 */
export function tokenExchangeRequest(options: TokenExchangeInput): Promise<Response> {
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
      refusalDetails(details),
    );
  }
  return requireTokens(await readJson(response));
}
