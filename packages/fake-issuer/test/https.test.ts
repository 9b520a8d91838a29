import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_CLIENT_ID, type FakeIssuer, startFakeIssuer } from '../src/index.js';
import { authorizeUrl } from './support.js';

let dir: string;
let cert: string;
let issuer: FakeIssuer;
let agent: Agent;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fake-issuer-tls-'));
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  cert = await readFile(join(dir, 'cert.pem'), 'utf8');
  const key = await readFile(join(dir, 'key.pem'), 'utf8');
  issuer = await startFakeIssuer({ tls: { cert, key }, deviceAutoApprove: true });
  agent = new Agent({ connect: { ca: cert } });
});

afterAll(async () => {
  await agent?.close();
  await issuer?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('HTTPS mode', () => {
  it('serves https://127.0.0.1 to a client that trusts the certificate', async () => {
    expect(issuer.url).toBe(`https://127.0.0.1:${issuer.port}`);
    const res = await undiciFetch(`${issuer.url}/api/accounts/deviceauth/usercode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CODEX_CLIENT_ID }),
      dispatcher: agent,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ interval: '1' });
  });

  it('is refused by a client that does not trust it', async () => {
    const error = await undiciFetch(`${issuer.url}/codex/device`).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe(
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    );
  });

  it('plays the browser over HTTPS too', async () => {
    const location = await issuer.authorize(authorizeUrl(issuer));
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:1455\/auth\/callback\?code=ac_/);
  });
});
