import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  createSelfSignedCertificate,
  createThrowawayCa,
  opensslUnavailableReason,
  type SelfSignedCertificate,
  type ThrowawayCa,
} from '@codex-oauth/test-support/throwaway-ca';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createFetch,
  loadCaBundle,
  type NetEnv,
  type NetFetch,
  secureContextFor,
} from '../src/index.js';
import { type Running, rejection, startHttpsServer } from './helpers.js';

const reason = await opensslUnavailableReason();
const BRAND = Symbol.for('codex-oauth.error');

describe.skipIf(reason)(`createFetch over TLS${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let pki: ThrowawayCa;
  let unrelated: ThrowawayCa;
  let self: SelfSignedCertificate;
  let server: Running<Server> & { handshakes(): number };
  let dir: string;
  const fetches: NetFetch[] = [];

  beforeAll(async () => {
    [pki, unrelated, self] = await Promise.all([
      createThrowawayCa(),
      createThrowawayCa(),
      createSelfSignedCertificate(),
    ]);
    server = await startHttpsServer(pki.leaf);
    dir = await mkdtemp(join(tmpdir(), 'net-ca-fetch-'));
  });
  afterEach(async () => {
    await Promise.all(fetches.splice(0).map((f) => f.close()));
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([pki?.cleanup(), unrelated?.cleanup(), self?.cleanup()]);
    if (dir) await rm(dir, { recursive: true });
  });

  function fetchWith(env: NetEnv): NetFetch {
    const f = createFetch(env);
    fetches.push(f);
    return f;
  }

  async function getJson(f: NetFetch, url = `${server.url}/ping`): Promise<unknown> {
    const res = await f(url);
    expect(res.status).toBe(200);
    return res.json();
  }

  it('reaches the server with the CA from CODEX_CA_CERTIFICATE', async () => {
    const f = fetchWith({ CODEX_CA_CERTIFICATE: pki.ca.certPath });
    expect(await getJson(f)).toMatchObject({ ok: true, path: '/ping' });
    expect(f.settings.bundle?.source).toEqual({
      variable: 'CODEX_CA_CERTIFICATE',
      path: pki.ca.certPath,
    });
  });

  it('reaches the server with the CA from SSL_CERT_FILE, also as localhost', async () => {
    const f = fetchWith({ SSL_CERT_FILE: pki.ca.certPath });
    expect(await getJson(f)).toMatchObject({ ok: true, path: '/ping' });
    expect(await getJson(f, `https://localhost:${server.port}/x`)).toMatchObject({
      ok: true,
      path: '/x',
    });
  });

  it('lets CODEX_CA_CERTIFICATE win over a missing SSL_CERT_FILE', async () => {
    const f = fetchWith({
      CODEX_CA_CERTIFICATE: pki.ca.certPath,
      SSL_CERT_FILE: join(dir, 'missing.pem'),
    });
    expect(await getJson(f)).toMatchObject({ ok: true, path: '/ping' });
  });

  it('lets CODEX_CA_CERTIFICATE win over a good SSL_CERT_FILE, and names it when it fails', async () => {
    const f = fetchWith({
      CODEX_CA_CERTIFICATE: unrelated.ca.certPath,
      SSL_CERT_FILE: pki.ca.certPath,
    });
    const error = await rejection(f(`${server.url}/ping`));
    expect(error.code).toBe('CODEX_OAUTH_TLS_UNTRUSTED');
    expect(error.message).toContain(`CODEX_CA_CERTIFICATE (${unrelated.ca.certPath})`);
    expect(error.message).not.toContain('/ping');
  });

  it('treats an empty CODEX_CA_CERTIFICATE as unset', async () => {
    const f = fetchWith({ CODEX_CA_CERTIFICATE: '', SSL_CERT_FILE: pki.ca.certPath });
    expect(await getJson(f)).toMatchObject({ ok: true, path: '/ping' });
  });

  it('fails with a branded TLS_UNTRUSTED error without the CA', async () => {
    const f = fetchWith({});
    expect(f.settings.bundle).toBeNull();
    const error = await rejection(f(`${server.url}/secret-path?code=abc`));
    expect(error.code).toBe('CODEX_OAUTH_TLS_UNTRUSTED');
    expect((error as unknown as Record<symbol, unknown>)[BRAND]).toBe(true);
    expect(Object.getOwnPropertyDescriptor(error, BRAND)?.enumerable).toBe(false);
    expect(error.message).toContain(server.url);
    expect(error.message).toContain('No custom CA is set');
    expect(error.message).not.toContain('secret-path');
    expect(error.message).not.toContain('code=abc');
    expect(inspect(error)).toBe(`NetCaError [CODEX_OAUTH_TLS_UNTRUSTED]: ${error.message}`);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('works with a bundle holding an unrelated CA first, then ours', async () => {
    const path = join(dir, 'bundle.pem');
    await writeFile(path, `${unrelated.ca.certPem}\n${pki.ca.certPem}`);
    const f = fetchWith({ SSL_CERT_FILE: path });
    expect(f.settings.bundle?.certificates).toHaveLength(2);
    expect(await getJson(f)).toMatchObject({ ok: true, path: '/ping' });
  });

  it('makes one TLS secure context per bundle and shares it across connections and dispatchers', async () => {
    const path = join(dir, 'shared.pem');
    await writeFile(path, `${unrelated.ca.certPem}\n${pki.ca.certPem}`);
    const [a, b] = [fetchWith({ SSL_CERT_FILE: path }), fetchWith({ SSL_CERT_FILE: path })];
    const context = secureContextFor(a.settings.bundle!);
    expect(secureContextFor(b.settings.bundle!)).toBe(context);
    const source = { variable: 'SSL_CERT_FILE' as const, path };
    expect(secureContextFor(loadCaBundle(source))).toBe(context);
    // Each dispatcher opens its own connection, and each verifies the server through the shared
    // context (a third one too, to another host name: a new connection again).
    const handshakes = server.handshakes();
    expect(await getJson(a)).toMatchObject({ ok: true });
    expect(await getJson(b)).toMatchObject({ ok: true });
    const c = fetchWith({ SSL_CERT_FILE: path });
    expect(await getJson(c, `https://localhost:${server.port}/again`)).toMatchObject({
      path: '/again',
    });
    expect(server.handshakes() - handshakes).toBe(3);
    // A bundle replaced on disk is parsed again, so it gets a context of its own.
    await writeFile(path, pki.ca.certPem);
    expect(secureContextFor(loadCaBundle(source))).not.toBe(context);
    expect(await getJson(fetchWith({ SSL_CERT_FILE: path }))).toMatchObject({ ok: true });
  });

  it('works with a TRUSTED CERTIFICATE label', async () => {
    const path = join(dir, 'trusted.pem');
    await writeFile(
      path,
      pki.ca.certPem.replace(/-(BEGIN|END) CERTIFICATE-/g, '-$1 TRUSTED CERTIFICATE-'),
    );
    expect(await getJson(fetchWith({ CODEX_CA_CERTIFICATE: path }))).toMatchObject({
      ok: true,
      path: '/ping',
    });
  });

  it('trusts a self-signed server only when its certificate is the CA', async () => {
    const selfServer = await startHttpsServer(self);
    try {
      const untrusted = await rejection(
        fetchWith({ SSL_CERT_FILE: pki.ca.certPath })(selfServer.url),
      );
      expect(untrusted.code).toBe('CODEX_OAUTH_TLS_UNTRUSTED');
      expect(untrusted.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(untrusted.message).toContain('SSL_CERT_FILE');
      const res = await fetchWith({ SSL_CERT_FILE: self.certPath })(selfServer.url);
      expect(res.status).toBe(200);
      await res.body?.cancel();
    } finally {
      await selfServer.close();
    }
  });

  it('reports a certificate for another host as TLS_UNTRUSTED naming the mismatch', async () => {
    const wrong = await pki.issueLeaf({ subjectAltNames: ['DNS:elsewhere.invalid'] });
    const wrongServer = await startHttpsServer(wrong);
    try {
      const error = await rejection(
        fetchWith({ CODEX_CA_CERTIFICATE: pki.ca.certPath })(wrongServer.url),
      );
      expect(error.code).toBe('CODEX_OAUTH_TLS_UNTRUSTED');
      expect(error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      await wrongServer.close();
    }
  });
});
