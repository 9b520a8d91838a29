import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PEM certificate and its private key, both as strings and as files on disk. */
export interface CertificateFiles {
  /** The certificate, PEM (`-----BEGIN CERTIFICATE-----`). */
  certPem: string;
  /** The unencrypted private key, PEM (EC P-256). */
  keyPem: string;
  /** Absolute path of the certificate file. */
  certPath: string;
  /** Absolute path of the key file. */
  keyPath: string;
}

/** What a new leaf certificate is issued for. */
export interface LeafOptions {
  /**
   * Subject alternative names in openssl syntax. Default `['IP:127.0.0.1', 'DNS:localhost']`, so
   * `https://127.0.0.1:PORT` and `https://localhost:PORT` both verify.
   */
  subjectAltNames?: string[];
  /** Subject common name. Default `127.0.0.1`. */
  commonName?: string;
  /** Validity in days. Default 2. */
  days?: number;
}

/** A private certificate authority in a temporary directory, with one leaf already issued. */
export interface ThrowawayCa {
  /** The temporary directory holding every file; removed by {@link ThrowawayCa.cleanup}. */
  dir: string;
  /** The CA's own certificate and key: give `ca.certPath` to CODEX_CA_CERTIFICATE / SSL_CERT_FILE. */
  ca: CertificateFiles;
  /** A server certificate for 127.0.0.1 and localhost signed by the CA: give it to `https.createServer`. */
  leaf: CertificateFiles;
  /** Issues another leaf signed by this CA (for example one that names a different host). */
  issueLeaf(options?: LeafOptions): Promise<CertificateFiles>;
  /** Removes the temporary directory. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** A self-signed server certificate (its own issuer) in a temporary directory. */
export interface SelfSignedCertificate extends CertificateFiles {
  /** The temporary directory holding the files. */
  dir: string;
  /** Removes the temporary directory. Safe to call twice. */
  cleanup(): Promise<void>;
}

const DEFAULT_SANS = ['IP:127.0.0.1', 'DNS:localhost'];
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Why throwaway certificates cannot be made here, or `null` when the `openssl` CLI works. Use it
 * as a skip reason: `it.skipIf(reason)(\`… (skipped: ${reason})\`, …)`.
 */
export async function opensslUnavailableReason(): Promise<string | null> {
  try {
    await run('openssl', ['version']);
    return null;
  } catch (error) {
    return `the openssl CLI is not runnable: ${(error as Error).message}`;
  }
}

/**
 * Creates a private CA (EC P-256, `CA:TRUE`) and a leaf certificate for `127.0.0.1` and
 * `localhost` signed by it, with the `openssl` CLI in a fresh temporary directory.
 *
 * @example
 * ```ts
 * const pki = await createThrowawayCa();
 * const server = https.createServer({ cert: pki.leaf.certPem, key: pki.leaf.keyPem }, handler);
 * const fetch = createFetch({ CODEX_CA_CERTIFICATE: pki.ca.certPath });
 * // …
 * await pki.cleanup();
 * ```
 */
export async function createThrowawayCa(options: LeafOptions = {}): Promise<ThrowawayCa> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-oauth-ca-'));
  try {
    const ca = newFiles(dir, 'ca');
    await run('openssl', [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      ca.keyPath,
      '-out',
      ca.certPath,
      '-days',
      '2',
      '-subj',
      `/CN=codex-oauth throwaway CA ${randomBytes(4).toString('hex')}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    const caFiles = await readFiles(ca);
    let count = 0;
    const issueLeaf = (leafOptions: LeafOptions = {}) =>
      signLeaf(dir, `leaf-${count++}`, caFiles, leafOptions);
    const leaf = await issueLeaf(options);
    return { dir, ca: caFiles, leaf, issueLeaf, cleanup: () => removeDir(dir) };
  } catch (error) {
    await removeDir(dir);
    throw error;
  }
}

/**
 * Creates a self-signed certificate for `127.0.0.1` and `localhost` (by default): trusted only
 * if the certificate itself is given as a CA, which is what a client without it must refuse.
 */
export async function createSelfSignedCertificate(
  options: LeafOptions = {},
): Promise<SelfSignedCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-oauth-self-'));
  try {
    const files = newFiles(dir, 'self');
    await run('openssl', [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      files.keyPath,
      '-out',
      files.certPath,
      '-days',
      String(options.days ?? 2),
      '-subj',
      `/CN=${options.commonName ?? '127.0.0.1'}`,
      '-addext',
      `subjectAltName=${(options.subjectAltNames ?? DEFAULT_SANS).join(',')}`,
    ]);
    return { dir, ...(await readFiles(files)), cleanup: () => removeDir(dir) };
  } catch (error) {
    await removeDir(dir);
    throw error;
  }
}

async function signLeaf(
  dir: string,
  name: string,
  ca: CertificateFiles,
  options: LeafOptions,
): Promise<CertificateFiles> {
  const files = newFiles(dir, name);
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  await run('openssl', [
    'req',
    '-new',
    ...EC_KEY,
    '-keyout',
    files.keyPath,
    '-out',
    csrPath,
    '-subj',
    `/CN=${options.commonName ?? '127.0.0.1'}`,
  ]);
  // Extensions go through a file because `x509 -req` ignores the CSR's own (OpenSSL 3.0).
  await writeFile(
    extPath,
    [
      `subjectAltName=${(options.subjectAltNames ?? DEFAULT_SANS).join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csrPath,
    '-CA',
    ca.certPath,
    '-CAkey',
    ca.keyPath,
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-days',
    String(options.days ?? 2),
    '-extfile',
    extPath,
    '-out',
    files.certPath,
  ]);
  return readFiles(files);
}

function newFiles(dir: string, name: string): CertificateFiles {
  return {
    certPem: '',
    keyPem: '',
    certPath: join(dir, `${name}.pem`),
    keyPath: join(dir, `${name}.key`),
  };
}

async function readFiles(files: CertificateFiles): Promise<CertificateFiles> {
  const [certPem, keyPem] = await Promise.all([
    readFile(files.certPath, 'utf8'),
    readFile(files.keyPath, 'utf8'),
  ]);
  return { ...files, certPem, keyPem };
}

function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
