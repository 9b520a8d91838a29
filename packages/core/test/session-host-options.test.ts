import { request } from 'node:http';
import type { FakeIssuer } from '@codex-oauth/fake-issuer';
import { describe, expect, it } from 'vitest';
import { CodexOAuthError } from '../src/model/errors.js';
import { awaitLogin, beginLogin, cancelLogin } from '../src/session/index.js';
import { baseOptions, type TempHome, useIssuerAndHome } from './helpers/session-fixtures.js';

// The host options of beginLogin (successPage, takeOverPort) through the session API, against the
// fake issuer with real loopback servers.

let fake: FakeIssuer;
let home: TempHome;
useIssuerAndHome(
  (sandbox) => {
    ({ fake, home } = sandbox);
  },
  { issuer: { deviceAutoApprove: false }, signOutMemory: true },
);

/** GET without following redirects: status and Location. */
function get(url: string): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('beginLogin host options', () => {
  it('successPage: { redirect } sends the tab from /success to the host, after the tokens are saved', async () => {
    const pending = await beginLogin({
      ...baseOptions(fake, home.dir),
      storage: 'memory',
      flow: 'browser',
      successPage: { redirect: 'http://127.0.0.1:3455/signed-in' },
    });
    if (pending.flow !== 'browser_code') throw new Error('expected a browser login');
    const callback = await fake.authorize(pending.authorizeUrl);
    const answer = await get(callback);
    expect(answer).toMatchObject({ status: 302, location: '/success' });
    const success = await get(new URL('/success?next=https://evil.invalid', callback).href);
    expect(success).toMatchObject({ status: 302, location: 'http://127.0.0.1:3455/signed-in' });
    const result = await awaitLogin(pending);
    expect(result.flowUsed).toBe('browser_code');
  });

  it('successPage: { title, message } shows the host words, escaped', async () => {
    const pending = await beginLogin({
      ...baseOptions(fake, home.dir),
      storage: 'memory',
      flow: 'browser',
      successPage: { title: 'Acme & co', message: 'Back to <Acme>.' },
    });
    if (pending.flow !== 'browser_code') throw new Error('expected a browser login');
    const callback = await fake.authorize(pending.authorizeUrl);
    await get(callback);
    const success = await get(new URL('/success', callback).href);
    expect(success.status).toBe(200);
    expect(success.body).toContain('<h1>Acme &amp; co</h1><p>Back to &lt;Acme&gt;.</p>');
    await awaitLogin(pending);
  });

  it('a bad successPage is CODEX_OAUTH_INVALID_OPTION before anything starts, whatever the flow', async () => {
    for (const flow of ['browser', 'device'] as const) {
      const error = await beginLogin({
        ...baseOptions(fake, home.dir),
        storage: 'memory',
        flow,
        successPage: { redirect: 'javascript:alert(1)' },
      }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(CodexOAuthError);
      expect((error as CodexOAuthError).code).toBe('CODEX_OAUTH_INVALID_OPTION');
    }
    expect(fake.count('/api/accounts/deviceauth/usercode')).toBe(0);
  });

  it('two pending sign-ins of one process on one fixed port: the second is LOGIN_IN_PROGRESS, the first goes on', async () => {
    const first = await beginLogin({
      ...baseOptions(fake, home.dir),
      storage: 'memory',
      flow: 'browser',
      port: 0,
    });
    if (first.flow !== 'browser_code') throw new Error('expected a browser login');
    const error = await beginLogin({
      ...baseOptions(fake, home.dir),
      storage: 'memory',
      flow: 'browser',
      port: first.port,
    }).catch((err: unknown) => err);
    expect((error as CodexOAuthError).code).toBe('CODEX_OAUTH_LOGIN_IN_PROGRESS');
    const callback = await fake.authorize(first.authorizeUrl);
    await get(callback);
    await get(new URL('/success', callback).href);
    await expect(awaitLogin(first)).resolves.toMatchObject({ flowUsed: 'browser_code' });
    await cancelLogin(first);
  });
});
