import { inspect } from 'node:util';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthEvent } from '../src/model/events.js';
import { startBrowserLogin } from '../src/protocol/browser-flow.js';
import { startDeviceLogin } from '../src/protocol/device-login.js';
import { pollDeviceToken } from '../src/protocol/openai/device-flow.js';
import { openaiProfile } from '../src/protocol/openai/provider-openai.js';
import { requestUserCode } from '../src/protocol/openai/user-code.js';
import { refreshTokens } from '../src/protocol/refresh.js';
import { resolveFetch } from '../src/transport/http.js';

let fake: FakeIssuer;
beforeEach(async () => {
  fake = await startFakeIssuer({ registeredPorts: 'any' });
});
afterEach(() => fake.stop());

const fetch = resolveFetch({ env: {} });

/** Every secret the fake issuer handed out or received: tokens, codes, verifiers, device ids. */
function secrets(): string[] {
  const found = new Set<string>();
  for (const grant of fake.issued.grants) {
    for (const t of [...grant.idTokens, ...grant.accessTokens, ...grant.refreshTokens])
      found.add(t);
  }
  for (const request of fake.requests) {
    const fields = { ...request.form, ...(request.json as Record<string, unknown> | undefined) };
    for (const key of ['code', 'code_verifier', 'device_auth_id', 'refresh_token', 'token']) {
      const value = fields[key];
      if (typeof value === 'string' && value) found.add(value);
    }
  }
  expect(found.size).toBeGreaterThan(3);
  return [...found];
}

/** Everything a user, a log or a debugger could see of these values. */
function visible(values: unknown[]): string {
  return values
    .map(
      (v) =>
        `${inspect(v, { showHidden: true, depth: 8 })}\n${safeJson(v)}\n${v instanceof Error ? `${v.message} ${v.stack}` : ''}`,
    )
    .join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

describe('no secret leaks', () => {
  it('browser and device logins, refresh failures: events, pending objects and errors hold no secret', async () => {
    const provider = openaiProfile({ issuer: fake.url, env: {} });
    const seen: unknown[] = [];
    const onEvent = (e: OAuthEvent) => seen.push(e);

    const browser = await startBrowserLogin({ provider, fetch, port: 0, onEvent });
    seen.push(browser);
    const answer = await globalThis.fetch(await fake.authorize(browser.authorizeUrl), {
      redirect: 'manual',
    });
    await answer.body?.cancel();
    const tokens = await browser.result;

    let clock = Date.now();
    const device = await startDeviceLogin({
      provider,
      fetch,
      onEvent,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
        fake.approveDevice(device.userCode);
      },
    });
    seen.push(device);
    await device.result;

    // A device poll that ends in denial, and the pending code object itself.
    const code = await requestUserCode({ fetch, provider });
    seen.push(code);
    fake.denyDevice(code.userCode);
    seen.push(await pollDeviceToken({ fetch, provider, deviceCode: code }).catch((e) => e));

    // A server that echoes the refresh token back in its error, then rotation reuse.
    fake.inject({
      path: '/oauth/token',
      kind: 'status',
      status: 400,
      body: JSON.stringify({
        error: 'bad',
        error_description: `token ${tokens.refreshToken} is bad`,
      }),
    });
    seen.push(
      await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken }).catch((e) => e),
    );
    await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken });
    seen.push(
      await refreshTokens({ fetch, provider, refreshToken: tokens.refreshToken }).catch((e) => e),
    );
    const errors = seen.filter((v) => v instanceof Error);
    expect(errors).toHaveLength(3);

    const text = visible(seen);
    for (const secret of secrets()) expect(text).not.toContain(secret);
  });
});
