import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeIssuer, startFakeIssuer } from '../src/index.js';
import { authorizeUrl } from './support.js';

let issuer: FakeIssuer;
beforeEach(async () => {
  issuer = await startFakeIssuer();
});
afterEach(() => issuer.stop());

async function get(url: string) {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

describe('GET /oauth/authorize', () => {
  it('redirects a valid Codex 0.169 request to the callback with code and state', async () => {
    const url = authorizeUrl(issuer, { state: 'st-1' });
    const { status, location } = await get(url);
    expect(status).toBe(302);
    const back = new URL(location ?? '');
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:1455/auth/callback');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('code')).toMatch(/^ac_[0-9a-f]+$/);
    expect(await issuer.authorize(url)).toMatch(
      /^http:\/\/127\.0\.0\.1:1455\/auth\/callback\?code=/,
    );
  });

  it('accepts localhost and the fallback port 1457', async () => {
    const url = authorizeUrl(issuer, { redirect_uri: 'http://localhost:1457/auth/callback' });
    expect(await issuer.authorize(url)).toMatch(/^http:\/\/localhost:1457\/auth\/callback\?/);
  });

  const bad: [string, Record<string, string | undefined>, RegExp][] = [
    ['response_type', { response_type: 'token' }, /response_type/],
    ['client_id', { client_id: 'app_other' }, /client_id/],
    ['missing redirect_uri', { redirect_uri: undefined }, /redirect_uri is missing/],
    [
      'unregistered port',
      { redirect_uri: 'http://127.0.0.1:8080/auth/callback' },
      /not registered/,
    ],
    ['other host', { redirect_uri: 'http://evil.test:1455/auth/callback' }, /not registered/],
    ['https scheme', { redirect_uri: 'https://127.0.0.1:1455/auth/callback' }, /not registered/],
    ['other path', { redirect_uri: 'http://127.0.0.1:1455/callback' }, /not registered/],
    ['missing code_challenge', { code_challenge: undefined }, /code_challenge is missing/],
    ['plain method', { code_challenge_method: 'plain' }, /S256/],
    ['missing state', { state: undefined }, /state is missing/],
    ['scope without openid', { scope: 'profile offline_access' }, /openid/],
    ['scope without offline_access', { scope: 'openid profile email' }, /offline_access/],
  ];
  for (const [name, overrides, message] of bad) {
    it(`answers 400 without redirecting for ${name}`, async () => {
      const { status, location, text } = await get(authorizeUrl(issuer, overrides));
      expect(status).toBe(400);
      expect(location).toBeNull();
      expect(text).toMatch(message);
    });
  }

  it('rejects through authorize() with the status and page text, and 404s unknown paths', async () => {
    await expect(issuer.authorize(authorizeUrl(issuer, { response_type: '<b>' }))).rejects.toThrow(
      /400.*response_type/,
    );
    const page = await get(`${issuer.url}/oauth/device-nope`);
    expect(page.status).toBe(404);
  });

  it('accepts any loopback port when widened', async () => {
    const wide = await startFakeIssuer({ registeredPorts: 'any' });
    try {
      const url = authorizeUrl(wide, { redirect_uri: 'http://127.0.0.1:40123/auth/callback' });
      expect(await wide.authorize(url)).toMatch(
        /^http:\/\/127\.0\.0\.1:40123\/auth\/callback\?code=/,
      );
    } finally {
      await wide.stop();
    }
  });

  it('answers access_denied and missing_codex_entitlement when told to', async () => {
    issuer.setAuthorizeOutcome('missing_codex_entitlement');
    let back = new URL(await issuer.authorize(authorizeUrl(issuer, { state: 's2' })));
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBe('missing_codex_entitlement');
    expect(back.searchParams.get('state')).toBe('s2');
    expect(back.searchParams.has('code')).toBe(false);
    issuer.setAuthorizeOutcome('access_denied');
    back = new URL(await issuer.authorize(authorizeUrl(issuer)));
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).not.toMatch(/entitlement/);
  });

  it('refuses to visit another origin', async () => {
    await expect(issuer.authorize('http://127.0.0.1:1/oauth/authorize')).rejects.toThrow(
      /only visits/,
    );
  });
});
