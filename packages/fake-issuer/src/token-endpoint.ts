import type { ServerResponse } from 'node:http';
import { oauthError, sendJson } from './http-util.js';
import { handleRefresh } from './refresh.js';
import { recordIssuedSecret } from './secrets-log.js';
import type { IssuerState } from './state.js';
import { s256 } from './tokens.js';

/**
 * `POST /oauth/token`. The authorization-code grant comes as a form (Codex builds it by hand);
 * the refresh grant as JSON (Codex 0.169) or a form (standard clients). Both are accepted for both.
 */
export function handleToken(
  state: IssuerState,
  params: Record<string, string>,
  res: ServerResponse,
): void {
  switch (params.grant_type) {
    case 'authorization_code':
      exchangeCode(state, params, res);
      return;
    case 'refresh_token':
      handleRefresh(state, params, res);
      return;
    case undefined:
    case '':
      sendJson(res, 400, oauthError('invalid_request', 'grant_type is missing'));
      return;
    default:
      sendJson(res, 400, oauthError('unsupported_grant_type', 'This grant type is not supported'));
  }
}

/**
 * The code exchange: client, single use, expiry, exact redirect URI, then PKCE S256. A reused
 * code is refused and, as RFC 6749 §4.1.2 advises, the code stays dead.
 */
function exchangeCode(
  state: IssuerState,
  params: Record<string, string>,
  res: ServerResponse,
): void {
  const { code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier } = params;
  if (!code || !redirectUri || !clientId || !verifier) {
    const missing = ['code', 'redirect_uri', 'client_id', 'code_verifier'].filter(
      (k) => !params[k],
    );
    sendJson(
      res,
      400,
      oauthError('invalid_request', `Missing parameter(s): ${missing.join(', ')}`),
    );
    return;
  }
  if (clientId !== state.settings.clientId) {
    sendJson(res, 401, oauthError('invalid_client', 'Unknown client_id'));
    return;
  }
  const entry = state.codes.get(code);
  if (!entry) {
    sendJson(res, 400, oauthError('invalid_grant', 'Unknown authorization code'));
    return;
  }
  if (entry.used) {
    sendJson(res, 400, oauthError('invalid_grant', 'Authorization code has already been used'));
    return;
  }
  if (state.settings.now() >= entry.expiresAt) {
    sendJson(res, 400, oauthError('invalid_grant', 'Authorization code has expired'));
    return;
  }
  if (entry.clientId !== clientId) {
    sendJson(res, 400, oauthError('invalid_grant', 'Code was issued to another client'));
    return;
  }
  if (entry.redirectUri !== redirectUri) {
    sendJson(
      res,
      400,
      oauthError('invalid_grant', 'redirect_uri does not match the authorize request'),
    );
    return;
  }
  if (s256(verifier) !== entry.challenge) {
    sendJson(res, 400, oauthError('invalid_grant', 'PKCE verification failed'));
    return;
  }
  // The client's verifier is a secret too; it is logged only once it proved to be the real one,
  // so deliberately wrong test verifiers ("x") do not become scan patterns.
  recordIssuedSecret('pkce_verifier', verifier);
  entry.used = true;
  const minted = state.startGrant(entry.via, clientId);
  sendJson(res, 200, minted.body);
}
