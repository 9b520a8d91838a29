import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import type { OAuthEvent } from '../src/model/events.js';
import { startBrowserLogin } from '../src/protocol/browser-flow.js';
import { openaiProfile } from '../src/protocol/openai/provider-openai.js';
import { resolveFetch } from '../src/transport/http.js';

let fake: FakeIssuer;
beforeEach(async () => {
  fake = await startFakeIssuer({ registeredPorts: 'any' });
});
afterEach(() => fake.stop());

const fetch = resolveFetch({ env: {} });

describe('startBrowserLogin (OpenAI, fake issuer)', () => {
  it('builds Codex’s exact authorize URL, exchanges inside the callback and resolves with tokens', async () => {
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const events: OAuthEvent[] = [];
    const login = await startBrowserLogin({
      provider,
      fetch,
      port: 0,
      onEvent: (e) => events.push(e),
    });
    expect(login.redirectUri).toBe(`http://127.0.0.1:${login.port}/auth/callback`);

    // Be the browser: the issuer redirects to our loopback callback, which we then load.
    const callback = await fake.authorize(login.authorizeUrl);
    const challenge = fake.requests.find((r) => r.path === '/oauth/authorize')!.query
      .code_challenge;
    expect(login.authorizeUrl).toBe(
      `${fake.url}/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann` +
        `&redirect_uri=http%3A%2F%2F127.0.0.1%3A${login.port}%2Fauth%2Fcallback` +
        `&code_challenge=${challenge}&code_challenge_method=S256&state=${login.state}` +
        '&scope=openid+profile+email+offline_access+api.connectors.read+api.connectors.invoke' +
        '&id_token_add_organizations=true&codex_cli_simplified_flow=true&originator=codex_cli_rs',
    );
    const answer = await globalThis.fetch(callback, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toMatch(/\/success$/);
    await answer.body?.cancel();

    const tokens = await login.result;
    const grant = fake.issued.grants[0]!;
    expect(tokens).toEqual({
      idToken: grant.idTokens[0],
      accessToken: grant.accessTokens[0],
      refreshToken: grant.refreshTokens[0],
    });
    expect(events.map((e) => e.type)).toEqual([
      'url_ready',
      'waiting',
      'callback_received',
      'exchanging',
    ]);
    expect(events[0]).toEqual({ type: 'url_ready', url: login.authorizeUrl });
  });

  it('adds allowed_workspace_id last', async () => {
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const login = await startBrowserLogin({ provider, fetch, port: 0, allowedWorkspaceId: 'ws_1' });
    expect(login.authorizeUrl).toMatch(/&originator=codex_cli_rs&allowed_workspace_id=ws_1$/);
    await login.cancel();
  });

  it('ends with ACCESS_DENIED when the issuer refuses', async () => {
    fake.setAuthorizeOutcome('access_denied');
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const events: OAuthEvent[] = [];
    const login = await startBrowserLogin({
      provider,
      fetch,
      port: 0,
      onEvent: (e) => events.push(e),
    });
    const answer = await globalThis.fetch(await fake.authorize(login.authorizeUrl));
    await answer.body?.cancel();
    expect((await login.result.catch((e) => e)).code).toBe(ErrorCodes.ACCESS_DENIED);
    expect(events.at(-1)).toMatchObject({ type: 'failed', code: ErrorCodes.ACCESS_DENIED });
  });

  it('cancel() frees the port and rejects with LOGIN_CANCELLED', async () => {
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const login = await startBrowserLogin({ provider, fetch, port: 0 });
    const pending = login.result.catch((e) => e);
    await login.cancel();
    expect((await pending).code).toBe(ErrorCodes.LOGIN_CANCELLED);
    const refused = await globalThis.fetch(login.redirectUri).catch((e) => e);
    expect(refused).toBeInstanceOf(Error);
  });

  it('surfaces a failed exchange as TOKEN_EXCHANGE_FAILED', async () => {
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const login = await startBrowserLogin({ provider, fetch, port: 0 });
    fake.inject({
      path: '/oauth/token',
      kind: 'status',
      status: 400,
      body: '{"error":"invalid_grant"}',
    });
    const answer = await globalThis.fetch(await fake.authorize(login.authorizeUrl));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    await answer.body?.cancel();
    const error = await login.result.catch((e) => e);
    expect(error).toMatchObject({ code: ErrorCodes.TOKEN_EXCHANGE_FAILED, error: 'invalid_grant' });
  });
});
