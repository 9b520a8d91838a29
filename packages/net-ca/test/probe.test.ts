import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { opensslUnavailableReason, type ThrowawayCa } from '@codex-oauth/test-support/throwaway-ca';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaFromEnv } from '../src/ca-bundle.js';
import { classifyNetworkError } from '../src/classify-error.js';
import { probeDirect } from '../src/probe.js';
import { closedPort, type Running, rejection, useThrowawayHttps } from './helpers.js';

// probeDirect is doctor's undici-free GET: the same trust list as the transport, a bounded body,
// the socket's own errors for the classifier. Real servers on 127.0.0.1 throughout.

const timeout = () => AbortSignal.timeout(5_000);

describe('probeDirect over plain HTTP', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big') {
        res.setHeader('content-type', 'application/json');
        res.end('x'.repeat(5_000));
      } else if (req.url === '/missing') {
        res.statusCode = 404;
        res.end('not here');
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer: 'http://127.0.0.1', path: req.url }));
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server?.close());

  it('returns the status and a small 2xx body', async () => {
    const answer = await probeDirect(`${base}/.well-known/openid-configuration`, {
      bundle: null,
      signal: timeout(),
      maxBytes: 1024,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ path: '/.well-known/openid-configuration' });
  });

  it('reads no body past maxBytes, and none for a non-2xx answer', async () => {
    const big = await probeDirect(`${base}/big`, {
      bundle: null,
      signal: timeout(),
      maxBytes: 100,
    });
    expect(big).toEqual({ status: 200, text: '' });
    const missing = await probeDirect(`${base}/missing`, {
      bundle: null,
      signal: timeout(),
      maxBytes: 1024,
    });
    expect(missing).toEqual({ status: 404, text: '' });
  });

  it('rejects a refused port with the socket error, which the classifier types', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/x`;
    const raw = await rejection(
      probeDirect(url, { bundle: null, signal: timeout(), maxBytes: 10 }),
    );
    expect(raw.code).toBe('ECONNREFUSED');
    expect(classifyNetworkError(raw, { url })?.code).toBe('CODEX_OAUTH_NETWORK_ERROR');
  });
});

const reason = await opensslUnavailableReason();

describe.skipIf(reason)(`probeDirect over TLS${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let pki: ThrowawayCa;
  let server: Running<HttpsServer>;
  useThrowawayHttps((ca, https) => {
    pki = ca;
    server = https;
  });

  it('trusts the CA bundle it is given', async () => {
    const bundle = loadCaFromEnv({ CODEX_CA_CERTIFICATE: pki.ca.certPath });
    const answer = await probeDirect(`${server.url}/ping`, {
      bundle,
      signal: timeout(),
      maxBytes: 1024,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ ok: true, path: '/ping' });
  });

  it('without the bundle the chain is untrusted, and the classifier says so', async () => {
    const url = `${server.url}/ping`;
    const raw = await rejection(
      probeDirect(url, { bundle: null, signal: timeout(), maxBytes: 10 }),
    );
    expect(classifyNetworkError(raw, { url, caSource: null, proxy: null })?.code).toBe(
      'CODEX_OAUTH_TLS_UNTRUSTED',
    );
  });
});
