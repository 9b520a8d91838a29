import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { describeOAuthError, readOAuthError, refusalDetails } from '../transport/answer.js';
import type { RevokeResult } from './strategy.js';

/**
 * Readers every provider shares, for answers that are not the protocol's own: a refused
 * revocation, and a refresh the server could not serve (5xx, 429), which the retry loop retries.
 */

/** A refused revocation's status and error code: an answer, not a throw. */
export async function refusedRevocation(response: Response): Promise<RevokeResult> {
  const details = await readOAuthError(response);
  return { revoked: false, status: details.status, ...(details.error && { error: details.error }) };
}

/** `CODEX_OAUTH_REFRESH_FAILED` with the status, which `refreshTokens` retries for 5xx and 429. */
export async function refreshFailure(response: Response): Promise<CodexOAuthError> {
  const details = await readOAuthError(response);
  return new CodexOAuthError(
    ErrorCodes.REFRESH_FAILED,
    `Failed to refresh token: ${details.status}: ${describeOAuthError(details)}. Try again later.`,
    refusalDetails(details),
  );
}
