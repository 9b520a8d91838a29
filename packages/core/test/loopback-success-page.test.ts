import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoopbackServer, startLoopbackServer } from '../src/loopback/loopback-server.js';
import type { SuccessPage } from '../src/loopback/success-page.js';
import { CodexOAuthError } from '../src/model/errors.js';

// The host's own success page: text (escaped), body markup (under the page's CSP) or a redirect
// back to the host (only to the URL it configured), over a real loopback server.

const STATE = 'success-page-state_0123456789';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const started: LoopbackServer<unknown>[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

/** Signs in through a real callback and returns what `/success` (with `query`) answers. */
async function successWith(page: SuccessPage | undefined, query = ''): Promise<Reply> {
  const server = await startLoopbackServer<unknown>({
    port: 0,
    fallbackPort: null,
    expectedState: STATE,
    handleCode: async () => ({}),
    successGraceMs: 2000,
    ...(page && { successPage: page }),
  });
  started.push(server);
  const callback = await get(server.port, `/auth/callback?state=${STATE}&code=ac_0123`);
  expect(callback.status).toBe(302);
  expect(callback.headers.location).toBe('/success');
  return get(server.port, `/success${query}`);
}

describe('loopback server: successPage', () => {
  it("keeps Codex's page by default", async () => {
    const reply = await successWith(undefined);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('return to your terminal');
  });

  it('shows the host text, escaped, under the same CSP', async () => {
    const reply = await successWith({
      title: 'Signed in to <Acme>',
      message: 'Go back to the Acme tab. <script>alert(1)</script>',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<h1>Signed in to &lt;Acme&gt;</h1>');
    expect(reply.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(reply.body).not.toContain('<script>');
    expect(reply.body).not.toContain('terminal');
    expect(reply.headers['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-/,
    );
  });

  it("serves the host's markup under the CSP that lets nothing in it run or load", async () => {
    const html =
      '<h1>Welcome back</h1><p>You can close this tab.</p><img src="https://x.invalid/p">';
    const reply = await successWith({ html });
    expect(reply.body).toContain(html);
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(csp).not.toContain('img-src');
  });

  it('redirects to the configured host URL and ignores anything in the request', async () => {
    const target = 'http://127.0.0.1:3455/?signed-in=1';
    const reply = await successWith(
      { redirect: target },
      '?redirect=https://evil.invalid/&next=//evil.invalid',
    );
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe(target);
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
  });

  it("sends the person back to the host, not 'your terminal', when the sign-in fails", async () => {
    const server = await startLoopbackServer<unknown>({
      port: 0,
      fallbackPort: null,
      expectedState: STATE,
      handleCode: async () => ({}),
      successPage: { redirect: 'http://127.0.0.1:3455/signed-in' },
    });
    started.push(server);
    const denied = await get(server.port, `/auth/callback?state=${STATE}&error=access_denied`);
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('Go back to the page you signed in from and try again.');
    expect(denied.body).not.toContain('terminal');
    await server.result.catch(() => {});
  });

  it.each([
    [{ redirect: 'javascript:alert(1)' }, 'http: or https:'],
    [{ redirect: 'data:text/html,hi' }, 'http: or https:'],
    [{ redirect: '/relative/path' }, 'absolute http(s) URL'],
    [{ redirect: '//evil.invalid/' }, 'absolute http(s) URL'],
    [{ redirect: 'https://user:pw@host.invalid/' }, 'user name or password'],
    [{ html: '<p>x</p>', redirect: 'https://a.invalid/' }, 'exactly one'],
    [{ message: 42 }, 'message must be a string'],
    [{ html: 'x'.repeat(70_000) }, 'longer than'],
    ['just a string', 'expected'],
  ])('refuses %j before anything binds', async (page, why) => {
    const error = await startLoopbackServer<unknown>({
      port: 0,
      fallbackPort: null,
      expectedState: STATE,
      handleCode: async () => ({}),
      successPage: page as SuccessPage,
    }).then(
      (server) => {
        started.push(server);
        return null;
      },
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(CodexOAuthError);
    expect((error as CodexOAuthError).code).toBe('CODEX_OAUTH_INVALID_OPTION');
    expect((error as CodexOAuthError).message).toContain(why);
  });
});
