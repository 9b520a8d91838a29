import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSelfSignedCertificate,
  createThrowawayCa,
  opensslUnavailableReason,
} from '../src/throwaway-ca.js';

const reason = await opensslUnavailableReason();
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe.skipIf(reason)(`throwaway CA${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('issues a leaf for 127.0.0.1 and localhost signed by the CA', async () => {
    const pki = await createThrowawayCa();
    cleanups.push(pki.cleanup);
    const ca = new X509Certificate(pki.ca.certPem);
    const leaf = new X509Certificate(pki.leaf.certPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkPrivateKey(createPrivateKey(pki.leaf.keyPem))).toBe(true);
    expect(pki.leaf.keyPem).toContain('PRIVATE KEY');
    expect(existsSync(pki.ca.certPath)).toBe(true);
  });

  it('issues further leaves with other names', async () => {
    const pki = await createThrowawayCa();
    cleanups.push(pki.cleanup);
    const other = await pki.issueLeaf({ subjectAltNames: ['DNS:other.invalid'] });
    const cert = new X509Certificate(other.certPem);
    expect(cert.checkHost('other.invalid')).toBe('other.invalid');
    expect(cert.checkIP('127.0.0.1')).toBeUndefined();
    expect(cert.checkIssued(new X509Certificate(pki.ca.certPem))).toBe(true);
    expect(other.certPath).not.toBe(pki.leaf.certPath);
  });

  it('makes a self-signed certificate and cleans up', async () => {
    const self = await createSelfSignedCertificate();
    const cert = new X509Certificate(self.certPem);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    await self.cleanup();
    await self.cleanup();
    expect(existsSync(self.dir)).toBe(false);
  });
});
