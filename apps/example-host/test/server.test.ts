import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, type ExampleHost, REAL_ISSUER, startExampleHost } from '../src/index.js';

describe('example-host server', () => {
  let issuer: FakeIssuer;
  let host: ExampleHost;
  let codexHome: string;

  beforeAll(async () => {
    codexHome = await mkdtemp(join(tmpdir(), 'example-host-server-'));
    issuer = await startFakeIssuer({ registeredPorts: 'any' });
    host = await startExampleHost({
      ...configFromEnv({ CODEX_HOME: codexHome, PORT: '0', LOGIN_PORT: '0' }, issuer.url),
    });
  });

  afterAll(async () => {
    await host?.close();
    await issuer?.stop();
    if (codexHome) await rm(codexHome, { recursive: true, force: true });
  });

  it('serves the page with a strict CSP and a session cookie', async () => {
    const res = await fetch(`${host.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${host.url}/api/status`,
        { headers: { host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('refuses POSTs from another origin or without JSON', async () => {
    const foreign = await fetch(`${host.url}/api/login/device`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    const form = await fetch(`${host.url}/api/logout`, {
      method: 'POST',
      headers: { origin: host.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
    expect(issuer.count('/api/accounts/deviceauth/usercode')).toBe(0);
  });

  it('reads the issuer from ISSUER, then CODEX_OAUTH_ISSUER, else the real one', () => {
    expect(configFromEnv({ ISSUER: 'http://127.0.0.1:9/' }).issuer).toBe('http://127.0.0.1:9');
    expect(configFromEnv({ CODEX_OAUTH_ISSUER: 'http://127.0.0.1:8' }).issuer).toBe(
      'http://127.0.0.1:8',
    );
    expect(configFromEnv({}).issuer).toBe(REAL_ISSUER);
    // Fake tokens never go to a person's ~/.codex: without CODEX_HOME a fake issuer gets a temp dir.
    expect(configFromEnv({}, issuer.url).codexHome).toBe(join(tmpdir(), 'example-host-codex'));
  });

  it('serves the sign-in tab its /signed-in page under the same CSP', async () => {
    const res = await fetch(`${host.url}/signed-in`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('You are signed in');
  });

  it('reads SUCCESS_PAGE: redirect by default, message or codex, anything else refused', () => {
    expect(configFromEnv({}).successPage).toBe('redirect');
    expect(configFromEnv({ SUCCESS_PAGE: 'message' }).successPage).toBe('message');
    expect(configFromEnv({ SUCCESS_PAGE: 'codex' }).successPage).toBe('codex');
    expect(() => configFromEnv({ SUCCESS_PAGE: 'https://evil.invalid/' })).toThrow(
      'SUCCESS_PAGE must be redirect, message or codex',
    );
  });
});
