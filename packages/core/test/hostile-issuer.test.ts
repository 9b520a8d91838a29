import { inspect } from 'node:util';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { startDeviceLogin } from '../src/protocol/device-login.js';
import { openaiProfile } from '../src/protocol/openai/provider-openai.js';
import { requestUserCode } from '../src/protocol/openai/user-code.js';
import { refreshTokens } from '../src/protocol/refresh.js';
import { revokeToken } from '../src/protocol/revoke.js';
import { resolveFetch } from '../src/transport/http.js';
import { USER_AGENT } from '../src/transport/user-agent.js';
import { signInWithCode } from './helpers/code-sign-in.js';

// Issue 13: answers that broke the client before the transport had a total deadline, a size
// cap and value-based redaction. Every fault is served by the local fake issuer.

let fake: FakeIssuer;
beforeEach(async () => {
  fake = await startFakeIssuer({ registeredPorts: 'any', deviceInterval: '1' });
});
afterEach(() => fake.stop());

// A short total deadline, so drips end fast; long enough for ordinary requests on a loaded machine.
const fetch = resolveFetch({ env: {}, requestTimeoutMs: 1_500 });
const noWait = async () => {};
const TOKEN = '/oauth/token';
const POLL = '/api/accounts/deviceauth/token';

const signIn = () => signInWithCode(fake, fetch);

/** The rejection of `promise` in the shape of a codex-oauth error (null when it resolved). */
type Failure = { code: string; message: string; cause: { code: string; message: string } };
const failure = (promise: Promise<unknown>): Promise<Failure> =>
  promise.then(
    () => null as unknown as Failure,
    (e: unknown) => e as Failure,
  );

describe('a total deadline per request (case 1)', () => {
  it('an answer that drips one byte at a time ends in REQUEST_TIMEOUT on every attempt', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({ path: TOKEN, kind: 'drip', intervalMs: 50, times: Number.POSITIVE_INFINITY });
    const error = await failure(
      refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken, sleep: noWait }),
    );
    expect(error.code).toBe(ErrorCodes.REFRESH_FAILED);
    expect(error.cause.code).toBe(ErrorCodes.REQUEST_TIMEOUT);
    expect(error.cause.message).toContain(`${fake.url}/oauth/token`);
    expect(fake.count(TOKEN)).toBe(1 + 3); // the sign-in, then three bounded attempts
  }, 30_000);

  it('the device code exchange is bounded too', async () => {
    const { provider } = await signIn();
    fake.inject({ path: '/api/accounts/deviceauth/usercode', kind: 'drip', intervalMs: 50 });
    const error = await failure(requestUserCode({ fetch, provider }));
    expect(error.code).toBe(ErrorCodes.REQUEST_TIMEOUT);
  });
});

describe('a size cap on every body (case 2)', () => {
  it('a 200 MB refresh answer is RESPONSE_TOO_LARGE, naming the endpoint', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({ path: TOKEN, kind: 'huge', bytes: 200 * 1024 * 1024 });
    const error = await failure(
      refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken, sleep: noWait }),
    );
    expect(error.code).toBe(ErrorCodes.RESPONSE_TOO_LARGE);
    expect(error.message).toContain(`${fake.url}/oauth/token`);
    expect(error.message).toContain('1 MiB');
  });

  it('an 8 MB error body is typed, not a crashed regular expression', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({ path: TOKEN, kind: 'huge', status: 400, bytes: 8 * 1024 * 1024 });
    const error = await failure(
      refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken, sleep: noWait }),
    );
    expect(error.code).toBe(ErrorCodes.RESPONSE_TOO_LARGE);
  });

  it('a 900 KB error body (under the cap) yields a short excerpt, never the body', async () => {
    const { provider, tokens } = await signIn();
    const page = `<html>\n${'<p>proxy error</p>\n'.repeat(45_000)}</html>`;
    fake.inject({ path: TOKEN, kind: 'status', status: 418, body: page });
    const error = await failure(
      refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken, sleep: noWait }),
    );
    expect(error.code).toBe(ErrorCodes.REFRESH_FAILED);
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).not.toContain('\n');
  });
});

describe('a refresh answer without tokens is an error (case 3)', () => {
  for (const [name, body] of [
    ['no access_token', '{"token_type":"Bearer"}'],
    ['a numeric access_token', '{"access_token":5}'],
    ['an empty access_token', '{"access_token":""}'],
    ['a numeric refresh_token', '{"access_token":"x.y.z","refresh_token":7}'],
  ]) {
    it(`${name} -> INVALID_RESPONSE, not retried`, async () => {
      const { provider, tokens } = await signIn();
      fake.inject({ path: TOKEN, kind: 'status', status: 200, body });
      const error = await failure(
        refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken, sleep: noWait }),
      );
      expect(error?.code).toBe(ErrorCodes.INVALID_RESPONSE);
      expect(fake.count(TOKEN)).toBe(2);
    });
  }
});

describe('secrets are redacted by value, whatever their shape (case 4)', () => {
  it('an issuer echoing the device poll shows the dac_ id nowhere', async () => {
    fake.inject({ path: POLL, kind: 'echo', times: Number.POSITIVE_INFINITY });
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const login = await startDeviceLogin({ provider, fetch, sleep: noWait });
    const error = await failure(login.result);
    const id = (fake.requests.find((r) => r.path === POLL)!.json as { device_auth_id: string })
      .device_auth_id;
    expect(id).toMatch(/^dac_[0-9a-f]{24}$/);
    expect(error.code).toBe(ErrorCodes.TOKEN_EXCHANGE_FAILED);
    const shown = [
      error.message,
      JSON.stringify(error),
      inspect(error),
      String((error as unknown as Error).stack),
    ];
    for (const text of shown) expect(text.includes(id)).toBe(false);
    expect(error.message).toContain('[redacted]');
  });
});

describe('the device poll interval (case 5)', () => {
  for (const interval of ['0', 0, '0.001']) {
    it(`an interval of ${JSON.stringify(interval)} waits at least a second between polls`, async () => {
      await fake.stop();
      fake = await startFakeIssuer({ deviceInterval: interval });
      const provider = openaiProfile({ issuer: fake.url, env: {} });
      const sleeps: number[] = [];
      let clock = 0;
      const login = await startDeviceLogin({
        provider,
        fetch,
        timeoutMs: 5_000,
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      });
      expect(login.intervalMs).toBe(1000);
      expect((await failure(login.result)).code).toBe(ErrorCodes.LOGIN_TIMEOUT);
      expect(sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
      expect(fake.count(POLL)).toBe(6);
    });
  }

  it('an interval longer than the time left waits until the deadline, then polls once more', async () => {
    await fake.stop();
    fake = await startFakeIssuer({ deviceInterval: '30' });
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const sleeps: number[] = [];
    let clock = 0;
    const login = await startDeviceLogin({
      provider,
      fetch,
      timeoutMs: 10_000,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    expect((await failure(login.result)).code).toBe(ErrorCodes.LOGIN_TIMEOUT);
    expect(sleeps).toEqual([10_000]);
    expect(fake.count(POLL)).toBe(2);
  });

  it('an expires_at in the past is ignored (15 minutes), not "expires in a minute"', async () => {
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    fake.inject({
      path: '/api/accounts/deviceauth/usercode',
      kind: 'status',
      status: 200,
      body: '{"device_auth_id":"dac_0123456789abcdef01234567","user_code":"ABCD-12345","interval":"5","expires_at":"2001-01-01T00:00:00Z"}',
    });
    const before = Date.now();
    const code = await requestUserCode({ fetch, provider });
    expect(code.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 14 * 60_000);
  });
});

describe('a wrong issuer path is not "device sign-in is off" (case 8)', () => {
  it('a 404 from a server without an OpenID configuration is NOT_AN_ISSUER', async () => {
    const provider = openaiProfile({ issuer: `${fake.url}/nope`, env: {} });
    const error = await failure(startDeviceLogin({ provider, fetch }));
    expect(error.code).toBe(ErrorCodes.NOT_AN_ISSUER);
    expect(error.message).toContain(`${fake.url}/nope`);
  });

  it('a 404 from a real issuer is still DEVICE_LOGIN_DISABLED', async () => {
    await fake.stop();
    fake = await startFakeIssuer({ deviceLogin: false });
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const error = await failure(startDeviceLogin({ provider, fetch }));
    expect(error.code).toBe(ErrorCodes.DEVICE_LOGIN_DISABLED);
  });
});

describe('wire parity with Codex 0.171 (issue 16 item 5)', () => {
  it('revoke sends originator and our user agent', async () => {
    const { provider, tokens } = await signIn();
    await revokeToken({ fetch, provider, token: tokens.refreshToken });
    const request = fake.requests.find((r) => r.path === '/oauth/revoke')!;
    expect(request.headers.originator).toBe('codex_cli_rs');
    expect(request.headers['user-agent']).toBe(USER_AGENT);
  });

  it('a gzip-compressed refresh answer is read (undici decodes it)', async () => {
    const { provider, tokens } = await signIn();
    fake.inject({ path: TOKEN, kind: 'gzip' });
    const fresh = await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken });
    expect(typeof fresh.accessToken).toBe('string');
    expect(fake.requests.at(-1)!.headers['accept-encoding']).toMatch(/gzip/);
  });
});
