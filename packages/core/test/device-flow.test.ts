import { inspect } from 'node:util';
import { type FakeIssuer, type FakeIssuerOptions, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import type { OAuthEvent } from '../src/model/events.js';
import { startDeviceLogin } from '../src/protocol/device-login.js';
import { MAX_POLL_FAILURES } from '../src/protocol/device-poll.js';
import { exchangeDeviceGrant, pollDeviceToken } from '../src/protocol/openai/device-flow.js';
import { openaiProfile } from '../src/protocol/openai/provider-openai.js';
import { requestUserCode } from '../src/protocol/openai/user-code.js';
import { resolveFetch } from '../src/transport/http.js';

let fake: FakeIssuer | undefined;
afterEach(() => fake?.stop());

const fetch = resolveFetch({ env: {} });

/**
 * One clock shared by the fake issuer and the poller: `sleep` advances it instead of waiting, so
 * no test waits real seconds and the issuer's `slow_down` check sees the intervals we slept.
 */
async function setup(options: FakeIssuerOptions = {}, onSleep?: (n: number) => number | undefined) {
  let clock = Date.now();
  const sleeps: number[] = [];
  fake = await startFakeIssuer({ now: () => clock, ...options });
  const provider = openaiProfile({ issuer: fake.url, env: {} });
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock += onSleep?.(sleeps.length) ?? ms;
  };
  return { fake, provider, sleeps, sleep, now: () => clock };
}

const polls = () => fake!.requests.filter((r) => r.path === '/api/accounts/deviceauth/token');

describe('OpenAI device flow', () => {
  it('requests a user code with {"client_id"} and hides the device id', async () => {
    const { provider } = await setup();
    const code = await requestUserCode({ fetch, provider });
    expect(fake!.requests.at(-1)!.body).toBe('{"client_id":"app_EMoamEEZ73f0CkXaXp7hrann"}');
    expect(code.userCode).toMatch(/^[A-Z]{4}-\d{5}$/);
    expect(code.intervalMs).toBe(1000); // the fake sends the string "1"
    expect(code.verificationUrl).toBe(`${fake!.url}/codex/device`);
    const shown = `${inspect(code, { showHidden: true })}${JSON.stringify(code)}`;
    expect(shown).not.toMatch(/dac_/);
    expect(Object.keys(code)).not.toContain('deviceAuthId');
  });

  it('accepts a numeric interval and the usercode alias', async () => {
    const { provider } = await setup();
    fake!.inject({
      path: '/api/accounts/deviceauth/usercode',
      kind: 'status',
      status: 200,
      body: '{"device_auth_id":"da_x","usercode":"WXYZ-00001","interval":3}',
    });
    const code = await requestUserCode({ fetch, provider });
    expect(code).toMatchObject({ userCode: 'WXYZ-00001', intervalMs: 3000 });
  });

  it('polls while pending (403), then exchanges at /oauth/token with the device callback', async () => {
    let userCode = '';
    const { provider, sleeps, sleep, now } = await setup({}, (n) => {
      if (n === 2) fake!.approveDevice(userCode);
      return undefined;
    });
    const code = await requestUserCode({ fetch, provider });
    userCode = code.userCode;
    const grant = await pollDeviceToken({ fetch, provider, deviceCode: code, sleep, now });
    expect(sleeps).toEqual([1000, 1000]);
    expect(polls()).toHaveLength(3);
    expect(polls()[0]!.body).toMatch(
      new RegExp(`^\\{"device_auth_id":"dac_[0-9a-f]{24}","user_code":"${userCode}"\\}$`),
    );
    expect(inspect(grant, { showHidden: true })).toBe('DeviceGrant {}');

    const tokens = await exchangeDeviceGrant({ fetch, provider, grant });
    expect(tokens.refreshToken).toBe(fake!.issued.grants[0]!.refreshTokens[0]);
    // Codex 0.171's order for the device exchange (observed on the wire), unlike the browser's.
    const exchange = new URLSearchParams(fake!.requests.at(-1)!.body);
    expect([...exchange.keys()]).toEqual([
      'grant_type',
      'client_id',
      'code',
      'redirect_uri',
      'code_verifier',
    ]);
    expect(fake!.requests.at(-1)!.headers.originator).toBeUndefined();
    expect(exchange.get('redirect_uri')).toBe(`${fake!.url}/deviceauth/callback`);
  });

  it('doubles the interval on slow_down', async () => {
    let userCode = '';
    // The first wait is cut short, so the second poll comes too early and earns a slow_down.
    const { provider, sleeps, sleep, now } = await setup({}, (n) => {
      if (n === 1) return 0;
      if (n === 3) fake!.approveDevice(userCode);
      return undefined;
    });
    const code = await requestUserCode({ fetch, provider });
    userCode = code.userCode;
    await pollDeviceToken({ fetch, provider, deviceCode: code, sleep, now });
    expect(sleeps).toEqual([1000, 2000, 2000]);
    expect(polls()).toHaveLength(4);
  });

  it('caps the doubled interval at 10 s', async () => {
    let userCode = '';
    const { provider, sleeps, sleep, now } = await setup({ deviceInterval: '8' }, (n) => {
      if (n === 1) return 0;
      if (n === 2) fake!.approveDevice(userCode);
      return undefined;
    });
    const code = await requestUserCode({ fetch, provider });
    userCode = code.userCode;
    await pollDeviceToken({ fetch, provider, deviceCode: code, sleep, now });
    expect(sleeps).toEqual([8000, 10000]);
  });

  it('ends with DEVICE_CODE_EXPIRED when the issuer says expired_token', async () => {
    const { provider, sleep, now } = await setup({ deviceCodeTtlSeconds: 60 }, () => 61_000);
    const code = await requestUserCode({ fetch, provider });
    const error = await pollDeviceToken({ fetch, provider, deviceCode: code, sleep, now }).catch(
      (e) => e,
    );
    expect(error.code).toBe(ErrorCodes.DEVICE_CODE_EXPIRED);
  });

  it('ends with ACCESS_DENIED when the user denies', async () => {
    let userCode = '';
    const { provider, sleep, now } = await setup({}, () => {
      fake!.denyDevice(userCode);
      return undefined;
    });
    const code = await requestUserCode({ fetch, provider });
    userCode = code.userCode;
    const error = await pollDeviceToken({ fetch, provider, deviceCode: code, sleep, now }).catch(
      (e) => e,
    );
    expect(error.code).toBe(ErrorCodes.ACCESS_DENIED);
  });

  it('gives up with LOGIN_TIMEOUT after timeoutMs, polling once more at the deadline', async () => {
    const { provider, sleeps, sleep, now } = await setup();
    const code = await requestUserCode({ fetch, provider });
    const error = await pollDeviceToken({
      fetch,
      provider,
      deviceCode: code,
      sleep,
      now,
      timeoutMs: 3500,
    }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.LOGIN_TIMEOUT);
    // The last wait is what was left of the 3.5 s, then one last poll at the deadline.
    expect(sleeps).toEqual([1000, 1000, 1000, 500]);
  });

  it('rides out a 502 and a dropped connection while polling, then signs in', async () => {
    let userCode = '';
    const { provider, sleep, now } = await setup({}, (n) => {
      if (n === 2) fake!.approveDevice(userCode);
      return undefined;
    });
    const code = await requestUserCode({ fetch, provider });
    userCode = code.userCode;
    const path = '/api/accounts/deviceauth/token';
    fake!.inject({ path, kind: 'status', status: 502, times: 1 });
    fake!.inject({ path, kind: 'drop', times: 1 });
    const grant = await pollDeviceToken({ fetch, provider, deviceCode: code, sleep, now });
    expect(polls()).toHaveLength(3);
    expect((await exchangeDeviceGrant({ fetch, provider, grant })).refreshToken).toBe(
      fake!.issued.grants[0]!.refreshTokens[0],
    );
  });

  it(`gives up after ${MAX_POLL_FAILURES} server errors in a row`, async () => {
    const { provider, sleep, now } = await setup();
    const code = await requestUserCode({ fetch, provider });
    fake!.inject({ path: '/api/accounts/deviceauth/token', kind: 'status', status: 503, times: 5 });
    await expect(
      pollDeviceToken({ fetch, provider, deviceCode: code, sleep, now }),
    ).rejects.toMatchObject({ code: ErrorCodes.TOKEN_EXCHANGE_FAILED, status: 503 });
    expect(polls()).toHaveLength(MAX_POLL_FAILURES);
  });

  it('maps a 404 on the usercode endpoint to DEVICE_LOGIN_DISABLED with a hint', async () => {
    const { provider } = await setup({ deviceLogin: false });
    const error = await requestUserCode({ fetch, provider }).catch((e) => e);
    expect(error.code).toBe(ErrorCodes.DEVICE_LOGIN_DISABLED);
    expect(error.message).toMatch(/Security/);
    expect(error.message).toMatch(/browser/);
  });
});

describe('startDeviceLogin (OpenAI)', () => {
  it('emits user_code_ready and resolves with tokens once approved', async () => {
    const { provider, sleep, now } = await setup({ deviceAutoApprove: true });
    const events: OAuthEvent[] = [];
    const login = await startDeviceLogin({
      provider,
      fetch,
      sleep,
      now,
      onEvent: (e) => events.push(e),
    });
    const tokens = await login.result;
    expect(tokens.accessToken).toBe(fake!.issued.grants[0]!.accessTokens[0]);
    expect(events.map((e) => e.type)).toEqual(['user_code_ready', 'waiting', 'exchanging']);
    expect(events[0]).toMatchObject({
      userCode: login.userCode,
      verificationUrl: login.verificationUrl,
    });
  });

  it('cancel() stops a real wait and rejects with LOGIN_CANCELLED', async () => {
    fake = await startFakeIssuer({ deviceInterval: '30' });
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const login = await startDeviceLogin({ provider, fetch });
    const pending = login.result.catch((e) => e);
    await login.cancel();
    expect((await pending).code).toBe(ErrorCodes.LOGIN_CANCELLED);
  });

  it('an aborted signal cancels the login', async () => {
    fake = await startFakeIssuer({ deviceInterval: '30' });
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const controller = new AbortController();
    const login = await startDeviceLogin({ provider, fetch, signal: controller.signal });
    controller.abort();
    expect((await login.result.catch((e) => e)).code).toBe(ErrorCodes.LOGIN_CANCELLED);
  });
});
