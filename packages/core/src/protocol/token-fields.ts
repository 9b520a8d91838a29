import type { TokenSet } from '../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';

/**
 * Insists on three non-empty string tokens (a sign-in's answer): a session without any of them
 * cannot work. Otherwise `CODEX_OAUTH_INVALID_RESPONSE` naming the missing fields.
 */
export function requireTokens(json: Record<string, unknown>): TokenSet {
  const missing = missingFields(json, ['id_token', 'access_token', 'refresh_token']);
  if (missing.length > 0) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      `The token endpoint's answer lacks ${missing.join(', ')}. For a generic OIDC issuer, make sure the client may use the offline_access scope.`,
    );
  }
  return {
    idToken: json.id_token as string,
    accessToken: json.access_token as string,
    refreshToken: json.refresh_token as string,
  };
}

/**
 * Reads a refresh answer: `access_token` must be a non-empty string (a 200 without one is no
 * refresh at all, and stamping `last_refresh` on the old token would hide that); `id_token` and
 * `refresh_token` replace the stored ones when present, and must be strings when they are.
 */
export function refreshedTokens(json: Record<string, unknown>): Partial<TokenSet> {
  const wrong = missingFields(json, ['access_token']);
  for (const name of ['id_token', 'refresh_token']) {
    if (json[name] !== undefined && json[name] !== null && typeof json[name] !== 'string') {
      wrong.push(name);
    }
  }
  if (wrong.length > 0) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      `The refresh answer has no usable ${wrong.join(', ')} (missing, empty or not a string); the stored tokens were left as they were. Check the issuer URL and any proxy in between.`,
    );
  }
  const tokens: Partial<TokenSet> = { accessToken: json.access_token as string };
  if (typeof json.id_token === 'string' && json.id_token) tokens.idToken = json.id_token;
  if (typeof json.refresh_token === 'string' && json.refresh_token) {
    tokens.refreshToken = json.refresh_token;
  }
  return tokens;
}

function missingFields(json: Record<string, unknown>, names: string[]): string[] {
  return names.filter((name) => typeof json[name] !== 'string' || json[name] === '');
}
