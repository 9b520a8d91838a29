import { type IncomingHttpHeaders, request } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type LoopbackServer,
  type LoopbackServerOptions,
  MISSING_ENTITLEMENT_MESSAGE,
  startLoopbackServer,
} from '../src/loopback/loopback-server.js';
import { CodexOAuthError } from '../src/model/errors.js';
import type { OAuthEvent } from '../src/model/events.js';

const STATE = 'expected-state_0123456789';
const CODE = 'ac_the-authorization-code-0123456789';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One raw GET over a fresh connection, with full control of the Host header. */
function get(
  port: number,
  path: string,
  opts: { host?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        agent: false,
        setHost: false,
        headers: { Host: opts.host ?? `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** True when we can bind 127.0.0.1:port ourselves, i.e. the server really let go of it. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port }, () => probe.close(() => resolve(true)));
  });
}

const started: LoopbackServer<unknown>[] = [];
async function start<T>(opts: Partial<LoopbackServerOptions<T>> = {}): Promise<LoopbackServer<T>> {
  const server = await startLoopbackServer<T>({
    port: 0,
    fallbackPort: null,
    expectedState: STATE,
    handleCode: async () => ({ ok: true }) as T,
    successGraceMs: 50,
    ...opts,
  });
  started.push(server as LoopbackServer<unknown>);
  return server;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function rejection(promise: Promise<unknown>): Promise<CodexOAuthError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CodexOAuthError);
    return err as CodexOAuthError;
  }
  throw new Error('expected a rejection');
}

function expectSafePage(reply: Reply): void {
  expect(reply.headers.connection).toBe('close');
  expect(reply.headers['cache-control']).toBe('no-store');
  expect(reply.headers['x-content-type-options']).toBe('nosniff');
  expect(reply.headers['content-security-policy']).toMatch(
    /default-src 'none'.*frame-ancestors 'none'/,
  );
  expect(reply.body).not.toContain(CODE);
}

describe('loopback server: callbacks', () => {
  it('ignores wrong and missing state, then completes on the right one', async () => {
    const events: OAuthEvent[] = [];
    const codes: string[] = [];
    const server = await start({
      // This test asks for more after the success (the page, then /success): a grace period
      // that outlasts a loaded machine's pauses, not the helper's 50 ms.
      successGraceMs: 30_000,
      onEvent: (e) => events.push(e),
      handleCode: async (code, { signal }) => {
        codes.push(code);
        expect(signal.aborted).toBe(false);
        return { tokens: 'ok' };
      },
    });
    expect(server.redirectUri).toBe(`http://127.0.0.1:${server.port}/auth/callback`);

    const wrong = await get(server.port, `/auth/callback?state=nope&code=${CODE}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toBe('State mismatch');
    const missing = await get(server.port, `/auth/callback?code=${CODE}`);
    expect(missing.status).toBe(400);
    expect(events).toEqual([]);

    const ok = await get(server.port, `/auth/callback?state=${STATE}&code=${CODE}`);
    expect(ok.status).toBe(302);
    expect(ok.headers.location).toBe('/success');
    expectSafePage(ok);
    await expect(server.result).resolves.toEqual({ tokens: 'ok' });
    expect(inspect(server)).toBe(
      `LoopbackServer { port: ${server.port}, redirectUri: '${server.redirectUri}' }`,
    );
    expect(codes).toEqual([CODE]);
    expect(events).toEqual([{ type: 'callback_received' }, { type: 'exchanging' }]);

    const later = await get(server.port, `/auth/callback?state=${STATE}&code=other`);
    expect(later.status).toBe(200);
    expect(later.body).toContain('already handled');

    const success = await get(server.port, '/success');
    expect(success.status).toBe(200);
    expect(success.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(success.body).toContain('Signed in to Codex');
    expect(success.body).toContain('close this tab');
    expectSafePage(success);
    await server.close();
    expect(await portIsFree(server.port)).toBe(true);
  });

  it('answers a second valid callback harmlessly while the first is exchanging', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const server = await start({
      handleCode: async () => {
        calls++;
        await gate;
        return 'first';
      },
    });
    const first = get(server.port, `/auth/callback?state=${STATE}&code=${CODE}`);
    // Wait until the first request is inside handleCode.
    while (calls === 0) await new Promise((r) => setImmediate(r));
    const second = await get(server.port, `/auth/callback?state=${STATE}&code=${CODE}`);
    expect(second.status).toBe(200);
    expect(second.body).toContain('already handled');
    release();
    expect((await first).status).toBe(302);
    await expect(server.result).resolves.toBe('first');
    expect(calls).toBe(1);
  });

  it('rejects a foreign Host header (DNS rebinding) and accepts localhost', async () => {
    const server = await start();
    for (const host of [`evil.test:${server.port}`, `127.0.0.1:${server.port + 1}`, 'localhost']) {
      const reply = await get(server.port, `/auth/callback?state=${STATE}&code=${CODE}`, { host });
      expect(reply.status).toBe(400);
      expect(reply.body).toBe('Bad Host header');
    }
    const viaLocalhost = await get(server.port, '/elsewhere', { host: `LOCALHOST:${server.port}` });
    expect(viaLocalhost.status).toBe(404);
    // The rejected requests did not end the login.
    const ok = await get(server.port, `/auth/callback?state=${STATE}&code=${CODE}`, {
      host: `localhost:${server.port}`,
    });
    expect(ok.status).toBe(302);
    await expect(server.result).resolves.toEqual({ ok: true });
  });

  it('answers 404 elsewhere, 405 to other methods, 431 to huge headers, all with Connection: close', async () => {
    const server = await start();
    for (const path of ['/', '/auth/callback/x', '/favicon.ico', '/success']) {
      const reply = await get(server.port, path);
      expect(reply.status).toBe(404);
      expect(reply.headers.connection).toBe('close');
    }
    const post = await get(server.port, '/auth/callback', { method: 'POST' });
    expect(post.status).toBe(405);
    const huge = await get(server.port, '/', { headers: { 'X-Big': 'a'.repeat(16 * 1024) } });
    expect(huge.status).toBe(431);
    expect(await portIsFree(server.port)).toBe(false);
  });

  it('ends with ACCESS_DENIED and an escaped page on error=access_denied', async () => {
    const server = await start();
    const description = '<script>alert("x")</script> & more';
    const reply = await get(
      server.port,
      `/auth/callback?state=${STATE}&error=access_denied&error_description=${encodeURIComponent(description)}`,
    );
    expect(reply.status).toBe(403);
    expectSafePage(reply);
    expect(reply.body).not.toContain('<script>');
    expect(reply.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    const err = await rejection(server.result);
    expect(err.code).toBe('CODEX_OAUTH_ACCESS_DENIED');
    expect(err.error).toBe('access_denied');
    expect(await portIsFree(server.port)).toBe(true);
  });

  it('gives missing_codex_entitlement its own message', async () => {
    const server = await start();
    const reply = await get(
      server.port,
      `/auth/callback?state=${STATE}&error=access_denied&error_description=User+has+MISSING_CODEX_ENTITLEMENT`,
    );
    expect(reply.body).toContain(MISSING_ENTITLEMENT_MESSAGE);
    const err = await rejection(server.result);
    expect(err.code).toBe('CODEX_OAUTH_ACCESS_DENIED');
    expect(err.message).toBe(
      'Codex is not enabled for your workspace. Contact your workspace administrator to request access to Codex.',
    );
  });

  it('ends other error values with ACCESS_DENIED and a missing code with INVALID_RESPONSE', async () => {
    const a = await start();
    await get(a.port, `/auth/callback?state=${STATE}&error=server_error`);
    const errA = await rejection(a.result);
    expect(errA.code).toBe('CODEX_OAUTH_ACCESS_DENIED');
    expect(errA.message).toContain('server_error');

    const b = await start();
    const reply = await get(b.port, `/auth/callback?state=${STATE}`);
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('missing_authorization_code');
    expect((await rejection(b.result)).code).toBe('CODEX_OAUTH_INVALID_RESPONSE');
  });

  it('shows an escaped error page and rejects when handleCode fails', async () => {
    const server = await start({
      handleCode: async () => {
        throw new Error('issuer said <b>no</b>');
      },
    });
    const reply = await get(server.port, `/auth/callback?state=${STATE}&code=${CODE}`);
    expect(reply.status).toBe(502);
    expectSafePage(reply);
    expect(reply.body).toContain('issuer said &lt;b&gt;no&lt;/b&gt;');
    const err = await rejection(server.result);
    expect(err.code).toBe('CODEX_OAUTH_TOKEN_EXCHANGE_FAILED');
    expect(await portIsFree(server.port)).toBe(true);

    const typed = await start({
      handleCode: async () => {
        throw new CodexOAuthError(
          'CODEX_OAUTH_WORKSPACE_MISMATCH',
          'Login is restricted to workspace id(s) A.',
        );
      },
    });
    const page = await get(typed.port, `/auth/callback?state=${STATE}&code=${CODE}`);
    expect(page.body).toContain('CODEX_OAUTH_WORKSPACE_MISMATCH');
    expect((await rejection(typed.result)).code).toBe('CODEX_OAUTH_WORKSPACE_MISMATCH');
  });
});

describe('loopback server: endings free the port', () => {
  it('on timeout', async () => {
    const server = await start({ timeoutMs: 50 });
    expect((await rejection(server.result)).code).toBe('CODEX_OAUTH_LOGIN_TIMEOUT');
    await server.close();
    expect(await portIsFree(server.port)).toBe(true);
  });

  it('on abort, also while a browser connection is open', async () => {
    const controller = new AbortController();
    const server = await start({ signal: controller.signal });
    const idle = connect({ host: '127.0.0.1', port: server.port });
    await new Promise((r) => idle.once('connect', r));
    const idleClosed = new Promise((r) => idle.once('close', r));
    idle.on('error', () => {});
    controller.abort(new Error('user pressed Ctrl-C'));
    const err = await rejection(server.result);
    expect(err.code).toBe('CODEX_OAUTH_LOGIN_CANCELLED');
    await idleClosed;
    await server.close();
    expect(await portIsFree(server.port)).toBe(true);
  });

  it('refuses to start with an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(start({ signal: controller.signal })).rejects.toMatchObject({
      code: 'CODEX_OAUTH_LOGIN_CANCELLED',
    });
  });

  it('on close(), without an unhandled rejection when nobody awaits result', async () => {
    const server = await startLoopbackServer({
      port: 0,
      fallbackPort: null,
      expectedState: STATE,
      handleCode: async () => 1,
    });
    await server.close();
    expect(await portIsFree(server.port)).toBe(true);
    // result is rejected but was never awaited: vitest would report an unhandled rejection.
    const awaited = await startLoopbackServer({
      port: 0,
      fallbackPort: null,
      expectedState: STATE,
      handleCode: async () => 1,
    });
    await awaited.close(new CodexOAuthError('CODEX_OAUTH_LOGIN_TIMEOUT', 'gave up'));
    expect((await rejection(awaited.result)).code).toBe('CODEX_OAUTH_LOGIN_TIMEOUT');
  });

  it('on GET /cancel', async () => {
    const server = await start();
    const reply = await get(server.port, '/cancel');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('Login cancelled');
    expect((await rejection(server.result)).code).toBe('CODEX_OAUTH_LOGIN_CANCELLED');
    expect(await portIsFree(server.port)).toBe(true);
  });

  it('after success, once /success is served or the grace period passes', async () => {
    const a = await start();
    await get(a.port, `/auth/callback?state=${STATE}&code=${CODE}`);
    await a.result;
    await get(a.port, '/success');
    await a.close();
    expect(await portIsFree(a.port)).toBe(true);

    const b = await start({ successGraceMs: 10 });
    await get(b.port, `/auth/callback?state=${STATE}&code=${CODE}`);
    await b.result;
    await b.close(); // waits for the grace period, no /success ever comes
    expect(await portIsFree(b.port)).toBe(true);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
  it.skipIf(external === undefined)(
    `is not reachable on a non-loopback address (${external ?? 'skipped: this machine has no non-loopback IPv4 address'})`,
    async () => {
      const server = await start();
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        const socket = connect({ host: external, port: server.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(null);
        });
        socket.once('error', resolve);
      });
      expect(error?.code).toBe('ECONNREFUSED');
    },
  );
});

/** A foreign listener that records what it receives and never answers. */
async function holdPort(
  port: number,
): Promise<{ received: () => string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let data = '';
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, resolve);
  });
  return {
    received: () => data,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const fixedPortsBusy = !(await portIsFree(1455)) || !(await portIsFree(1457));
const fixedReason = fixedPortsBusy
  ? ' (skipped: 1455 or 1457 is held by another process on this machine)'
  : '';

describe.sequential('loopback server: ports 1455 and 1457', () => {
  it.skipIf(fixedPortsBusy)(
    `never sends /cancel to an earlier sign-in of this process: the later one takes 1457${fixedReason}`,
    async () => {
      const earlier = await start({ port: 1455, fallbackPort: null });
      expect(earlier.port).toBe(1455);
      const later = await start({ port: 1455, fallbackPort: undefined });
      expect(later.port).toBe(1457);
      expect(later.redirectUri).toBe('http://127.0.0.1:1457/auth/callback');
      // The earlier one still takes its callback (test/loopback-concurrency.test.ts has more).
      expect((await get(1455, `/auth/callback?state=${STATE}&code=${CODE}`)).status).toBe(302);
      await earlier.result;
      await earlier.close();
      await later.close();
      expect(await portIsFree(1455)).toBe(true);
    },
    15_000,
  );

  it.skipIf(fixedPortsBusy)(
    `falls back to 1457 when a foreign socket keeps 1455${fixedReason}`,
    async () => {
      const holder = await holdPort(1455);
      try {
        const server = await start({
          port: 1455,
          fallbackPort: undefined,
          redirectHost: 'localhost',
        });
        expect(server.port).toBe(1457);
        expect(server.redirectUri).toBe('http://localhost:1457/auth/callback');
        expect(holder.received()).toContain(
          'GET /cancel HTTP/1.1\r\nHost: 127.0.0.1:1455\r\nConnection: close',
        );
        await server.close();
        expect(await portIsFree(1457)).toBe(true);
      } finally {
        await holder.close();
      }
    },
    15_000,
  );

  it.skipIf(fixedPortsBusy)(
    `reports CODEX_OAUTH_PORT_IN_USE when both ports are held${fixedReason}`,
    async () => {
      const a = await holdPort(1455);
      const b = await holdPort(1457);
      try {
        const err = await rejection(start({ port: 1455, fallbackPort: undefined }));
        expect(err.code).toBe('CODEX_OAUTH_PORT_IN_USE');
        expect(err.message).toContain('127.0.0.1:1455');
        expect(err.message).toContain('127.0.0.1:1457');
        if (process.platform === 'linux') expect(err.message).toContain(`pid ${process.pid}`);
        expect(b.received()).toBe(''); // no /cancel is sent to the fallback port
      } finally {
        await a.close();
        await b.close();
      }
    },
    15_000,
  );

  it.skipIf(fixedPortsBusy)(
    `stops retrying and binds nothing when aborted while 1455 is busy${fixedReason}`,
    async () => {
      const holder = await holdPort(1455);
      try {
        const controller = new AbortController();
        const starting = start({ port: 1455, fallbackPort: undefined, signal: controller.signal });
        // Abort once the /cancel request shows the binder is in its retry loop.
        while (holder.received() === '') await new Promise((r) => setTimeout(r, 5));
        controller.abort();
        expect((await rejection(starting)).code).toBe('CODEX_OAUTH_LOGIN_CANCELLED');
        expect(await portIsFree(1457)).toBe(true);
      } finally {
        await holder.close();
      }
    },
    15_000,
  );
});
