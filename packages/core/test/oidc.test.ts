import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createFetch } from '@codex-oauth/net-ca';
import {
  createThrowawayCa,
  opensslUnavailableReason,
  type ThrowawayCa,
} from '@codex-oauth/test-support/throwaway-ca';
// @ts-expect-error oidc-provider ships no type declarations (test-only dependency).
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { startBrowserLogin } from '../src/protocol/browser-flow.js';
import { startDeviceLogin } from '../src/protocol/device-login.js';
import type { OidcProfile } from '../src/protocol/oidc/provider-oidc.js';
import { resolveProvider } from '../src/protocol/provider.js';
import { refreshTokens } from '../src/protocol/refresh.js';
import { revokeToken } from '../src/protocol/revoke.js';
import type { FetchLike } from '../src/transport/http.js';

const skipReason = await opensslUnavailableReason();
const CLIENT_ID = 'codex-oauth-test';

let pki: ThrowawayCa;
let server: Server;
let oidc: Provider;
let issuer: string;
let fetch: FetchLike;
let provider: OidcProfile;

beforeAll(async () => {
  if (skipReason) return;
  pki = await createThrowawayCa();
  let handler: Parameters<typeof createServer>[1] = (_req, res) => res.end();
  server = createServer({ cert: pki.leaf.certPem, key: pki.leaf.keyPem }, (req, res) =>
    handler!(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  oidc = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        grant_types: [
          'authorization_code',
          'refresh_token',
          'urn:ietf:params:oauth:grant-type:device_code',
        ],
        response_types: ['code'],
        // RFC 8252: a loopback redirect URI matches any port.
        redirect_uris: ['http://127.0.0.1/auth/callback'],
      },
    ],
    cookies: { keys: ['test-only-cookie-key'] },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
    },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
  });
  handler = oidc.callback();
  // The transport under test: net-ca trusting the throwaway CA.
  fetch = createFetch({ CODEX_CA_CERTIFICATE: pki.ca.certPath });
  provider = (await resolveProvider({
    provider: 'oidc',
    issuer,
    clientId: CLIENT_ID,
    fetch,
  })) as OidcProfile;
});

afterAll(async () => {
  if (skipReason) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await pki.cleanup();
});

/**
 * Plays the person in the browser: follows redirects with a cookie jar and submits the dev
 * login and consent forms until the issuer redirects to `redirectUri`; returns that URL.
 */
async function signInAtIssuer(authorizeUrl: string, redirectUri: string): Promise<string> {
  const jar = new Map<string, string>();
  let request: { url: string; method: string; body?: string } = {
    url: authorizeUrl,
    method: 'GET',
  };
  for (let step = 0; step < 20; step++) {
    const response = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(request.body && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(request.body && { body: request.body }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!.trim(), value.join('='));
    }
    const location = response.headers.get('location');
    if (location) {
      await response.body?.cancel();
      const next = new URL(location, request.url).href;
      if (next.startsWith(redirectUri)) return next;
      request = { url: next, method: 'GET' };
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form at step ${step} (status ${response.status})`);
    const fields = new URLSearchParams();
    for (const [, name, value] of html.matchAll(
      /<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?/g,
    )) {
      fields.set(name!, name === 'login' || name === 'password' ? 'alice' : (value ?? ''));
    }
    request = { url: new URL(action, request.url).href, method: 'POST', body: fields.toString() };
  }
  throw new Error('the issuer never redirected back');
}

describe.skipIf(skipReason)(
  `OIDC provider against oidc-provider over HTTPS ${skipReason ? `(skipped: ${skipReason})` : ''}`,
  () => {
    it('discovers the endpoints', () => {
      expect(provider).toMatchObject({
        kind: 'oidc',
        issuer,
        clientId: CLIENT_ID,
        allowInsecure: false,
      });
      expect(provider.endpoints.deviceAuthorization).toBe(`${issuer}/device/auth`);
      expect(provider.endpoints.revoke).toBe(`${issuer}/token/revocation`);
    });

    it('signs in with auth code + PKCE through our loopback server, refreshes with rotation, rejects reuse', async () => {
      const login = await startBrowserLogin({ provider, fetch, port: 0 });
      const url = new URL(login.authorizeUrl);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('prompt')).toBe('consent');
      const callback = await signInAtIssuer(login.authorizeUrl, login.redirectUri);
      const answer = await globalThis.fetch(callback, { redirect: 'manual' });
      expect(answer.status).toBe(302);
      await answer.body?.cancel();
      const tokens = await login.result;
      expect(tokens.idToken.split('.')).toHaveLength(3);
      expect(tokens.refreshToken).toBeTruthy();

      const fresh = await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken });
      expect(fresh.accessToken).toBeTruthy();
      expect(fresh.refreshToken).toBeTruthy();
      expect(fresh.refreshToken).not.toBe(tokens.refreshToken);

      const reused = await refreshTokens({
        fetch,
        provider,
        refreshToken: tokens.refreshToken,
      }).catch((e) => e);
      expect(reused).toMatchObject({ code: ErrorCodes.REFRESH_REJECTED, error: 'invalid_grant' });
    });

    it('signs in with the RFC 8628 device grant and revokes the refresh token (RFC 7009)', async () => {
      let approve: (() => Promise<void>) | undefined;
      const login = await startDeviceLogin({
        provider,
        fetch,
        // Instead of waiting the RFC's 5 s, approve on the first wait, as the person would.
        sleep: async () => {
          await approve?.();
          approve = undefined;
        },
      });
      expect(login.intervalMs).toBe(5000); // oidc-provider sends no interval
      approve = async () => {
        const code = await oidc.DeviceCode.findByUserCode(login.userCode.replace(/\W/g, ''));
        const grant = new oidc.Grant({ accountId: 'alice', clientId: CLIENT_ID });
        grant.addOIDCScope(provider.scope);
        code!.grantId = await grant.save();
        code!.accountId = 'alice';
        code!.scope = provider.scope;
        code!.authTime = Math.floor(Date.now() / 1000);
        await code!.save();
      };
      const tokens = await login.result;
      expect(tokens.refreshToken).toBeTruthy();

      expect(await revokeToken({ fetch, provider, token: tokens.refreshToken })).toEqual({
        revoked: true,
        status: 200,
      });
      const after = await refreshTokens({
        fetch,
        provider,
        refreshToken: tokens.refreshToken,
      }).catch((e) => e);
      expect(after.code).toBe(ErrorCodes.REFRESH_REJECTED);
    });

    it('reports an untrusted certificate when the CA is not given', async () => {
      const error = await resolveProvider({
        provider: 'oidc',
        issuer,
        clientId: CLIENT_ID,
        fetch: createFetch({}),
      }).catch((e) => e);
      expect(error.code).toBe(ErrorCodes.TLS_UNTRUSTED);
    });

    it('fails discovery with DISCOVERY_FAILED for a wrong issuer path', async () => {
      const error = await resolveProvider({
        provider: 'oidc',
        issuer: `${issuer}/nope`,
        clientId: CLIENT_ID,
        fetch,
      }).catch((e) => e);
      expect(error.code).toBe(ErrorCodes.DISCOVERY_FAILED);
    });
  },
);
