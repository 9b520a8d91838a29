import { once } from 'node:events';
import type { Server } from 'node:https';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { opensslUnavailableReason, type ThrowawayCa } from '@codex-oauth/test-support/throwaway-ca';
import { describe, expect, it } from 'vitest';
import {
  classifyNetworkError,
  createFetch,
  isNetCaError,
  NetCaError,
  NetCaErrorCodes,
} from '../src/index.js';
import { type Running, rejection, useThrowawayHttps } from './helpers.js';

const reason = await opensslUnavailableReason();

describe.skipIf(reason)(`more transport cases${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let pki: ThrowawayCa;
  let server: Running<Server>;
  useThrowawayHttps((ca, https) => {
    pki = ca;
    server = https;
  });

  it('maps a TLS handshake that never finishes to REQUEST_TIMEOUT (connect timeout)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as AddressInfo;
    const f = createFetch({ CODEX_CA_CERTIFICATE: pki.ca.certPath }, { connectTimeoutMs: 200 });
    try {
      const error = await rejection(f(`https://127.0.0.1:${port}/`));
      expect(error.code).toBe('CODEX_OAUTH_REQUEST_TIMEOUT');
      expect(error.message).toContain('UND_ERR_CONNECT_TIMEOUT');
    } finally {
      await f.dispatcher.destroy();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it("accepts Node's built-in Request objects, body and headers included", async () => {
    const f = createFetch({ SSL_CERT_FILE: pki.ca.certPath });
    try {
      const request = new Request(`${server.url}/from-request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      const res = await f(request);
      expect(await res.json()).toMatchObject({ ok: true, path: '/from-request' });
    } finally {
      await f.close();
    }
  });

  it('classifies a body read that fails after the headers arrived', async () => {
    const error = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    const mapped = classifyNetworkError(error, {
      url: 'https://auth.example.test/oauth/token?x=1',
    });
    expect(mapped?.code).toBe('CODEX_OAUTH_NETWORK_ERROR');
    expect(mapped?.message).toContain('https://auth.example.test');
    expect(mapped?.message).not.toContain('/oauth/token');
    expect(mapped?.cause).toBe(error);
  });

  it('finds codes inside AggregateError and nested causes, and ignores the rest', () => {
    const nested = new TypeError('fetch failed', {
      cause: new AggregateError(
        [Object.assign(new Error('x'), { code: 'ECONNREFUSED' })],
        'all failed',
      ),
    });
    expect(classifyNetworkError(nested, { url: 'https://a.test' })?.code).toBe(
      NetCaErrorCodes.NETWORK_ERROR,
    );
    expect(classifyNetworkError(new RangeError('bug'), { url: 'https://a.test' })).toBeNull();
    expect(
      classifyNetworkError(new DOMException('aborted', 'AbortError'), { url: 'https://a.test' }),
    ).toBeNull();
  });
});

describe('NetCaError', () => {
  const error = new NetCaError('CODEX_OAUTH_NETWORK_ERROR', 'Could not reach x.', {
    cause: new Error('request body: secret'),
  });

  it('carries the codex-oauth brand, non-enumerable', () => {
    const brand = Symbol.for('codex-oauth.error');
    expect(Object.getOwnPropertyDescriptor(error, brand)).toMatchObject({
      value: true,
      enumerable: false,
    });
    expect(isNetCaError(error, 'CODEX_OAUTH_NETWORK_ERROR')).toBe(true);
    expect(isNetCaError(error, 'CODEX_OAUTH_CA_INVALID')).toBe(false);
    expect(isNetCaError(new Error('x'))).toBe(false);
  });

  it('keeps the cause out of inspect and JSON output', () => {
    expect(inspect(error)).toBe('NetCaError [CODEX_OAUTH_NETWORK_ERROR]: Could not reach x.');
    expect(JSON.stringify(error)).toBe(
      '{"code":"CODEX_OAUTH_NETWORK_ERROR","message":"Could not reach x."}',
    );
    expect((error.cause as Error).message).toContain('secret');
  });
});
