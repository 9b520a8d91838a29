import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { openaiProfile } from '../src/protocol/openai/provider-openai.js';
import { refreshTokens } from '../src/protocol/refresh.js';
import { revokeToken } from '../src/protocol/revoke.js';
import { resolveFetch } from '../src/transport/http.js';
import { signInWithCode } from './helpers/code-sign-in.js';

let fake: FakeIssuer;
beforeEach(async () => {
  fake = await startFakeIssuer({ registeredPorts: 'any' });
});
afterEach(() => fake.stop());

const fetch = resolveFetch({ env: {} });

const signIn = () => signInWithCode(fake, fetch);

describe('revokeToken (OpenAI)', () => {
  it('posts upstream’s JSON body and kills the grant', async () => {
    const { provider, tokens } = await signIn();
    expect(await revokeToken({ fetch, provider, token: tokens.refreshToken })).toEqual({
      revoked: true,
      status: 200,
    });
    const request = fake.requests.find((r) => r.path === '/oauth/revoke')!;
    expect(request.body).toBe(
      `{"token":"${tokens.refreshToken}","token_type_hint":"refresh_token","client_id":"app_EMoamEEZ73f0CkXaXp7hrann"}`,
    );
    expect(fake.isLive(tokens.refreshToken)).toBe(false);
    const error = await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken }).catch(
      (e) => e,
    );
    expect(error.code).toBe(ErrorCodes.REFRESH_REJECTED);
  });

  it('honours CODEX_REVOKE_TOKEN_URL_OVERRIDE', async () => {
    const { tokens } = await signIn();
    const provider = openaiProfile({
      issuer: 'https://auth.openai.invalid',
      env: { CODEX_REVOKE_TOKEN_URL_OVERRIDE: `${fake.url}/oauth/revoke` },
    });
    expect((await revokeToken({ fetch, provider, token: tokens.refreshToken })).revoked).toBe(true);
    expect(fake.count('/oauth/revoke')).toBe(1);
  });

  it('returns a refusal instead of throwing', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({
      path: '/oauth/revoke',
      kind: 'status',
      status: 400,
      body: '{"error":"invalid_request"}',
    });
    expect(await revokeToken({ fetch, provider, token: tokens.refreshToken })).toEqual({
      revoked: false,
      status: 400,
      error: 'invalid_request',
    });
  });

  it('throws REQUEST_TIMEOUT when the issuer does not answer in time', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({ path: '/oauth/revoke', kind: 'delay', ms: 2000 });
    const error = await revokeToken({
      fetch,
      provider,
      token: tokens.refreshToken,
      timeoutMs: 50,
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.REQUEST_TIMEOUT);
  });
});
