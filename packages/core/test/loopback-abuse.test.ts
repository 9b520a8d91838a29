import { connect, createServer, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { type FakeIssuer, startFakeIssuer } from '@codex-oauth/fake-issuer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/model/errors.js';
import { type BrowserLogin, startBrowserLogin } from '../src/protocol/browser-flow.js';
import { openaiProfile } from '../src/protocol/openai/provider-openai.js';
import { resolveFetch } from '../src/transport/http.js';

/**
 * Abuse of the browser flow's loopback server while a real sign-in is pending: thousands of junk
 * requests, oversized headers, malformed request lines and slowloris clients must neither end nor
 * stall the sign-in, never earn a redirect to `/success`, and never get their input reflected
 * unescaped. Every socket is on 127.0.0.1 (plus this machine's own non-loopback address, only to
 * prove nothing answers there).
 */

const JUNK_REQUESTS = 3000;
const CONCURRENCY = 48;
const SLOW_CLIENTS = 40;
const PAYLOAD = `<script>alert(1)</script>"'`;
const SEED = Number(process.env.CODEX_OAUTH_ABUSE_SEED ?? 0x5eed);

const fetch = resolveFetch({ env: {} });
let fake: FakeIssuer;
beforeEach(async () => {
  fake = await startFakeIssuer({ registeredPorts: 'any' });
});
afterEach(() => fake.stop());

const begin = async (): Promise<BrowserLogin> =>
  startBrowserLogin({
    provider: openaiProfile({ issuer: fake.url, env: {} }),
    fetch,
    port: 0, // with a port other than 1455 there is no fallback port
  });

interface RawReply {
  status: number; // 0 when the server closed without answering
  body: string;
}

/**
 * Writes `bytes` on a fresh 127.0.0.1 connection and reads until the server closes it. Junk
 * half-closes at once (`end`), so a request the parser cannot finish ends instead of waiting for
 * the header timeout; a real browser request keeps its side open (`halfClose: false`), since the
 * server drops a request whose client hung up before the answer.
 */
function raw(port: number, bytes: string | Buffer, halfClose = true): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const finish = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const split = text.indexOf('\r\n\r\n');
      resolve({ status, body: split < 0 ? '' : text.slice(split + 4) });
    };
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {}); // a reset after a 4xx is fine: `close` follows
    socket.on('close', finish);
    if (halfClose) socket.end(bytes);
    else socket.write(bytes);
  });
}

const request = (path: string, host: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;

/** What a browser sends: a well-formed GET with the right Host, its side left open. */
const browser = (port: number, path: string) =>
  raw(port, request(path, `localhost:${port}`), false);

/** mulberry32: reproducible junk (set CODEX_OAUTH_ABUSE_SEED to replay a failure). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'path' | 'state' | 'host' | 'oversized' | 'malformed' | 'method';
interface Junk {
  kind: Kind;
  bytes: string | Buffer;
  expect: number[]; // acceptable statuses (0 = closed without answer)
}

function junk(port: number, rnd: () => number): Junk {
  const token = () => Math.floor(rnd() * 2 ** 48).toString(36);
  const host = `127.0.0.1:${port}`;
  const esc = encodeURIComponent(PAYLOAD);
  const pick = Math.floor(rnd() * 6);
  switch (pick) {
    case 0: {
      // Never `/cancel`: by design it ends the login (a newer sign-in asks for the port).
      const paths = [`/${token()}`, `/${PAYLOAD}`, `/auth/${esc}`, '/success', '/auth/callbac'];
      return {
        kind: 'path',
        bytes: request(paths[token().length % paths.length]!, host),
        expect: [400, 404],
      };
    }
    case 1: {
      const queries = [
        `?code=ac_${token()}&state=${token()}`,
        `?code=ac_${token()}`,
        `?state=${esc}&error=${esc}&error_description=${esc}`,
        `?code=${esc}&state=`,
        `?state=${token()}&state=${token()}&code=x`,
      ];
      const q = queries[Math.floor(rnd() * queries.length)]!;
      return { kind: 'state', bytes: request(`/auth/callback${q}`, host), expect: [400] };
    }
    case 2: {
      const hosts = [
        'evil.example',
        `127.0.0.1:${port}.evil.example`,
        `localhost:${port + 1}`,
        PAYLOAD,
      ];
      const h = hosts[Math.floor(rnd() * hosts.length)]!;
      return {
        kind: 'host',
        bytes: request(`/auth/callback?code=x&state=${token()}`, h),
        expect: [400],
      };
    }
    case 3:
      return {
        kind: 'oversized',
        bytes: request(
          '/auth/callback',
          host,
          `X-Junk: ${'a'.repeat(9 * 1024 + Math.floor(rnd() * 8192))}\r\n`,
        ),
        expect: [431],
      };
    case 4: {
      const lines = [
        'GARBAGE\r\n\r\n',
        `GET /${PAYLOAD} HTTP/9.9\r\nHost: ${host}\r\n\r\n`,
        'GET / HTTP/1.1\r\nHost: \u0000\r\n\r\n',
        Buffer.from(Array.from({ length: 64 }, () => Math.floor(rnd() * 256))),
        `GET /auth/callback HTTP/1.1\r\nHost ${host}\r\n\r\n`,
        'GET /auth/callback HTTP/1.1\r\n\r\n', // HTTP/1.1 without Host
      ];
      return {
        kind: 'malformed',
        bytes: lines[Math.floor(rnd() * lines.length)]!,
        expect: [0, 400],
      };
    }
    default:
      return {
        kind: 'method',
        bytes: `POST /auth/callback?code=x&state=${token()} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        expect: [405],
      };
  }
}

/** Runs `count` junk requests with at most `CONCURRENCY` in flight; returns every unexpected one. */
async function flood(
  port: number,
  count: number,
): Promise<{ kinds: Record<string, number>; bad: string[] }> {
  const rnd = random(SEED);
  const kinds: Record<string, number> = {};
  const bad: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const j = junk(port, rnd);
      const reply = await raw(port, j.bytes);
      kinds[`${j.kind} ${reply.status}`] = (kinds[`${j.kind} ${reply.status}`] ?? 0) + 1;
      if (!j.expect.includes(reply.status)) bad.push(`${j.kind}: status ${reply.status}`);
      if (reply.body.includes(PAYLOAD) || reply.body.includes('<script>'))
        bad.push(`${j.kind}: reflected`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { kinds, bad };
}

/** Sockets that send a partial request and then a byte now and then, never finishing headers. */
function slowClients(port: number, n: number): { sockets: Socket[]; stop: () => void } {
  const sockets: Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  for (let i = 0; i < n; i++) {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    socket.write(
      `GET /auth/callback?state=slow${i} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `,
    );
    timers.push(setInterval(() => socket.writable && socket.write('a'), 100));
    sockets.push(socket);
  }
  return { sockets, stop: () => timers.forEach(clearInterval) };
}

const settledYet = (p: Promise<unknown>) =>
  Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((r) => setImmediate(() => r(false))),
  ]);

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('loopback server under abuse', () => {
  it(`survives ${JUNK_REQUESTS} junk requests and ${SLOW_CLIENTS} slow clients, then completes the real sign-in`, async () => {
    const login = await begin();
    const slow = slowClients(login.port, SLOW_CLIENTS);
    try {
      const { kinds, bad } = await flood(login.port, JUNK_REQUESTS);
      console.log(`junk by kind and status (seed ${SEED}):`, kinds);
      expect(bad).toEqual([]);
      expect(await settledYet(login.result)).toBe(false); // the junk did not end the login
      expect(fake.count('/oauth/token')).toBe(0); // and no junk callback reached the exchange

      // The real browser, while the slow clients still hold their sockets open.
      const callback = await fake.authorize(login.authorizeUrl);
      const { pathname, search } = new URL(callback);
      const answer = await browser(login.port, `${pathname}${search}`);
      expect(answer.status).toBe(302);
      const tokens = await login.result;
      expect(tokens.accessToken).toBe(fake.issued.grants[0]!.accessTokens[0]);
      expect(fake.count('/oauth/token')).toBe(1);

      const success = await browser(login.port, '/success');
      expect(success.status).toBe(200);
      await login.cancel(); // after a success: waits until the server has closed
      expect(await portIsFree(login.port)).toBe(true);
      // Closing freed every slowloris socket too.
      await Promise.all(
        slow.sockets.map((s) => (s.closed ? null : new Promise((r) => s.once('close', r)))),
      );
    } finally {
      slow.stop();
      for (const s of slow.sockets) s.destroy();
      await login.cancel();
    }
  }, 60_000);

  it('escapes input reflected on error pages (error, error_description, code)', async () => {
    const payload = encodeURIComponent(PAYLOAD);
    const variants: [query: string, status: number, code: string][] = [
      [`error=${payload}&error_description=${payload}`, 403, ErrorCodes.ACCESS_DENIED],
      [
        `error=access_denied&error_description=missing_codex_entitlement${payload}`,
        403,
        ErrorCodes.ACCESS_DENIED,
      ],
      // The issuer refuses this code, so the answer is the exchange-failure page.
      [`code=${payload}`, 502, ErrorCodes.TOKEN_EXCHANGE_FAILED],
      ['code=', 400, ErrorCodes.INVALID_RESPONSE],
    ];
    for (const [query, status, code] of variants) {
      const login = await begin();
      const reply = await browser(login.port, `/auth/callback?state=${login.state}&${query}`);
      expect(reply.status).toBe(status);
      expect(reply.body).not.toContain('<script>');
      expect(reply.body).not.toContain(PAYLOAD);
      if (query.startsWith('error=%3C')) {
        // `error` is shown as the error code: present, but only in its escaped form.
        expect(reply.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;');
      }
      await expect(login.result).rejects.toMatchObject({ code });
      expect(await portIsFree(login.port)).toBe(true);
    }
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal)
    // Link-local IPv6 needs a zone and is not routable beyond the link: not a place to listen on.
    .filter((a) => !a!.address.toLowerCase().startsWith('fe80:'));
  const noExternal =
    external.length === 0 ? ' (skipped: this machine has no non-loopback address)' : '';
  it.skipIf(noExternal !== '')(`answers on no non-loopback address${noExternal}`, async () => {
    const login = await begin();
    try {
      for (const a of external) {
        const host = a!.address;
        const outcome = await new Promise<string>((resolve) => {
          const s = connect({ host, port: login.port });
          s.once('connect', () => {
            s.destroy();
            resolve('connected');
          });
          s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        });
        expect({ address: a!.address, outcome }).toEqual({
          address: a!.address,
          outcome: 'ECONNREFUSED',
        });
      }
      // The login is unharmed by the attempts.
      expect(await settledYet(login.result)).toBe(false);
    } finally {
      await login.cancel();
    }
  });
});
