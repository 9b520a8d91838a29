import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { memoryStore } from '@codex-oauth/store-memory';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import {
  authorizeUrl,
  login,
  loginWithApiKey,
  logout,
  refresh,
  status,
} from '../src/session/index.js';
import { baseOptions, type TempHome, useIssuerAndHome } from './helpers/session-fixtures.js';

// Issue 22 in the library: a refused refresh is remembered for status(), logout says whether it
// revoked, an API key is stored as Codex stores it, and authorizeUrl refuses a port it cannot name.

let fake: FakeIssuer;
let home: TempHome;
useIssuerAndHome((sandbox) => {
  ({ fake, home } = sandbox);
});

const refusalFile = () => join(home.dir, 'codex-oauth', 'refused-refresh.json');

describe('status().refreshRefused', () => {
  it('file storage: remembered beside auth.json, by hash, until another token is stored', async () => {
    const opts = { ...baseOptions(fake, home.dir), storage: 'file' as const };
    await login(opts);
    expect((await status(opts)).refreshRefused).toBeNull();
    const refreshToken = fake.issued.grants[0]!.refreshTokens[0]!;
    fake.expireRefreshToken(refreshToken);
    await expect(refresh({ ...opts, force: true })).rejects.toMatchObject({
      code: ErrorCodes.REFRESH_REJECTED,
    });
    const after = await status(opts);
    expect(after.authenticated).toBe(false);
    expect(after.authMode).toBe('chatgpt');
    expect(after.refreshRefused).toMatchObject({
      error: 'refresh_token_expired',
      at: expect.any(Date),
      message: expect.stringContaining('refresh token has expired'),
    });
    const memory = await readFile(refusalFile(), 'utf8');
    expect(memory).not.toContain(refreshToken);
    expect(await readFile(join(home.dir, 'auth.json'), 'utf8')).not.toContain('refused');
    // A new sign-in stores another refresh token: the refusal no longer applies.
    await login({ ...opts, forceNew: true });
    const again = await status(opts);
    expect(again.authenticated).toBe(true);
    expect(again.refreshRefused).toBeNull();
  });

  it('a store without a CODEX_HOME remembers it on the store object, writing no file', async () => {
    const store = memoryStore();
    const opts = { ...baseOptions(fake, home.dir), store };
    await login(opts);
    fake.expireRefreshToken(fake.issued.grants[0]!.refreshTokens[0]!);
    await expect(refresh({ ...opts, force: true })).rejects.toMatchObject({
      code: ErrorCodes.REFRESH_REJECTED,
    });
    expect((await status(opts)).refreshRefused?.error).toBe('refresh_token_expired');
    expect((await status({ ...opts, store: memoryStore() })).refreshRefused).toBeNull();
    expect(existsSync(refusalFile())).toBe(false);
  });

  it('a transient failure is not a refusal', async () => {
    const opts = { ...baseOptions(fake, home.dir), storage: 'file' as const };
    await login(opts);
    fake.inject({
      path: '/oauth/token',
      kind: 'status',
      status: 503,
      times: Number.POSITIVE_INFINITY,
    });
    await expect(refresh({ ...opts, force: true, requestTimeoutMs: 2_000 })).rejects.toMatchObject({
      code: ErrorCodes.REFRESH_FAILED,
    });
    fake.clearFaults();
    expect((await status(opts)).refreshRefused).toBeNull();
    expect(existsSync(refusalFile())).toBe(false);
  });
});

describe('logout() result', () => {
  it('says whether the issuer revoked the token', async () => {
    const opts = { ...baseOptions(fake, home.dir), storage: 'file' as const };
    await login(opts);
    expect(await logout(opts)).toEqual({ revoked: true, revokeFailure: null, cleared: true });
    expect(await logout(opts)).toEqual({ revoked: false, revokeFailure: null, cleared: false });
    await login(opts);
    fake.inject({ path: '/oauth/revoke', kind: 'status', status: 503 });
    expect(await logout(opts)).toEqual({
      revoked: false,
      revokeFailure: 'the issuer answered 503 server_error',
      cleared: true,
    });
    await login(opts);
    expect(await logout({ ...opts, revoke: false })).toEqual({
      revoked: false,
      revokeFailure: null,
      cleared: true,
    });
  });
});

describe('loginWithApiKey()', () => {
  it("writes Codex's api-key auth.json, trimmed, replacing a ChatGPT session whole", async () => {
    const opts = { ...baseOptions(fake, home.dir), storage: 'file' as const };
    await login(opts);
    const result = await loginWithApiKey({ ...opts, apiKey: '  sk-lib-test\n' });
    expect(result).toMatchObject({ flowUsed: 'api_key', authMode: 'apikey', lastRefresh: null });
    expect(await readFile(join(home.dir, 'auth.json'), 'utf8')).toBe(
      '{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-lib-test"\n}',
    );
    expect((await status(opts)).authMode).toBe('apikey');
  });

  it('refuses an empty key and one with whitespace inside, without quoting it', async () => {
    const opts = { ...baseOptions(fake, home.dir), storage: 'file' as const };
    await expect(loginWithApiKey({ ...opts, apiKey: ' \n' })).rejects.toMatchObject({
      code: ErrorCodes.INVALID_OPTION,
    });
    const error = await loginWithApiKey({ ...opts, apiKey: 'sk-one sk-two' }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.INVALID_OPTION);
    expect(String(error.message)).not.toContain('sk-one');
    expect(existsSync(join(home.dir, 'auth.json'))).toBe(false);
  });
});

describe('authorizeUrl()', () => {
  it('names the port asked for, and refuses port 0, which it cannot bind to pick', async () => {
    const opts = baseOptions(fake, home.dir);
    const url = new URL(await authorizeUrl({ ...opts, port: 1460 }));
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:1460/auth/callback');
    await expect(authorizeUrl({ ...opts, port: 0 })).rejects.toMatchObject({
      code: ErrorCodes.INVALID_OPTION,
    });
  });
});
