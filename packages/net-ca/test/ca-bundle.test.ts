import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import {
  createThrowawayCa,
  opensslUnavailableReason,
  type ThrowawayCa,
} from '@codex-oauth/test-support/throwaway-ca';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, loadCaBundle, NetCaError, resolveCaSource } from '../src/index.js';
import { rejection } from './helpers.js';

const run = promisify(execFile);
const reason = await opensslUnavailableReason();

describe('resolveCaSource', () => {
  it('prefers CODEX_CA_CERTIFICATE over SSL_CERT_FILE', () => {
    expect(resolveCaSource({ CODEX_CA_CERTIFICATE: '/a.pem', SSL_CERT_FILE: '/b.pem' })).toEqual({
      variable: 'CODEX_CA_CERTIFICATE',
      path: '/a.pem',
    });
    expect(resolveCaSource({ SSL_CERT_FILE: '/b.pem' })).toEqual({
      variable: 'SSL_CERT_FILE',
      path: '/b.pem',
    });
  });

  it('treats an empty value as unset', () => {
    expect(resolveCaSource({ CODEX_CA_CERTIFICATE: '', SSL_CERT_FILE: '/b.pem' })).toEqual({
      variable: 'SSL_CERT_FILE',
      path: '/b.pem',
    });
    expect(resolveCaSource({ CODEX_CA_CERTIFICATE: '', SSL_CERT_FILE: '' })).toBeNull();
    expect(resolveCaSource({})).toBeNull();
  });
});

describe.skipIf(reason)(`loadCaBundle${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let pki: ThrowawayCa;
  let other: ThrowawayCa;
  let dir: string;
  beforeAll(async () => {
    [pki, other] = await Promise.all([createThrowawayCa(), createThrowawayCa()]);
    dir = await mkdtemp(join(tmpdir(), 'net-ca-bundle-'));
  });
  afterAll(async () => {
    await Promise.all([pki?.cleanup(), other?.cleanup(), dir && rm(dir, { recursive: true })]);
  });

  async function file(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  function caInvalid(run: () => unknown): NetCaError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(NetCaError);
      expect((error as NetCaError).code).toBe('CODEX_OAUTH_CA_INVALID');
      return error as NetCaError;
    }
    throw new Error('expected CODEX_OAUTH_CA_INVALID');
  }

  it('adds the custom certificates to the default roots', () => {
    const bundle = loadCaBundle({ variable: 'SSL_CERT_FILE', path: pki.ca.certPath });
    expect(bundle.certificates).toHaveLength(1);
    expect(bundle.ca).toHaveLength(rootCertificates.length + 1);
    expect(bundle.ca.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
    expect(bundle.ca.at(-1)).toBe(bundle.certificates[0]);
  });

  it('keeps every certificate of a bundle, in order, and skips CRLs and keys', async () => {
    const path = await file(
      'many.pem',
      [
        '# a comment line',
        other.ca.certPem,
        '-----BEGIN X509 CRL-----\nMIIBnotreallyacrl\n-----END X509 CRL-----',
        pki.ca.keyPem,
        pki.ca.certPem,
      ].join('\n'),
    );
    const bundle = loadCaBundle({ variable: 'CODEX_CA_CERTIFICATE', path });
    expect(bundle.certificates).toHaveLength(2);
    expect(bundle.certificates[1]?.replace(/\s/g, '')).toBe(pki.ca.certPem.replace(/\s/g, ''));
    expect(bundle.ca).toHaveLength(rootCertificates.length + 2);
  });

  it('accepts an OpenSSL TRUSTED CERTIFICATE and drops its trust settings', async () => {
    const path = join(dir, 'trusted.pem');
    await run('openssl', [
      'x509',
      '-in',
      pki.ca.certPath,
      '-addtrust',
      'serverAuth',
      '-trustout',
      '-out',
      path,
    ]);
    expect(await readFile(path, 'utf8')).toMatch(/^-----BEGIN TRUSTED CERTIFICATE-----/);
    const bundle = loadCaBundle({ variable: 'SSL_CERT_FILE', path });
    expect(bundle.certificates).toEqual([pki.ca.certPem]);
  });

  it('refuses a missing file, naming the variable and the path', () => {
    const path = join(dir, 'does-not-exist.pem');
    const error = caInvalid(() => loadCaBundle({ variable: 'SSL_CERT_FILE', path }));
    expect(error.message).toContain(path);
    expect(error.message).toContain('SSL_CERT_FILE');
    expect(error.message).toContain('ENOENT');
    expect(error.message).toMatch(/unset it to use system roots/);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('refuses an unreadable path (a directory)', () => {
    const error = caInvalid(() => loadCaBundle({ variable: 'CODEX_CA_CERTIFICATE', path: dir }));
    expect(error.message).toContain(`${dir} selected by CODEX_CA_CERTIFICATE`);
  });

  it('refuses an empty file and a file without a CERTIFICATE block', async () => {
    const empty = await file('empty.pem', '');
    const keyOnly = await file('key-only.pem', pki.ca.keyPem);
    for (const path of [empty, keyOnly]) {
      const error = caInvalid(() => loadCaBundle({ variable: 'SSL_CERT_FILE', path }));
      expect(error.message).toContain(`${path} selected by SSL_CERT_FILE`);
      expect(error.message).toContain('no certificates found');
    }
  });

  it('names the certificate that does not parse', async () => {
    const broken =
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    const path = await file('broken.pem', `${other.ca.certPem}${broken}`);
    const error = caInvalid(() => loadCaBundle({ variable: 'SSL_CERT_FILE', path }));
    expect(error.message).toContain(`certificate #2 from ${path} selected by SSL_CERT_FILE`);
  });

  it('makes createDispatcher fail up front', async () => {
    const path = join(dir, 'missing.pem');
    const error = await rejection((async () => createDispatcher({ CODEX_CA_CERTIFICATE: path }))());
    expect(error.code).toBe('CODEX_OAUTH_CA_INVALID');
    expect(error.message).toContain(path);
  });
});
