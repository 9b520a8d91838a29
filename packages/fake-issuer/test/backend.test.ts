import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCOUNTS_CHECK_PATH,
  DEFAULT_ACCOUNT,
  type FakeIssuer,
  type FakeIssuerOptions,
  startFakeIssuer,
} from '../src/index.js';
import { manualClock, postJson, refreshJson, signIn } from './support.js';

let issuer: FakeIssuer;
afterEach(() => issuer.stop());

async function start(options: FakeIssuerOptions = {}): Promise<FakeIssuer> {
  issuer = await startFakeIssuer(options);
  return issuer;
}

/** The account check exactly as Codex 0.169 sends it (relative to `chatgpt_base_url`). */
function check(token: string | undefined, accountId?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (accountId !== undefined) headers['chatgpt-account-id'] = accountId;
  return fetch(new URL('wham/accounts/check', issuer.chatgptBaseUrl), { headers });
}

const accessTokenOf = (tokens: Record<string, unknown>): string => String(tokens.access_token);

describe('ChatGPT backend: GET /backend-api/wham/accounts/check', () => {
  it('answers 200 with the token account as the only entry', async () => {
    await start({ account: { workspaceName: 'Acme', planType: 'team' } });
    expect(issuer.chatgptBaseUrl).toBe(`${issuer.url}/backend-api/`);
    const token = await accessTokenOf(await signIn(issuer));
    const res = await check(token, DEFAULT_ACCOUNT.accountId);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      accounts: [
        {
          id: DEFAULT_ACCOUNT.accountId,
          name: 'Acme',
          plan_type: 'team',
          structure: 'workspace',
          workspace_backend_origin: 'https://workspace-backend.invalid',
          account_routing_override: 'NO_CONSTRAINT',
          is_deactivated: false,
          is_fedramp_compliant_workspace: false,
        },
      ],
    });
    const logged = issuer.requests.find((r) => r.path === ACCOUNTS_CHECK_PATH);
    expect(logged?.status).toBe(200);
    expect(logged?.headers['chatgpt-account-id']).toBe(DEFAULT_ACCOUNT.accountId);
  });

  it('describes a personal account by the claims its token was minted with', async () => {
    await start({ workspaceBackendOrigin: 'https://backend.example.test' });
    const token = await accessTokenOf(await signIn(issuer));
    issuer.setAccount({ accountId: 'later-account', planType: 'team' });
    const body = (await (await check(token)).json()) as { accounts: Record<string, unknown>[] };
    expect(body.accounts).toEqual([
      expect.objectContaining({
        id: DEFAULT_ACCOUNT.accountId,
        name: null,
        plan_type: DEFAULT_ACCOUNT.planType,
        structure: 'personal',
        workspace_backend_origin: 'https://backend.example.test',
      }),
    ]);
  });

  it('answers 401 for a missing, unknown, id or refresh token', async () => {
    await start();
    const tokens = await signIn(issuer);
    for (const token of [
      undefined,
      'eyJ.not.ours',
      String(tokens.id_token),
      String(tokens.refresh_token),
    ]) {
      const res = await check(token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({
        error: { code: 'token_invalid', type: 'invalid_request_error' },
      });
    }
  });

  it('answers 401 account_mismatch when ChatGPT-Account-ID names another account', async () => {
    await start();
    const token = await accessTokenOf(await signIn(issuer));
    const res = await check(token, 'another-account');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'account_mismatch' } });
  });

  it('keeps a superseded access token valid until its exp, then answers token_expired', async () => {
    const clock = manualClock();
    await start({ now: clock.now, accessTokenTtlSeconds: 60, refreshedAccessTokenTtlSeconds: 600 });
    const tokens = await signIn(issuer);
    const first = String(tokens.access_token);
    const refreshed = (await (await refreshJson(issuer, tokens.refresh_token)).json()) as {
      access_token: string;
    };
    expect((await check(first)).status).toBe(200);
    clock.advance(60_000);
    const expired = await check(first);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: 'token_expired' } });
    expect((await check(refreshed.access_token)).status).toBe(200);
  });

  it('answers token_expired for a token the test rejects, and token_invalidated once revoked', async () => {
    await start();
    const tokens = await signIn(issuer);
    const token = String(tokens.access_token);
    issuer.rejectAccessToken(token);
    expect(await (await check(token)).json()).toMatchObject({ error: { code: 'token_expired' } });
    expect(issuer.isLive(String(tokens.refresh_token))).toBe(true);
    expect(() => issuer.rejectAccessToken('eyJ.not.ours')).toThrow(/unknown access token/);

    const other = await signIn(issuer);
    await postJson(issuer, '/oauth/revoke', { token: other.refresh_token });
    const revoked = await check(String(other.access_token));
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { code: 'token_invalidated' } });
  });

  it('takes an injected 401 fault, then answers normally', async () => {
    await start();
    const token = await accessTokenOf(await signIn(issuer));
    issuer.inject({ path: ACCOUNTS_CHECK_PATH, kind: 'status', status: 401 });
    expect((await check(token)).status).toBe(401);
    expect((await check(token)).status).toBe(200);
    expect(
      issuer.requests.filter((r) => r.path === ACCOUNTS_CHECK_PATH).map((r) => r.status),
    ).toEqual([401, 200]);
  });

  it('serves nothing else under /backend-api (Codex plugin sync gets a harmless 404)', async () => {
    await start();
    const res = await fetch(new URL('ps/plugins/list', issuer.chatgptBaseUrl));
    expect(res.status).toBe(404);
    const post = await fetch(new URL('wham/accounts/check', issuer.chatgptBaseUrl), {
      method: 'POST',
    });
    expect(post.status).toBe(405);
  });
});
