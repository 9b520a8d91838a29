import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { buildAuthorizeUrl, loopbackRedirectUri } from '../src/protocol/openai/authorize-url.js';
import { openaiProfile } from '../src/protocol/openai/provider-openai.js';
import { generatePkce, generateState } from '../src/protocol/pkce.js';
import { exchangeAuthorizationCode } from '../src/protocol/token-exchange.js';
import { readOAuthError } from '../src/transport/answer.js';
import { resolveFetch } from '../src/transport/http.js';

let fake: FakeIssuer;
beforeEach(async () => {
  fake = await startFakeIssuer({ registeredPorts: 'any' });
});
afterEach(() => fake.stop());

const fetch = resolveFetch({ env: {} });

/** Plays the browser: authorize at the fake issuer and take the code from its redirect. */
async function authorizeCode(redirectUri: string) {
  const provider = openaiProfile({ issuer: fake.url, env: {} });
  const pkce = await generatePkce();
  const state = generateState();
  const url = buildAuthorizeUrl({
    profile: provider,
    redirectUri,
    codeChallenge: pkce.challenge,
    state,
  });
  const location = new URL(await fake.authorize(url));
  expect(location.searchParams.get('state')).toBe(state);
  return { provider, verifier: pkce.verifier, code: location.searchParams.get('code')! };
}

describe('exchangeAuthorizationCode (OpenAI)', () => {
  it('posts the form fields in upstream order and returns the issued tokens', async () => {
    const redirectUri = loopbackRedirectUri(40123);
    const { provider, verifier, code } = await authorizeCode(redirectUri);
    const tokens = await exchangeAuthorizationCode({
      fetch,
      provider,
      code,
      redirectUri,
      codeVerifier: verifier,
    });

    const grant = fake.issued.grants[0]!;
    expect(tokens).toEqual({
      idToken: grant.idTokens[0],
      accessToken: grant.accessTokens[0],
      refreshToken: grant.refreshTokens[0],
    });
    const request = fake.requests.find((r) => r.path === '/oauth/token')!;
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.originator).toBeUndefined();
    expect(request.body).toBe(
      `grant_type=authorization_code&code=${code}&redirect_uri=http%3A%2F%2F127.0.0.1%3A40123%2Fauth%2Fcallback&client_id=app_EMoamEEZ73f0CkXaXp7hrann&code_verifier=${verifier}`,
    );
  });

  it('turns a refused code into TOKEN_EXCHANGE_FAILED without echoing the code', async () => {
    const redirectUri = loopbackRedirectUri(40124);
    const { provider, verifier, code } = await authorizeCode(redirectUri);
    await exchangeAuthorizationCode({ fetch, provider, code, redirectUri, codeVerifier: verifier });
    const error = await exchangeAuthorizationCode({
      fetch,
      provider,
      code,
      redirectUri,
      codeVerifier: verifier,
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.TOKEN_EXCHANGE_FAILED);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.error).toBeTruthy();
    expect(`${error.message} ${error.error_description ?? ''}`).not.toContain(code);
    expect(`${error.message}`).not.toContain(verifier);
  });

  it('rejects an answer that lacks a token as INVALID_RESPONSE', async () => {
    const redirectUri = loopbackRedirectUri(40125);
    const { provider, verifier, code } = await authorizeCode(redirectUri);
    fake.inject({
      path: '/oauth/token',
      kind: 'status',
      status: 200,
      body: '{"access_token":"x","id_token":"y"}',
    });
    const error = await exchangeAuthorizationCode({
      fetch,
      provider,
      code,
      redirectUri,
      codeVerifier: verifier,
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.INVALID_RESPONSE);
    expect(error.message).toContain('refresh_token');
  });

  it('rejects a malformed body as INVALID_RESPONSE', async () => {
    const redirectUri = loopbackRedirectUri(40126);
    const { provider, verifier, code } = await authorizeCode(redirectUri);
    fake.inject({ path: '/oauth/token', kind: 'malformed' });
    const error = await exchangeAuthorizationCode({
      fetch,
      provider,
      code,
      redirectUri,
      codeVerifier: verifier,
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.INVALID_RESPONSE);
  });

  it('reports a dropped connection with net-ca’s typed error', async () => {
    const redirectUri = loopbackRedirectUri(40127);
    const { provider, verifier, code } = await authorizeCode(redirectUri);
    fake.inject({ path: '/oauth/token', kind: 'drop' });
    const error = await exchangeAuthorizationCode({
      fetch,
      provider,
      code,
      redirectUri,
      codeVerifier: verifier,
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.NETWORK_ERROR);
  });
});

describe('readOAuthError', () => {
  const read = (status: number, body: string) => readOAuthError(new Response(body, { status }));

  it('takes the code from error.code, then error, then top-level code, lower-cased', async () => {
    expect((await read(400, '{"error":{"code":"Refresh_Token_Reused","message":"m"}}')).error).toBe(
      'refresh_token_reused',
    );
    expect((await read(400, '{"error":"invalid_grant","code":"other"}')).error).toBe(
      'invalid_grant',
    );
    expect((await read(400, '{"code":"refresh_token_expired"}')).error).toBe(
      'refresh_token_expired',
    );
  });

  it('takes the description from error_description, then error.message', async () => {
    expect((await read(400, '{"error":"e","error_description":"d"}')).error_description).toBe('d');
    expect((await read(400, '{"error":{"message":"m"}}')).error_description).toBe('m');
  });

  it('keeps only a short excerpt of a non-JSON body and yields no code', async () => {
    const details = await read(502, '<html>bad gateway</html>');
    expect(details).toMatchObject({ status: 502, excerpt: '<html>bad gateway</html>' });
    expect(details.error).toBeUndefined();
  });
});
