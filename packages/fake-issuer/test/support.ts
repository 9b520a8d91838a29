import { createHash, randomBytes } from 'node:crypto';
import { CODEX_CLIENT_ID, type FakeIssuer } from '../src/index.js';

/** A PKCE pair and state, as a client makes them. */
export function pkce(): { verifier: string; challenge: string; state: string } {
  const verifier = randomBytes(64).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge, state: randomBytes(32).toString('base64url') };
}

/** Authorize parameters exactly as Codex 0.169 sends them, with overrides (undefined drops one). */
export function authorizeUrl(
  issuer: FakeIssuer,
  overrides: Record<string, string | undefined> = {},
): string {
  const { challenge, state } = pkce();
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CODEX_CLIENT_ID,
    redirect_uri: 'http://127.0.0.1:1455/auth/callback',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    scope: 'openid profile email offline_access api.connectors.read api.connectors.invoke',
    id_token_add_organizations: 'true',
    codex_cli_simplified_flow: 'true',
    originator: 'codex_cli_rs',
    ...overrides,
  };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) search.set(key, value);
  return `${issuer.url}/oauth/authorize?${search}`;
}

/** POST a form to the issuer. */
export function postForm(issuer: FakeIssuer, path: string, form: Record<string, string>) {
  return fetch(`${issuer.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

/** POST JSON to the issuer. */
export function postJson(issuer: FakeIssuer, path: string, body: unknown) {
  return fetch(`${issuer.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A whole browser sign-in through the issuer; returns the token answer. */
export async function signIn(issuer: FakeIssuer): Promise<Record<string, unknown>> {
  const { verifier, challenge, state } = pkce();
  const redirectUri = 'http://127.0.0.1:1455/auth/callback';
  const location = new URL(
    await issuer.authorize(
      authorizeUrl(issuer, { code_challenge: challenge, state, redirect_uri: redirectUri }),
    ),
  );
  const res = await postForm(issuer, '/oauth/token', {
    grant_type: 'authorization_code',
    code: location.searchParams.get('code') ?? '',
    redirect_uri: redirectUri,
    client_id: CODEX_CLIENT_ID,
    code_verifier: verifier,
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The refresh body exactly as Codex 0.169 sends it. */
export function refreshJson(issuer: FakeIssuer, refreshToken: unknown) {
  return postJson(issuer, '/oauth/token', {
    client_id: CODEX_CLIENT_ID,
    grant_type: 'refresh_token',
    refresh_reason: 'proactive_expiry',
    refresh_token: refreshToken,
  });
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)): {
  now: () => number;
  advance(ms: number): void;
} {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}
