import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { AuthRecord } from '../src/model/auth-record.js';
import {
  accessTokenExpiry,
  DEFAULT_REFRESH_WINDOW_MS,
  decodeJwtPayload,
  isRefreshDue,
  readClaims,
  refreshWindowOf,
} from '../src/model/claims.js';
import { isCodexOAuthError } from '../src/model/errors.js';

const FIXTURES = '/work/shared/fixtures/codex-0.169';
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown): string => `${b64({ alg: 'none' })}.${b64(payload)}.c2ln`;

function fixture(name: string): { id_token: string; access_token: string } {
  return JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')).tokens;
}

function expectInvalid(token: string): void {
  try {
    decodeJwtPayload(token, 'id_token');
    expect.unreachable('decoded a malformed token');
  } catch (err) {
    expect(isCodexOAuthError(err, 'CODEX_OAUTH_INVALID_TOKEN')).toBe(true);
    const text = `${(err as Error).message} ${inspect(err)}`;
    expect(text).toContain('id_token');
    if (token.length > 8) expect(text).not.toContain(token);
  }
}

describe('readClaims on tokens written by Codex 0.169', () => {
  for (const name of ['chatgpt-device-login.auth.json', 'chatgpt-after-refresh.auth.json']) {
    it(`reads ${name}`, () => {
      const tokens = fixture(name);
      const claims = readClaims({ idToken: tokens.id_token, accessToken: tokens.access_token });
      const exp = decodeJwtPayload(tokens.access_token).exp as number;
      expect(claims).toEqual({
        email: 'fixture.user@example.test',
        accountId: '6f1c2d3e-fixture-account',
        planType: 'pro',
        userId: 'user_bar_1',
        expiresAt: new Date(exp * 1000),
      });
    });
  }
});

describe('readClaims sources', () => {
  const auth = 'https://api.openai.com/auth';
  const profile = 'https://api.openai.com/profile';

  it('prefers the access token account id and falls back to profile email and user_id', () => {
    const claims = readClaims({
      idToken: jwt({
        [profile]: { email: 'p@x.test' },
        [auth]: { chatgpt_account_id: 'id-acct', user_id: 'u-1' },
      }),
      accessToken: jwt({
        exp: 100,
        [auth]: { chatgpt_account_id: 'access-acct', chatgpt_plan_type: 'plus' },
      }),
    });
    expect(claims).toEqual({
      email: 'p@x.test',
      accountId: 'access-acct',
      planType: 'plus',
      userId: 'u-1',
      expiresAt: new Date(100_000),
    });
  });

  it('takes the email from the access token profile claim when the id token has none', () => {
    const claims = readClaims({
      idToken: jwt({}),
      accessToken: jwt({ [profile]: { email: 'a@x.test' } }),
    });
    expect(claims.email).toBe('a@x.test');
  });

  it('tolerates an opaque access token and reports nulls', () => {
    const claims = readClaims({
      idToken: jwt({ [auth]: { chatgpt_account_id: 'x' } }),
      accessToken: 'opaque',
    });
    expect(claims).toEqual({
      email: null,
      accountId: 'x',
      planType: null,
      userId: null,
      expiresAt: null,
    });
    expect(accessTokenExpiry('opaque')).toBeNull();
  });
});

describe('decodeJwtPayload is as strict as Codex', () => {
  it('accepts an unpadded object payload', () => {
    expect(decodeJwtPayload(jwt({ a: 1 }))).toEqual({ a: 1 });
  });

  it('rejects malformed tokens without echoing them', () => {
    const payload = b64({ sub: 'someone-with-a-long-subject' });
    expectInvalid(`${b64({})}.${payload}`); // two parts
    expectInvalid(`${b64({})}.${payload}.sig.extra`);
    expectInvalid(`${b64({})}..sig`);
    expectInvalid(`${b64({})}.${payload}.`);
    // A payload whose length needs padding, written with its `=`.
    const padded = Buffer.from('{"a":1}').toString('base64');
    expect(padded.endsWith('=')).toBe(true);
    expectInvalid(`${b64({})}.${padded}.sig`);
    expectInvalid(`${b64({})}.${Buffer.from('not json').toString('base64url')}.sig`);
    expectInvalid(`${b64({})}.${b64([1, 2])}.sig`);
    expectInvalid(`${b64({})}.${b64('text')}.sig`);
    expectInvalid(`${b64({})}.${b64(null)}.sig`);
    expectInvalid(`${b64({})}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.sig`);
    expectInvalid(`${b64({})}.eyJhIjoxfQ+.sig`); // standard-alphabet character
    expectInvalid('');
  });
});

describe('isRefreshDue', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const record = (accessToken: string, lastRefresh: string | null): AuthRecord => ({
    authMode: 'chatgpt',
    openaiApiKey: null,
    tokens: { idToken: jwt({}), accessToken, refreshToken: 'rt', accountId: null },
    lastRefresh,
  });
  const at = (secondsFromNow: number): string =>
    jwt({ exp: Math.floor(now.getTime() / 1000) + secondsFromNow });

  it('is due when exp is within ten minutes or past (no iat: the default window)', () => {
    expect(isRefreshDue(record(at(601), null), now)).toBe(false);
    expect(isRefreshDue(record(at(600), null), now)).toBe(true);
    expect(isRefreshDue(record(at(60), null), now)).toBe(true);
    expect(isRefreshDue(record(at(-60), null), now)).toBe(true);
  });

  it('opens the default window at most half the token lifetime (exp - iat) before exp', () => {
    const iat = Math.floor(now.getTime() / 1000);
    // Lives 8 minutes: half is 4 minutes, narrower than the default 10.
    const short = (left: number) => jwt({ iat: iat - (480 - left), exp: iat + left });
    expect(isRefreshDue(record(short(241), null), now)).toBe(false);
    expect(isRefreshDue(record(short(240), null), now)).toBe(true);
    // Lives an hour: the full 10 minutes.
    const long = (left: number) => jwt({ iat: iat - (3600 - left), exp: iat + left });
    expect(isRefreshDue(record(long(601), null), now)).toBe(false);
    expect(isRefreshDue(record(long(600), null), now)).toBe(true);
    expect(refreshWindowOf(short(100))).toBe(240_000);
    expect(refreshWindowOf(long(100))).toBe(DEFAULT_REFRESH_WINDOW_MS);
  });

  it('uses an explicit window as given, even past half the lifetime', () => {
    const iat = Math.floor(now.getTime() / 1000);
    const short = (left: number) => jwt({ iat: iat - (480 - left), exp: iat + left });
    expect(isRefreshDue(record(short(400), null), now, 420_000)).toBe(true);
    expect(isRefreshDue(record(short(421), null), now, 420_000)).toBe(false);
    expect(isRefreshDue(record(at(59), null), now, 60_000)).toBe(true);
    expect(isRefreshDue(record(at(61), null), now, 60_000)).toBe(false);
    expect(isRefreshDue(record(at(-1), null), now, 0)).toBe(true);
  });

  it('ignores last_refresh when exp is present', () => {
    expect(isRefreshDue(record(at(3600), '2020-01-01T00:00:00Z'), now)).toBe(false);
  });

  it('without exp, is due when last_refresh is older than 8 days', () => {
    const eightDays = 8 * 24 * 3600 * 1000;
    const iso = (ms: number): string => new Date(now.getTime() - ms).toISOString();
    expect(isRefreshDue(record('opaque', iso(eightDays - 1000)), now)).toBe(false);
    expect(isRefreshDue(record('opaque', iso(eightDays + 1000)), now)).toBe(true);
    expect(isRefreshDue(record(jwt({}), '2026-05-01T07:03:53.415232014Z'), now)).toBe(true);
  });

  it('is never due without exp and last_refresh, or for API-key records', () => {
    expect(isRefreshDue(record('opaque', null), now)).toBe(false);
    expect(isRefreshDue(record('opaque', 'garbage'), now)).toBe(false);
    const apikey: AuthRecord = {
      authMode: 'apikey',
      openaiApiKey: 'sk-x',
      tokens: null,
      lastRefresh: null,
    };
    expect(isRefreshDue(apikey, now)).toBe(false);
  });
});
