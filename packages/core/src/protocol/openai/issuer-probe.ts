import { CodexOAuthError, ErrorCodes } from '../../model/errors.js';
import { readText } from '../../transport/answer.js';
import type { FetchLike } from '../../transport/http.js';
import { transportOf } from '../../transport/transport.js';
import type { OpenAIProfile } from './provider-openai.js';

/**
 * Is there a sign-in server at the profile's issuer at all? One GET of
 * `{issuer}/.well-known/openid-configuration` (auth.openai.com and the fake issuer serve it):
 * `true` for a JSON document with an `issuer`, `false` for a 4xx or a document that is not one,
 * `null` when it cannot be told (network failure, 5xx). Used only after a 404, to tell a wrong
 * `--issuer` path from an account whose device sign-in is off.
 */
export async function looksLikeIssuer(
  fetch: FetchLike,
  provider: OpenAIProfile,
  signal?: AbortSignal,
): Promise<boolean | null> {
  let response: Response;
  try {
    response = await transportOf(fetch)(`${provider.issuer}/.well-known/openid-configuration`, {
      method: 'GET',
      signal: signal ?? null,
      redirect: 'manual',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    return null;
  }
  if (response.status >= 500) return null;
  if (!response.ok) return false;
  try {
    const json = JSON.parse(await readText(response)) as { issuer?: unknown } | null;
    return typeof json?.issuer === 'string';
  } catch {
    return false;
  }
}

/** The error for a usercode 404 from a server that is not an OpenAI issuer. */
export function notAnIssuerError(provider: OpenAIProfile): CodexOAuthError {
  return new CodexOAuthError(
    ErrorCodes.NOT_AN_ISSUER,
    `${provider.issuer} is not an OpenAI sign-in server: ${provider.endpoints.deviceUserCode} answered 404 and there is no OpenID configuration at ${provider.issuer}/.well-known/openid-configuration. Check the issuer URL (--issuer, CODEX_OAUTH_ISSUER); the default is https://auth.openai.com.`,
    { status: 404 },
  );
}
