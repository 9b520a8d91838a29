import type { ServerResponse } from 'node:http';
import { oauthError, openaiError, sendJson } from './http-util.js';
import type { IssuerState } from './state.js';

/** The exact messages of the three permanent refresh failures (the reuse one is the real text). */
export const REFRESH_MESSAGES = {
  refresh_token_reused:
    'Your refresh token has already been used to generate a new access token. Please try signing in again.',
  refresh_token_expired: 'Your refresh token has expired. Please try signing in again.',
  refresh_token_invalidated:
    'Your refresh token has been invalidated. Please try signing in again.',
} as const;

/**
 * The refresh grant with single-use rotation, answering as the real server does:
 * - unknown token: 401 `{"error":"invalid_grant",...}`;
 * - expired (by `expireRefreshToken`): 401 with code `refresh_token_expired`;
 * - grant revoked (logout, `revokeGrantOf`, earlier reuse): 401 `refresh_token_invalidated`;
 * - token already rotated: 401 `refresh_token_reused`, and the whole grant is revoked;
 * - otherwise 200 with new id, access and refresh tokens.
 */
export function handleRefresh(
  state: IssuerState,
  params: Record<string, string>,
  res: ServerResponse,
): void {
  const { refresh_token: token, client_id: clientId } = params;
  if (!token) {
    sendJson(res, 400, oauthError('invalid_request', 'refresh_token is missing'));
    return;
  }
  if (clientId !== state.settings.clientId) {
    sendJson(res, 401, oauthError('invalid_client', 'Unknown client_id'));
    return;
  }
  const entry = state.refreshTokens.get(token);
  const grant = entry && state.grantOf(token);
  if (!entry || !grant) {
    sendJson(res, 401, oauthError('invalid_grant', 'Unknown refresh token'));
    return;
  }
  if (entry.state === 'expired') {
    reject(res, 'refresh_token_expired');
    return;
  }
  if (grant.revoked !== null) {
    reject(res, 'refresh_token_invalidated');
    return;
  }
  if (entry.state === 'rotated') {
    state.revokeGrant(grant, 'reuse');
    reject(res, 'refresh_token_reused');
    return;
  }
  sendJson(res, 200, state.rotate(grant, entry).body);
}

function reject(res: ServerResponse, code: keyof typeof REFRESH_MESSAGES): void {
  sendJson(res, 401, openaiError(code, REFRESH_MESSAGES[code]));
}

/**
 * `POST /oauth/revoke` (RFC 7009 shape, JSON as Codex sends it, or a form): revokes the grant of a
 * refresh (or access/id) token and answers 200 `{}`, also for unknown tokens, as RFC 7009 requires.
 */
export function handleRevoke(
  state: IssuerState,
  params: Record<string, string>,
  res: ServerResponse,
): void {
  if (!params.token) {
    sendJson(res, 400, oauthError('invalid_request', 'token is missing'));
    return;
  }
  if (params.client_id !== undefined && params.client_id !== state.settings.clientId) {
    sendJson(res, 401, oauthError('invalid_client', 'Unknown client_id'));
    return;
  }
  const grant = state.grantOf(params.token);
  if (grant) state.revokeGrant(grant, 'revoke');
  sendJson(res, 200, {});
}
