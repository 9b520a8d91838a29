import type { ServerResponse } from 'node:http';
import { openaiError, sendJson } from './http-util.js';
import type { IssuerState } from './state.js';
import type { FakeRequest } from './types.js';

/** Where the ChatGPT backend lives on the fake: `chatgpt_base_url` is `{url}` + this. */
export const BACKEND_API_PATH = '/backend-api/';

/** Workspace routing discovery, the request `codex app-server` 0.169 makes with external tokens. */
export const ACCOUNTS_CHECK_PATH = '/backend-api/wham/accounts/check';

/**
 * The origin reported as `workspace_backend_origin`. Codex requires `https:` and does not contact
 * it during discovery; `.invalid` (RFC 6761) never resolves, so nothing can leak to the real one.
 */
export const DEFAULT_WORKSPACE_BACKEND_ORIGIN = 'https://workspace-backend.invalid';

/** Plan types the real backend files under a shared workspace rather than a personal account. */
const WORKSPACE_PLANS = new Set(['team', 'business', 'enterprise', 'edu', 'education']);

/** The 401 answers, each in the OpenAI error envelope. */
const UNAUTHORIZED = {
  token_invalid: 'Could not validate your access token. Please try signing in again.',
  token_expired: 'Provided authentication token is expired. Please try signing in again.',
  token_invalidated: 'Your authentication token has been invalidated. Please try signing in again.',
  account_mismatch: 'ChatGPT-Account-ID does not match the access token.',
} as const;

function unauthorized(res: ServerResponse, code: keyof typeof UNAUTHORIZED): void {
  sendJson(res, 401, openaiError(code, UNAUTHORIZED[code]));
}

/** A request header as a string (Node already joins repeated ones). */
function header(req: FakeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `GET /backend-api/wham/accounts/check`: the ChatGPT backend's workspace routing discovery.
 *
 * The bearer must be an access token this issuer minted (an id or refresh token is not one), and:
 * - its grant is not revoked (logout, reuse detection, `revokeGrantOf`): else `token_invalidated`;
 * - its `exp` has not passed on the issuer's clock and the test did not `rejectAccessToken` it:
 *   else `token_expired`. A token superseded by a refresh stays valid until then, as the real
 *   backend validates the JWT and keeps no list of rotated access tokens;
 * - `ChatGPT-Account-ID`, when sent, names the token's account: else `account_mismatch`.
 * Then 200 with that account as the only entry, built from the claims it was minted with.
 */
export function handleAccountsCheck(
  state: IssuerState,
  req: FakeRequest,
  res: ServerResponse,
): void {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '')?.[1];
  const minted = bearer === undefined ? undefined : state.accessTokens.get(bearer);
  if (!bearer || !minted) {
    unauthorized(res, 'token_invalid');
    return;
  }
  if (minted.grant.revoked !== null) {
    unauthorized(res, 'token_invalidated');
    return;
  }
  if (state.settings.now() >= minted.expiresAt || state.rejectedAccessTokens.has(bearer)) {
    unauthorized(res, 'token_expired');
    return;
  }
  const account = minted.account;
  const asked = header(req, 'chatgpt-account-id');
  if (asked !== undefined && asked !== account.accountId) {
    unauthorized(res, 'account_mismatch');
    return;
  }
  const structure = WORKSPACE_PLANS.has(account.planType) ? 'workspace' : 'personal';
  sendJson(res, 200, {
    accounts: [
      {
        id: account.accountId,
        name: account.workspaceName ?? null,
        plan_type: account.planType,
        structure,
        workspace_backend_origin: state.settings.workspaceBackendOrigin,
        account_routing_override: 'NO_CONSTRAINT',
        is_deactivated: false,
        is_fedramp_compliant_workspace: false,
      },
    ],
  });
}
