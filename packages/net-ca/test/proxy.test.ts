import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { Server } from 'node:https';
import {
  createThrowawayCa,
  opensslUnavailableReason,
  type ThrowawayCa,
} from '@codex-oauth/test-support/throwaway-ca';
import { EnvHttpProxyAgent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createFetch,
  type NetEnv,
  type NetFetch,
  proxyFor,
  resolveProxyConfig,
} from '../src/index.js';
import {
  closedPort,
  type Running,
  rejection,
  startConnectProxy,
  startHttpsServer,
} from './helpers.js';

const reason = await opensslUnavailableReason();

describe.skipIf(reason)(
  `createFetch through a proxy${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let pki: ThrowawayCa;
    let server: Running<Server>;
    let proxy: Running<HttpServer> & { tunnels: string[] };
    const fetches: NetFetch[] = [];

    beforeAll(async () => {
      pki = await createThrowawayCa();
      server = await startHttpsServer(pki.leaf);
      proxy = await startConnectProxy();
    });
    beforeEach(() => {
      proxy.tunnels.length = 0;
    });
    afterEach(async () => {
      await Promise.all(fetches.splice(0).map((f) => f.close()));
    });
    afterAll(async () => {
      await Promise.all([server?.close(), proxy?.close()]);
      await pki?.cleanup();
    });

    function fetchWith(env: NetEnv): NetFetch {
      const f = createFetch({ CODEX_CA_CERTIFICATE: pki.ca.certPath, ...env });
      fetches.push(f);
      return f;
    }

    async function status(f: NetFetch): Promise<number> {
      const res = await f(`${server.url}/via`);
      await res.body?.cancel();
      return res.status;
    }

    it('tunnels HTTPS through HTTPS_PROXY and still verifies with the custom CA', async () => {
      const f = fetchWith({ HTTPS_PROXY: proxy.url });
      expect(f.dispatcher).toBeInstanceOf(EnvHttpProxyAgent);
      expect(await status(f)).toBe(200);
      expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`]);
    });

    it('reads the lower-case https_proxy, and HTTP_PROXY for https when HTTPS_PROXY is unset', async () => {
      expect(await status(fetchWith({ https_proxy: proxy.url, HTTPS_PROXY: '' }))).toBe(200);
      expect(await status(fetchWith({ HTTP_PROXY: proxy.url }))).toBe(200);
      expect(proxy.tunnels).toHaveLength(2);
    });

    it('does not trust the tunnelled server without the CA', async () => {
      const f = createFetch({ HTTPS_PROXY: proxy.url });
      fetches.push(f);
      const error = await rejection(f(`${server.url}/via`));
      expect(error.code).toBe('CODEX_OAUTH_TLS_UNTRUSTED');
      expect(error.message).toContain(`through proxy ${proxy.url}`);
      expect(proxy.tunnels).toHaveLength(1);
    });

    it('bypasses the proxy for hosts in NO_PROXY', async () => {
      expect(await status(fetchWith({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }))).toBe(200);
      expect(
        await status(fetchWith({ HTTPS_PROXY: proxy.url, no_proxy: 'localhost, 127.0.0.1' })),
      ).toBe(200);
      expect(await status(fetchWith({ HTTPS_PROXY: proxy.url, NO_PROXY: '*' }))).toBe(200);
      expect(proxy.tunnels).toHaveLength(0);
    });

    it('names the proxy, without its credentials, when the proxy is down', async () => {
      const port = await closedPort();
      const f = fetchWith({ HTTPS_PROXY: `http://user:hunter2@127.0.0.1:${port}` });
      const error = await rejection(f(`${server.url}/via`));
      expect(error.code).toBe('CODEX_OAUTH_NETWORK_ERROR');
      expect(error.message).toContain(`through proxy http://127.0.0.1:${port}`);
      expect(error.message).toContain('NO_PROXY');
      expect(error.message).not.toContain('hunter2');
    });

    it('reads proxy variables from the env record only, never process.env behind it', async () => {
      const port = await closedPort();
      const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
      process.env.HTTPS_PROXY = `http://127.0.0.1:${port}`;
      process.env.NO_PROXY = '';
      try {
        expect(await status(fetchWith({}))).toBe(200);
        const f = fetchWith({ HTTPS_PROXY: proxy.url });
        process.env.NO_PROXY = '127.0.0.1'; // undici alone re-reads NO_PROXY on every request
        expect(await status(f)).toBe(200);
        expect(proxy.tunnels).toHaveLength(1);
      } finally {
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      }
    });
  },
);

describe('proxyFor', () => {
  const config = resolveProxyConfig({
    HTTPS_PROXY: 'http://proxy.test:3128',
    NO_PROXY: '.internal.test,10.0.0.1:8443',
  });

  it('mirrors undici: NO_PROXY hosts, subdomains and ports', () => {
    expect(proxyFor('https://auth.example.test/', config)).toBe('http://proxy.test:3128');
    expect(proxyFor('https://a.internal.test/', config)).toBeNull();
    expect(proxyFor('https://internal.test/', config)).toBeNull();
    expect(proxyFor('https://10.0.0.1:8443/', config)).toBeNull();
    expect(proxyFor('https://10.0.0.1/', config)).toBe('http://proxy.test:3128');
    expect(proxyFor('http://plain.test/', config)).toBeNull();
  });
});

describe('a proxy that accepts the connection but never answers CONNECT', () => {
  it('times out with REQUEST_TIMEOUT naming the proxy', async () => {
    const held: Array<{ destroy(): void }> = [];
    const silent = createServer();
    silent.on('connect', (_req, socket) => held.push(socket)); // never answer
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    const f = createFetch({ HTTPS_PROXY: `http://127.0.0.1:${port}` }, { requestTimeoutMs: 200 });
    try {
      const error = await rejection(f(`https://127.0.0.1:${await closedPort()}/never`));
      expect(error.code).toBe('CODEX_OAUTH_REQUEST_TIMEOUT');
      expect(error.message).toContain(`through proxy http://127.0.0.1:${port}`);
    } finally {
      await f.dispatcher.destroy();
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });
});
