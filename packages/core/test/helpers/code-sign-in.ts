import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { buildAuthorizeUrl, loopbackRedirectUri } from '../../src/protocol/openai/authorize-url.js';
import { openaiProfile } from '../../src/protocol/openai/provider-openai.js';
import { generatePkce, generateState } from '../../src/protocol/pkce.js';
import { exchangeAuthorizationCode } from '../../src/protocol/token-exchange.js';
import type { FetchLike } from '../../src/transport/http.js';

/**
 * A browser sign-in against `fake` done with the protocol steps alone (authorize URL, the fake's
 * consent, the code exchange through `fetch`), for tests of what comes after it: the OpenAI
 * provider for `fake` (with `env`) and the tokens it minted.
 */
export async function signInWithCode(
  fake: FakeIssuer,
  fetch: FetchLike,
  env: Record<string, string> = {},
) {
  const provider = openaiProfile({ issuer: fake.url, env });
  const pkce = await generatePkce();
  const redirectUri = loopbackRedirectUri(40200);
  const url = buildAuthorizeUrl({
    profile: provider,
    redirectUri,
    codeChallenge: pkce.challenge,
    state: generateState(),
  });
  const code = new URL(await fake.authorize(url)).searchParams.get('code')!;
  const tokens = await exchangeAuthorizationCode({
    fetch,
    provider,
    code,
    redirectUri,
    codeVerifier: pkce.verifier,
  });
  return { provider, tokens };
}
