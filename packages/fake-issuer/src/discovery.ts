import type { ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';
import type { IssuerState } from './state.js';

/** Where the discovery document is served, as on auth.openai.com. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/**
 * `GET /.well-known/openid-configuration`: the OpenID discovery document auth.openai.com also
 * serves. Codex never reads it; codex-oauth reads it after a 404 from the device endpoint, to tell
 * "device sign-in is off" (a real issuer is here) from "this URL is not an issuer at all", and
 * `codex-oauth doctor` checks the issuer with it.
 */
export function handleDiscovery(state: IssuerState, res: ServerResponse): void {
  const issuer = state.settings.issuer;
  sendJson(res, 200, {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  });
}
