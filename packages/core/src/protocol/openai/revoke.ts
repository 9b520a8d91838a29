import type { FetchLike } from '../../transport/http.js';
import { postJson } from '../../transport/request.js';
import { refusedRevocation } from '../refusals.js';
import type { RevokeResult } from '../strategy.js';
import type { OpenAIProfile } from './provider-openai.js';

/**
 * Makes the OpenAI revocation: `POST` to `endpoints.revoke` (honours
 * `CODEX_REVOKE_TOKEN_URL_OVERRIDE`), JSON `{"token","token_type_hint":"refresh_token",
 * "client_id"}`, with `originator` (and, through the transport, our user agent), as Codex 0.171's
 * default client sends it.
 */
export function revokeRequest(options: {
  fetch: FetchLike;
  provider: OpenAIProfile;
  token: string;
  signal?: AbortSignal | undefined;
}): Promise<Response> {
  return postJson(
    options.fetch,
    options.provider.endpoints.revoke,
    {
      token: options.token,
      token_type_hint: 'refresh_token',
      client_id: options.provider.clientId,
    },
    { headers: { originator: options.provider.originator }, signal: options.signal },
  );
}

/** Reads a revocation answer: 2xx revoked; a refusal is an answer (`revoked: false`), not a throw. */
export async function processRevokeResponse(response: Response): Promise<RevokeResult> {
  if (!response.ok) return refusedRevocation(response);
  await response.body?.cancel();
  return { revoked: true, status: response.status };
}
