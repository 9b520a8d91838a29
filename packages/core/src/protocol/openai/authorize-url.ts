import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import type { OpenAIProfile } from './provider-openai.js';

/** Input of {@link buildAuthorizeUrl}. */
export interface AuthorizeUrlInput {
  profile: OpenAIProfile;
  /** The loopback redirect URI, see {@link loopbackRedirectUri}. */
  redirectUri: string;
  /** The PKCE `S256` challenge. */
  codeChallenge: string;
  state: string;
  /** Workspace id(s) the sign-in is restricted to; a list is sent as one comma-joined value. */
  allowedWorkspaceId?: string | string[];
}

/**
 * Builds the browser sign-in URL byte for byte as Codex 0.169 does (SPEC §4): parameters in the
 * order `response_type, client_id, redirect_uri, code_challenge, code_challenge_method, state,
 * scope, id_token_add_organizations, codex_cli_simplified_flow, originator[,
 * allowed_workspace_id]`, form-encoded as `URLSearchParams` writes it (`+` for spaces,
 * `%3A%2F` in the redirect URI, `%2C` in a workspace list).
 *
 * Empty workspace ids are dropped; when none is left the parameter is left out.
 *
 * @example
 * ```ts
 * buildAuthorizeUrl({ profile: openaiProfile(), redirectUri: loopbackRedirectUri(1455),
 *   codeChallenge, state });
 * // 'https://auth.openai.com/oauth/authorize?response_type=code&client_id=app_…'
 * ```
 */
export function buildAuthorizeUrl(input: AuthorizeUrlInput): string {
  const { profile } = input;
  for (const name of ['redirectUri', 'codeChallenge', 'state'] as const) {
    if (typeof input[name] !== 'string' || input[name] === '') {
      throw new CodexOAuthError(
        ErrorCodes.INVALID_OPTION,
        `buildAuthorizeUrl needs a non-empty ${name}.`,
      );
    }
  }
  const params = new URLSearchParams();
  params.append('response_type', 'code');
  params.append('client_id', profile.clientId);
  params.append('redirect_uri', input.redirectUri);
  params.append('code_challenge', input.codeChallenge);
  params.append('code_challenge_method', 'S256');
  params.append('state', input.state);
  params.append('scope', profile.scope);
  params.append('id_token_add_organizations', 'true');
  params.append('codex_cli_simplified_flow', 'true');
  params.append('originator', profile.originator);
  const workspaces = (
    Array.isArray(input.allowedWorkspaceId)
      ? input.allowedWorkspaceId
      : input.allowedWorkspaceId === undefined
        ? []
        : input.allowedWorkspaceId.split(',')
  )
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (workspaces.length > 0) params.append('allowed_workspace_id', workspaces.join(','));
  return `${profile.endpoints.authorize}?${params.toString()}`;
}

/**
 * The loopback redirect URI for `port`: `http://127.0.0.1:{port}/auth/callback` as Codex 0.169
 * sends it, or `http://localhost:{port}/auth/callback` (older Codex and the Elixir original) with
 * `host: 'localhost'`. The server binds 127.0.0.1 either way.
 */
export function loopbackRedirectUri(
  port: number,
  host: '127.0.0.1' | 'localhost' = '127.0.0.1',
): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `The redirect port must be an integer from 1 to 65535 (got ${String(port)}).`,
    );
  }
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `The redirect host must be '127.0.0.1' or 'localhost'.`,
    );
  }
  return `http://${host}:${port}/auth/callback`;
}
