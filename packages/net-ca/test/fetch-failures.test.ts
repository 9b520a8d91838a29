import type { Server } from 'node:https';
import {
  createThrowawayCa,
  opensslUnavailableReason,
  type ThrowawayCa,
} from '@codex-oauth/test-support/throwaway-ca';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFetch, type NetCaOptions, type NetEnv, type NetFetch } from '../src/index.js';
import { closedPort, type Running, rejection, startHttpsServer } from './helpers.js';

const reason = await opensslUnavailableReason();

describe.skipIf(reason)(`createFetch failures${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let pki: ThrowawayCa;
  let hanging: Running<Server>;
  let env: NetEnv;
  const fetches: NetFetch[] = [];

  beforeAll(async () => {
    pki = await createThrowawayCa();
    hanging = await startHttpsServer(pki.leaf, { hang: true });
    env = { CODEX_CA_CERTIFICATE: pki.ca.certPath };
  });
  afterEach(async () => {
    // destroy, not close: a hanging request would keep close() waiting.
    await Promise.all(fetches.splice(0).map((f) => f.dispatcher.destroy()));
  });
  afterAll(async () => {
    await hanging?.close();
    await pki?.cleanup();
  });

  function fetchWith(options: NetCaOptions = {}): NetFetch {
    const f = createFetch(env, options);
    fetches.push(f);
    return f;
  }

  it('maps a refused connection to NETWORK_ERROR naming the host', async () => {
    const port = await closedPort();
    const error = await rejection(fetchWith()(`https://127.0.0.1:${port}/token`));
    expect(error.code).toBe('CODEX_OAUTH_NETWORK_ERROR');
    expect(error.message).toContain(`https://127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('proxy');
  });

  it('maps a server that never answers to REQUEST_TIMEOUT', async () => {
    const error = await rejection(fetchWith({ requestTimeoutMs: 200 })(`${hanging.url}/slow`));
    expect(error.code).toBe('CODEX_OAUTH_REQUEST_TIMEOUT');
    expect(error.message).toContain('UND_ERR_HEADERS_TIMEOUT');
    expect(error.message).toContain('limit 200 ms');
  });

  it("passes the caller's AbortError through unchanged", async () => {
    const controller = new AbortController();
    const pending = fetchWith()(`${hanging.url}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await rejection(pending);
    expect(error.name).toBe('AbortError');
    expect(error).toBeInstanceOf(DOMException);
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('codex-oauth.error')]).toBe(
      undefined,
    );
  });

  it("passes the caller's own abort reason through unchanged", async () => {
    const controller = new AbortController();
    const reasonObject = new Error('user pressed Ctrl-C');
    const pending = fetchWith()(`${hanging.url}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(reasonObject), 20);
    expect(await rejection(pending)).toBe(reasonObject);
  });

  it('leaves programming errors alone', async () => {
    const error = await rejection(fetchWith()('not a url'));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBeUndefined();
  });

  it('refuses timeouts that cannot work', () => {
    expect(() => createFetch(env, { requestTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createFetch(env, { connectTimeoutMs: Number.NaN })).toThrow(RangeError);
  });
});
