import { afterEach, describe, expect, it } from 'vitest';
import { CODEX_CLIENT_ID, type FakeIssuer, s256, startFakeIssuer } from '../src/index.js';
import { manualClock, postForm, postJson } from './support.js';

const USERCODE = '/api/accounts/deviceauth/usercode';
const POLL = '/api/accounts/deviceauth/token';

let issuer: FakeIssuer | undefined;
afterEach(() => issuer?.stop());

async function start(options: Parameters<typeof startFakeIssuer>[0] = {}) {
  issuer = await startFakeIssuer(options);
  return issuer;
}

async function userCode(i: FakeIssuer) {
  const res = await postJson(i, USERCODE, { client_id: CODEX_CLIENT_ID });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function poll(i: FakeIssuer, body: Record<string, string>) {
  const res = await postJson(i, POLL, {
    device_auth_id: body.device_auth_id,
    user_code: body.user_code,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('device flow', () => {
  it('hands out a code with a string interval, 403s while pending, then succeeds and exchanges', async () => {
    const clock = manualClock();
    const i = await start({ now: clock.now });
    const { status, body } = await userCode(i);
    expect(status).toBe(200);
    expect(body.user_code).toMatch(/^[A-Z]{4}-\d{5}$/);
    expect(body.interval).toBe('1');
    expect(body.device_auth_id).toMatch(/^dac_[0-9a-f]{24}$/);
    expect(Date.parse(body.expires_at!)).toBe(clock.now() + 15 * 60 * 1000);

    const pending = await poll(i, body);
    expect(pending.status).toBe(403);
    expect(pending.body).toMatchObject({ error: { code: 'deviceauth_authorization_pending' } });

    i.approveDevice(body.user_code!.toLowerCase());
    clock.advance(1000);
    const done = await poll(i, body);
    expect(done.status).toBe(200);
    const {
      authorization_code: code,
      code_challenge: challenge,
      code_verifier: verifier,
    } = done.body as Record<string, string>;
    expect(s256(verifier!)).toBe(challenge);

    const exchange = await postForm(i, '/oauth/token', {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: `${i.url}/deviceauth/callback`,
      client_id: CODEX_CLIENT_ID,
      code_verifier: verifier!,
    });
    expect(exchange.status).toBe(200);
    expect(i.issued.grants[0]?.via).toBe('device');
    const again = await poll(i, body);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('answers slow_down to a poll sooner than the interval', async () => {
    const clock = manualClock();
    const i = await start({ now: clock.now, deviceInterval: '5' });
    const { body } = await userCode(i);
    expect((await poll(i, body)).status).toBe(403);
    clock.advance(2000);
    const fast = await poll(i, body);
    expect(fast.status).toBe(400);
    expect(fast.body).toMatchObject({ error: { code: 'slow_down' } });
    clock.advance(5000);
    expect((await poll(i, body)).status).toBe(403);
  });

  it('expires a code after its lifetime on the injected clock', async () => {
    const clock = manualClock();
    const i = await start({ now: clock.now });
    const { body } = await userCode(i);
    clock.advance(15 * 60 * 1000);
    i.approveDevice(body.user_code!);
    const expired = await poll(i, body);
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({ error: { code: 'expired_token' } });
  });

  it('answers access_denied after a denial', async () => {
    const i = await start({ deviceInterval: 0 });
    const { body } = await userCode(i);
    expect((await userCode(i)).body.interval).toBe(0);
    i.denyDevice(body.user_code!);
    const denied = await poll(i, body);
    expect(denied.status).toBe(400);
    expect(denied.body).toMatchObject({ error: { code: 'access_denied' } });
    expect(() => i.approveDevice('ZZZZ-00000')).toThrow(/unknown user code/);
  });

  it('answers 404 when device login is off', async () => {
    const i = await start({ deviceLogin: false });
    const { status } = await userCode(i);
    expect(status).toBe(404);
  });

  it('auto-approves on the first poll when asked', async () => {
    const i = await start({ deviceAutoApprove: true });
    const { body } = await userCode(i);
    expect((await poll(i, body)).status).toBe(200);
  });

  it('rejects an unknown device code and a wrong client id', async () => {
    const i = await start();
    expect((await poll(i, { device_auth_id: 'x', user_code: 'y' })).status).toBe(400);
    const res = await postJson(i, USERCODE, { client_id: 'app_other' });
    expect(res.status).toBe(400);
  });

  it('serves a page where a person types the code, approving or denying it', async () => {
    const i = await start({ deviceInterval: '0' });
    const form = await fetch(`${i.url}/codex/device`);
    expect(form.status).toBe(200);
    expect(await form.text()).toMatch(/<form method="post" action="\/codex\/device">/);
    const { body } = await userCode(i);
    const wrong = await postForm(i, '/codex/device', { user_code: '<script>x</script>' });
    expect(wrong.status).toBe(400);
    const text = await wrong.text();
    expect(text).not.toContain('<script>');
    expect(text).toContain('&#60;script&#62;');
    const ok = await postForm(i, '/codex/device', {
      user_code: body.user_code!,
      action: 'approve',
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/Device approved/);
    expect((await poll(i, body)).status).toBe(200);

    const second = (await userCode(i)).body;
    await postForm(i, '/codex/device', { user_code: second.user_code!, action: 'deny' });
    expect((await poll(i, second)).body).toMatchObject({ error: { code: 'access_denied' } });
  });
});
