import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CODEX_CLIENT_ID,
  DEFAULT_ACCOUNT,
  decodeJwtPayload,
  type FakeIssuer,
  startFakeIssuer,
} from '../src/index.js';
import {
  authorizeUrl,
  manualClock,
  pkce,
  postForm,
  postJson,
  refreshJson,
  signIn,
} from './support.js';

const clock = manualClock();
let issuer: FakeIssuer;
beforeEach(async () => {
  issuer = await startFakeIssuer({
    now: clock.now,
    accessTokenTtlSeconds: 60,
    refreshedAccessTokenTtlSeconds: 7200,
  });
});
afterEach(() => issuer.stop());

const REDIRECT = 'http://127.0.0.1:1455/auth/callback';

async function codeFor(challenge: string): Promise<string> {
  const back = new URL(await issuer.authorize(authorizeUrl(issuer, { code_challenge: challenge })));
  return back.searchParams.get('code') ?? '';
}

function exchange(code: string, verifier: string, overrides: Record<string, string> = {}) {
  return postForm(issuer, '/oauth/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    client_id: CODEX_CLIENT_ID,
    code_verifier: verifier,
    ...overrides,
  });
}

describe('authorization-code exchange', () => {
  it('returns JWT-shaped tokens with the real claim layout', async () => {
    const { verifier, challenge } = pkce();
    const res = await exchange(await codeFor(challenge), verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    expect(body.refresh_token).toMatch(/^rt_[0-9a-f]{40}$/);
    const header = JSON.parse(Buffer.from(body.id_token!.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'fake' });
    expect(body.id_token!.split('.')[1]).not.toMatch(/=/);
    const id = decodeJwtPayload(body.id_token!)!;
    const access = decodeJwtPayload(body.access_token!)!;
    const auth = {
      chatgpt_plan_type: DEFAULT_ACCOUNT.planType,
      chatgpt_account_id: DEFAULT_ACCOUNT.accountId,
      chatgpt_user_id: DEFAULT_ACCOUNT.userId,
      user_id: DEFAULT_ACCOUNT.userId,
    };
    expect(id).toMatchObject({
      iss: issuer.url,
      aud: [CODEX_CLIENT_ID],
      email: DEFAULT_ACCOUNT.email,
    });
    expect(id['https://api.openai.com/auth']).toEqual(auth);
    expect(access['https://api.openai.com/auth']).toEqual(auth);
    expect(access['https://api.openai.com/profile']).toMatchObject({
      email: DEFAULT_ACCOUNT.email,
    });
    expect(access.exp).toBe(Math.floor(clock.now() / 1000) + 60);
    expect(issuer.issued.grants).toHaveLength(1);
    expect(issuer.issued.grants[0]).toMatchObject({ via: 'browser', revoked: null });
  });

  it('refuses a PKCE mismatch, a redirect mismatch, a missing field and a reused code', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const mismatch = await exchange(code, pkce().verifier);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: /PKCE/,
    });
    const redirect = await exchange(code, verifier, {
      redirect_uri: 'http://localhost:1455/auth/callback',
    });
    expect(await redirect.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: /redirect_uri/,
    });
    const missing = await exchange(code, '', {});
    expect(await missing.json()).toMatchObject({
      error: 'invalid_request',
      error_description: /code_verifier/,
    });
    expect((await exchange(code, verifier)).status).toBe(200);
    const reused = await exchange(code, verifier);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: /already been used/,
    });
  });

  it('refuses an expired code, an unknown code, another client and another grant type', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    clock.advance(10 * 60 * 1000);
    expect(await (await exchange(code, verifier)).json()).toMatchObject({
      error_description: /expired/,
    });
    expect(await (await exchange('ac_nope', verifier)).json()).toMatchObject({
      error: 'invalid_grant',
    });
    const client = await exchange(code, verifier, { client_id: 'app_other' });
    expect(client.status).toBe(401);
    expect(await client.json()).toMatchObject({ error: 'invalid_client' });
    const grant = await postForm(issuer, '/oauth/token', { grant_type: 'password' });
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('refresh (single-use rotation)', () => {
  it('rotates on the JSON body Codex sends, with the refreshed lifetime', async () => {
    const first = await signIn(issuer);
    const res = await refreshJson(issuer, first.refresh_token);
    expect(res.status).toBe(200);
    const next = (await res.json()) as Record<string, string>;
    for (const key of ['id_token', 'access_token', 'refresh_token']) {
      expect(next[key]).toBeTruthy();
      expect(next[key]).not.toBe(first[key]);
    }
    expect(decodeJwtPayload(next.access_token!)!.exp).toBe(Math.floor(clock.now() / 1000) + 7200);
    expect(issuer.isLive(String(first.refresh_token))).toBe(false);
    expect(issuer.isLive(next.refresh_token!)).toBe(true);
    expect(issuer.issued.refreshTokens.get(String(first.refresh_token))?.state).toBe('rotated');
    expect(issuer.issued.grants[0]?.refreshCount).toBe(1);
  });

  it('also accepts a form body, and reflects setAccount in new tokens', async () => {
    const first = await signIn(issuer);
    issuer.setAccount({ planType: 'team' });
    const res = await postForm(issuer, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: String(first.refresh_token),
      client_id: CODEX_CLIENT_ID,
    });
    const next = (await res.json()) as Record<string, string>;
    const auth = decodeJwtPayload(next.access_token!)!['https://api.openai.com/auth'];
    expect(auth).toMatchObject({ chatgpt_plan_type: 'team' });
  });

  it('with accountPerGrant, a grant keeps refreshing as the account it signed in as', async () => {
    const two = await startFakeIssuer({ now: clock.now, accountPerGrant: true });
    try {
      const first = await signIn(two);
      two.setAccount({ email: 'second@example.test', accountId: 'acct-second', userId: 'u-2' });
      const second = await signIn(two);
      const emailOf = (token: string) => decodeJwtPayload(token)!.email;
      const refreshed = async (token: unknown) =>
        (await (await refreshJson(two, token)).json()) as Record<string, string>;
      expect(emailOf((await refreshed(first.refresh_token)).id_token!)).toBe(DEFAULT_ACCOUNT.email);
      expect(emailOf((await refreshed(second.refresh_token)).id_token!)).toBe(
        'second@example.test',
      );
      expect(two.issued.grants.map((g) => g.account.email)).toEqual([
        DEFAULT_ACCOUNT.email,
        'second@example.test',
      ]);
    } finally {
      await two.stop();
    }
  });

  it('answers refresh_token_reused to a rotated token and revokes the whole grant', async () => {
    const first = await signIn(issuer);
    const second = (await (await refreshJson(issuer, first.refresh_token)).json()) as Record<
      string,
      string
    >;
    const reuse = await refreshJson(issuer, first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toEqual({
      error: {
        message:
          'Your refresh token has already been used to generate a new access token. Please try signing in again.',
        type: 'invalid_request_error',
        param: null,
        code: 'refresh_token_reused',
      },
    });
    expect(issuer.issued.grants[0]?.revoked).toBe('reuse');
    expect(issuer.isLive(second.access_token!)).toBe(false);
    const after = await refreshJson(issuer, second.refresh_token);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: { code: 'refresh_token_invalidated' } });
  });

  it('answers refresh_token_expired, refresh_token_invalidated and invalid_grant', async () => {
    const a = await signIn(issuer);
    issuer.expireRefreshToken(String(a.refresh_token));
    const expired = await refreshJson(issuer, a.refresh_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: 'refresh_token_expired' } });

    const b = await signIn(issuer);
    issuer.revokeGrantOf(String(b.refresh_token));
    const revoked = await refreshJson(issuer, b.refresh_token);
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { code: 'refresh_token_invalidated' } });

    const unknown = await refreshJson(issuer, 'rt_unknown');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_grant' });
    expect(() => issuer.expireRefreshToken('rt_unknown')).toThrow(/unknown refresh token/);
  });
});

describe('POST /oauth/revoke', () => {
  it('revokes the grant of the token Codex sends and answers {}', async () => {
    const tokens = await signIn(issuer);
    const res = await postJson(issuer, '/oauth/revoke', {
      token: tokens.refresh_token,
      token_type_hint: 'refresh_token',
      client_id: CODEX_CLIENT_ID,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(issuer.issued.grants[0]?.revoked).toBe('revoke');
    expect(issuer.isLive(String(tokens.access_token))).toBe(false);
    expect(await (await refreshJson(issuer, tokens.refresh_token)).json()).toMatchObject({
      error: { code: 'refresh_token_invalidated' },
    });
    const unknown = await postJson(issuer, '/oauth/revoke', {
      token: 'rt_x',
      client_id: CODEX_CLIENT_ID,
    });
    expect(unknown.status).toBe(200);
  });
});
