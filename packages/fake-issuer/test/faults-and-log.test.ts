import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CODEX_CLIENT_ID, type FakeIssuer, startFakeIssuer } from '../src/index.js';
import { postForm, postJson, refreshJson, signIn } from './support.js';

let issuer: FakeIssuer;
beforeEach(async () => {
  issuer = await startFakeIssuer();
});
afterEach(() => issuer.stop());

describe('fault injection', () => {
  it('answers an injected status, with a custom body, for `times` requests then recovers', async () => {
    issuer.inject({ path: '/oauth/token', kind: 'status', status: 503, times: 2 });
    issuer.inject({ path: '/oauth/revoke', kind: 'status', status: 500, body: 'boom' });
    const a = await refreshJson(issuer, 'rt_x');
    expect(a.status).toBe(503);
    expect(await a.json()).toMatchObject({ error: 'server_error' });
    expect((await refreshJson(issuer, 'rt_x')).status).toBe(503);
    expect((await refreshJson(issuer, 'rt_x')).status).toBe(401);
    const revoke = await postJson(issuer, '/oauth/revoke', { token: 't' });
    expect(revoke.status).toBe(500);
    expect(await revoke.text()).toBe('boom');
  });

  it('drops the connection', async () => {
    issuer.inject({ path: '/oauth/token', kind: 'drop' });
    await expect(refreshJson(issuer, 'rt_x')).rejects.toThrow();
    expect(issuer.count('/oauth/token')).toBe(1);
  });

  it('answers malformed JSON', async () => {
    issuer.inject({ path: '/oauth/token', kind: 'malformed' });
    const res = await refreshJson(issuer, 'rt_x');
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('delays, then answers normally', async () => {
    const tokens = await signIn(issuer);
    issuer.inject({ path: '/oauth/token', kind: 'delay', ms: 50 });
    const res = await refreshJson(issuer, tokens.refresh_token);
    expect(res.status).toBe(200);
  });

  it('forgets faults on clearFaults and refuses times <= 0', async () => {
    issuer.inject({
      path: '/oauth/token',
      kind: 'status',
      status: 500,
      times: Number.POSITIVE_INFINITY,
    });
    issuer.clearFaults();
    expect((await refreshJson(issuer, 'rt_x')).status).toBe(401);
    expect(() => issuer.inject({ path: '/x', kind: 'drop', times: 0 })).toThrow(RangeError);
  });
});

describe('request log', () => {
  it('records method, path, query, headers, raw body and parsed json/form', async () => {
    await fetch(`${issuer.url}/oauth/authorize?a=1&b=2`);
    await postForm(issuer, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: CODEX_CLIENT_ID,
    });
    await postJson(issuer, '/oauth/revoke', { token: 'rt_1' });
    const [get, form, json] = issuer.requests;
    expect(get).toMatchObject({
      method: 'GET',
      path: '/oauth/authorize',
      query: { a: '1', b: '2' },
      body: '',
    });
    expect(form?.form).toEqual({ grant_type: 'refresh_token', client_id: CODEX_CLIENT_ID });
    expect(form?.body).toBe(`grant_type=refresh_token&client_id=${CODEX_CLIENT_ID}`);
    expect(form?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(json?.json).toEqual({ token: 'rt_1' });
    expect(json?.form).toBeUndefined();
    expect(typeof json?.time).toBe('number');
    expect(issuer.count('/oauth/token')).toBe(1);
    expect(issuer.count('/nowhere')).toBe(0);
  });

  it('answers 405 to a wrong method on a known path', async () => {
    expect((await fetch(`${issuer.url}/oauth/token`)).status).toBe(405);
  });
});

describe('server', () => {
  it('listens on 127.0.0.1 only', async () => {
    expect(issuer.url).toBe(`http://127.0.0.1:${issuer.port}`);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const socket = connect(issuer.port, '::1');
      socket.on('connect', () => {
        socket.destroy();
        resolve(null);
      });
      socket.on('error', resolve);
    });
    expect(error?.code).toMatch(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH/);
  });

  it('stop() also closes connections in the middle of a request', async () => {
    // Half a request: server.close() alone would wait for this connection forever.
    const socket = connect(issuer.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    await issuer.stop();
    await closed;
    await expect(fetch(`${issuer.url}/codex/device`)).rejects.toThrow();
  });
});
