import { describe, expect, it } from 'vitest';
import { isCodexOAuthError } from '../src/model/errors.js';
import { buildAuthorizeUrl, loopbackRedirectUri } from '../src/protocol/openai/authorize-url.js';
import { openaiProfile } from '../src/protocol/openai/provider-openai.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const STATE = 'state-123_abc';
// Derived by hand from SPEC §4: Codex 0.169 order, URLSearchParams form encoding.
const EXPECTED =
  'https://auth.openai.com/oauth/authorize?response_type=code' +
  '&client_id=app_EMoamEEZ73f0CkXaXp7hrann' +
  '&redirect_uri=http%3A%2F%2F127.0.0.1%3A1455%2Fauth%2Fcallback' +
  '&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' +
  '&code_challenge_method=S256' +
  '&state=state-123_abc' +
  '&scope=openid+profile+email+offline_access+api.connectors.read+api.connectors.invoke' +
  '&id_token_add_organizations=true' +
  '&codex_cli_simplified_flow=true' +
  '&originator=codex_cli_rs';

describe('buildAuthorizeUrl', () => {
  const profile = openaiProfile({ env: {} });

  it('matches Codex 0.169 byte for byte', () => {
    const url = buildAuthorizeUrl({
      profile,
      redirectUri: loopbackRedirectUri(1455),
      codeChallenge: CHALLENGE,
      state: STATE,
    });
    expect(url).toBe(EXPECTED);
  });

  it('appends one allowed_workspace_id, comma-joined for a list', () => {
    const base = {
      profile,
      redirectUri: loopbackRedirectUri(1455),
      codeChallenge: CHALLENGE,
      state: STATE,
    };
    expect(buildAuthorizeUrl({ ...base, allowedWorkspaceId: 'ws-1' })).toBe(
      `${EXPECTED}&allowed_workspace_id=ws-1`,
    );
    expect(buildAuthorizeUrl({ ...base, allowedWorkspaceId: ['ws-1', 'ws-2'] })).toBe(
      `${EXPECTED}&allowed_workspace_id=ws-1%2Cws-2`,
    );
    expect(buildAuthorizeUrl({ ...base, allowedWorkspaceId: [] })).toBe(EXPECTED);
    expect(buildAuthorizeUrl({ ...base, allowedWorkspaceId: ' ' })).toBe(EXPECTED);
  });

  it('writes the localhost variant and the fallback port', () => {
    expect(loopbackRedirectUri(1457, 'localhost')).toBe('http://localhost:1457/auth/callback');
    const url = buildAuthorizeUrl({
      profile,
      redirectUri: loopbackRedirectUri(1457, 'localhost'),
      codeChallenge: CHALLENGE,
      state: STATE,
    });
    expect(url).toBe(
      EXPECTED.replace('http%3A%2F%2F127.0.0.1%3A1455', 'http%3A%2F%2Flocalhost%3A1457'),
    );
  });

  it('uses the profile issuer, client id and originator', () => {
    const custom = openaiProfile({
      issuer: 'http://127.0.0.1:8080/',
      clientId: 'client x',
      originator: 'codex_exec',
      env: {},
    });
    const url = buildAuthorizeUrl({
      profile: custom,
      redirectUri: loopbackRedirectUri(1455),
      codeChallenge: CHALLENGE,
      state: STATE,
    });
    expect(
      url.startsWith(
        'http://127.0.0.1:8080/oauth/authorize?response_type=code&client_id=client+x&',
      ),
    ).toBe(true);
    expect(url.endsWith('&originator=codex_exec')).toBe(true);
  });

  it('rejects empty inputs and bad ports', () => {
    expect(() =>
      buildAuthorizeUrl({ profile, redirectUri: '', codeChallenge: CHALLENGE, state: STATE }),
    ).toThrow(expect.objectContaining({ code: 'CODEX_OAUTH_INVALID_OPTION' }));
    for (const port of [0, 65536, 1.5]) {
      try {
        loopbackRedirectUri(port);
        expect.unreachable();
      } catch (err) {
        expect(isCodexOAuthError(err, 'CODEX_OAUTH_INVALID_OPTION')).toBe(true);
      }
    }
  });
});

describe('openaiProfile', () => {
  it('has the Codex endpoints by default', () => {
    const p = openaiProfile({ env: {} });
    expect(p).toMatchObject({
      kind: 'openai',
      issuer: 'https://auth.openai.com',
      clientId: 'app_EMoamEEZ73f0CkXaXp7hrann',
      originator: 'codex_cli_rs',
      scope: 'openid profile email offline_access api.connectors.read api.connectors.invoke',
    });
    expect(p.endpoints).toEqual({
      authorize: 'https://auth.openai.com/oauth/authorize',
      token: 'https://auth.openai.com/oauth/token',
      refresh: 'https://auth.openai.com/oauth/token',
      revoke: 'https://auth.openai.com/oauth/revoke',
      deviceUserCode: 'https://auth.openai.com/api/accounts/deviceauth/usercode',
      deviceToken: 'https://auth.openai.com/api/accounts/deviceauth/token',
      deviceVerification: 'https://auth.openai.com/codex/device',
      deviceRedirect: 'https://auth.openai.com/deviceauth/callback',
    });
  });

  it('reads CODEX_OAUTH_ISSUER and the refresh/revoke overrides', () => {
    const env = {
      CODEX_OAUTH_ISSUER: 'http://localhost:9000/',
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: 'http://127.0.0.1:7000/custom/token?x=1',
    };
    const p = openaiProfile({ env });
    expect(p.issuer).toBe('http://localhost:9000');
    expect(p.endpoints.refresh).toBe('http://127.0.0.1:7000/custom/token?x=1');
    expect(p.endpoints.revoke).toBe('http://127.0.0.1:7000/oauth/revoke');
    expect(
      openaiProfile({ env: { ...env, CODEX_REVOKE_TOKEN_URL_OVERRIDE: 'https://r.example/rv' } })
        .endpoints.revoke,
    ).toBe('https://r.example/rv');
    expect(openaiProfile({ issuer: 'https://a.example', env }).issuer).toBe('https://a.example');
    expect(openaiProfile({ env: { CODEX_OAUTH_ISSUER: '' } }).issuer).toBe(
      'https://auth.openai.com',
    );
  });

  it('refuses plain http off loopback, other schemes and garbage', () => {
    for (const issuer of [
      'http://auth.example.com',
      'ftp://x',
      'not a url',
      'https://u:p@x.example',
      'https://x.example/?q=1',
    ]) {
      expect(() => openaiProfile({ issuer, env: {} })).toThrow(
        expect.objectContaining({ code: 'CODEX_OAUTH_INVALID_OPTION' }),
      );
    }
    expect(() =>
      openaiProfile({ env: { CODEX_REFRESH_TOKEN_URL_OVERRIDE: 'http://10.0.0.1/token' } }),
    ).toThrow(expect.objectContaining({ code: 'CODEX_OAUTH_INVALID_OPTION' }));
    expect(openaiProfile({ issuer: 'http://[::1]:8080', env: {} }).issuer).toBe(
      'http://[::1]:8080',
    );
  });
});
