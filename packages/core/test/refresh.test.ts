import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { openaiProfile } from '../src/protocol/openai/provider-openai.js';
import { refreshTokens } from '../src/protocol/refresh.js';
import { resolveFetch } from '../src/transport/http.js';
import { USER_AGENT } from '../src/transport/user-agent.js';
import { signInWithCode } from './helpers/code-sign-in.js';

let fake: FakeIssuer;
beforeEach(async () => {
  fake = await startFakeIssuer({ registeredPorts: 'any' });
});
afterEach(() => fake.stop());

const fetch = resolveFetch({ env: {} });
const noWait = async () => {};

const signIn = (env: Record<string, string> = {}) => signInWithCode(fake, fetch, env);

const refreshes = () => fake.requests.filter((r) => r.path === '/oauth/token' && r.json);

describe('refreshTokens (OpenAI)', () => {
  it('sends upstream’s JSON body in key order with originator and user-agent, and rotates', async () => {
    const { provider, tokens } = await signIn();
    const fresh = await refreshTokens({
      fetch,
      provider,
      refreshToken: tokens.refreshToken,
      reason: 'proactive_expiry',
    });
    const request = refreshes()[0]!;
    expect(request.body).toBe(
      `{"client_id":"app_EMoamEEZ73f0CkXaXp7hrann","grant_type":"refresh_token","refresh_reason":"proactive_expiry","refresh_token":"${tokens.refreshToken}"}`,
    );
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.originator).toBe('codex_cli_rs');
    expect(request.headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^codex-oauth\/\d+\.\d+\.\d+ \(/);
    const grant = fake.issued.grants[0]!;
    expect(fresh).toEqual({
      idToken: grant.idTokens[1],
      accessToken: grant.accessTokens[1],
      refreshToken: grant.refreshTokens[1],
    });
    expect(fresh.refreshToken).not.toBe(tokens.refreshToken);
  });

  it('honours CODEX_REFRESH_TOKEN_URL_OVERRIDE', async () => {
    const { tokens } = await signIn();
    const provider = openaiProfile({
      issuer: 'https://auth.openai.invalid',
      env: { CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${fake.url}/oauth/token` },
    });
    await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken });
    expect(refreshes()[0]!.json).toMatchObject({ refresh_reason: 'forced' });
  });

  it('reports a reused token as REFRESH_REJECTED with error refresh_token_reused', async () => {
    const { provider, tokens } = await signIn();
    await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken });
    const error = await refreshTokens({
      fetch,
      provider,
      refreshToken: tokens.refreshToken,
      sleep: noWait,
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.REFRESH_REJECTED);
    expect(error.error).toBe('refresh_token_reused');
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      'Your access token could not be refreshed because your refresh token was already used. Please log out and sign in again.',
    );
    expect(refreshes()).toHaveLength(2); // permanent: never retried
  });

  it('reports an expired token as REFRESH_REJECTED', async () => {
    const { provider, tokens } = await signIn();
    fake.expireRefreshToken(tokens.refreshToken);
    const error = await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({
      code: ErrorCodes.REFRESH_REJECTED,
      error: 'refresh_token_expired',
    });
    expect(error.message).toMatch(/has expired\. Please log out and sign in again\.$/);
  });

  it('reports a revoked grant as REFRESH_REJECTED', async () => {
    const { provider, tokens } = await signIn();
    fake.revokeGrantOf(tokens.refreshToken);
    const error = await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({
      code: ErrorCodes.REFRESH_REJECTED,
      error: 'refresh_token_invalidated',
    });
  });

  it('treats any 401 as permanent, and a 400 with a permanent code too', async () => {
    const { provider } = await signIn();
    const unknown = await refreshTokens({
      fetch,
      provider,
      refreshToken: 'rt_not_issued_by_this_fake',
    }).catch((e) => e);
    expect(unknown).toMatchObject({ code: ErrorCodes.REFRESH_REJECTED, status: 401 });
    expect(unknown.message).toBe(
      'Your access token could not be refreshed. Please log out and sign in again.',
    );
    fake.inject({
      path: '/oauth/token',
      kind: 'status',
      status: 400,
      body: '{"error":{"code":"refresh_token_reused","message":"used"}}',
    });
    const reused = await refreshTokens({ fetch, provider, refreshToken: 'anything' }).catch(
      (e) => e,
    );
    expect(reused).toMatchObject({
      code: ErrorCodes.REFRESH_REJECTED,
      status: 400,
      error: 'refresh_token_reused',
    });
  });

  it('retries a 5xx with backoff and then succeeds', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({ path: '/oauth/token', kind: 'status', status: 503, times: 2 });
    const waits: number[] = [];
    const fresh = await refreshTokens({
      fetch,
      provider,
      refreshToken: tokens.refreshToken,
      backoffMs: 100,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(fresh.refreshToken).toBe(fake.issued.grants[0]!.refreshTokens[1]);
    expect(refreshes()).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('retries a dropped connection', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({ path: '/oauth/token', kind: 'drop' });
    const fresh = await refreshTokens({
      fetch,
      provider,
      refreshToken: tokens.refreshToken,
      sleep: noWait,
    });
    expect(fresh.accessToken).toBeTruthy();
  });

  it('gives up with REFRESH_FAILED when every attempt gets a 5xx', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({
      path: '/oauth/token',
      kind: 'status',
      status: 500,
      times: Number.POSITIVE_INFINITY,
    });
    const error = await refreshTokens({
      fetch,
      provider,
      refreshToken: tokens.refreshToken,
      sleep: noWait,
    }).catch((e) => e);
    expect(error).toMatchObject({ code: ErrorCodes.REFRESH_FAILED, status: 500 });
    expect(refreshes()).toHaveLength(3);
    expect(error.message).not.toContain(tokens.refreshToken);
  });

  it('does not retry a malformed 2xx (the token may already be rotated)', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({ path: '/oauth/token', kind: 'malformed' });
    const error = await refreshTokens({
      fetch,
      provider,
      refreshToken: tokens.refreshToken,
      sleep: noWait,
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.INVALID_RESPONSE);
    expect(refreshes()).toHaveLength(1);
  });

  it('keeps only the tokens the answer carries', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({
      path: '/oauth/token',
      kind: 'status',
      status: 200,
      body: '{"access_token":"at_only_this"}',
    });
    expect(await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken })).toEqual({
      accessToken: 'at_only_this',
    });
  });
});
