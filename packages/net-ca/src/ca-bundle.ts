import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { NetCaError, NetCaErrorCodes } from './errors.js';

/**
 * The environment net-ca reads: a plain record, so callers can merge their own options over
 * `process.env` (`{ ...process.env, ...overrides }`) and tests can pass a fresh one.
 */
export type NetEnv = Readonly<Record<string, string | undefined>>;

/** The variables that can name a CA bundle, strongest first. */
export type CaVariable = 'CODEX_CA_CERTIFICATE' | 'SSL_CERT_FILE';

/** Which variable named the CA bundle, and the path it gave. */
export interface CaSource {
  /** The variable in effect. */
  variable: CaVariable;
  /** Its value, as given (relative paths resolve against the working directory). */
  path: string;
}

/** A CA bundle read and checked up front. */
export interface CaBundle {
  /** Where it came from. */
  source: CaSource;
  /** The custom certificates, one PEM `CERTIFICATE` block each, in file order. */
  certificates: string[];
  /** What the TLS layer trusts: Node's default roots followed by {@link CaBundle.certificates}. */
  ca: string[];
}

const CA_VARIABLES: readonly CaVariable[] = ['CODEX_CA_CERTIFICATE', 'SSL_CERT_FILE'];

// The upstream CLI's hint, word for word, so users see the same advice from both.
const HINT =
  'If you set CODEX_CA_CERTIFICATE or SSL_CERT_FILE, ensure it points to a PEM file containing ' +
  'one or more CERTIFICATE blocks, or unset it to use system roots.';

// Any PEM block; the label decides what we do with it (CRLs, keys and the like are skipped).
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Which CA bundle applies: `CODEX_CA_CERTIFICATE` wins over `SSL_CERT_FILE`, and an empty value
 * counts as unset (as in the upstream Codex CLI). `null` means Node's default roots only.
 *
 * @example
 * ```ts
 * resolveCaSource({ SSL_CERT_FILE: '/etc/ssl/corp.pem' });
 * // { variable: 'SSL_CERT_FILE', path: '/etc/ssl/corp.pem' }
 * ```
 */
export function resolveCaSource(env: NetEnv = process.env): CaSource | null {
  for (const variable of CA_VARIABLES) {
    const path = env[variable];
    if (path !== undefined && path !== '') return { variable, path };
  }
  return null;
}

/**
 * Reads and checks the PEM bundle named by `source`. Every certificate must parse; `TRUSTED
 * CERTIFICATE` labels count as `CERTIFICATE`; CRLs and other blocks are ignored. The result adds
 * the custom certificates to Node's default roots rather than replacing them.
 *
 * @throws {NetCaError} `CODEX_OAUTH_CA_INVALID` when the file is missing, unreadable, holds no
 *   certificate, or holds one that does not parse; the message names the variable and the path.
 */
export function loadCaBundle(source: CaSource): CaBundle {
  const { path } = source;
  // Parsed once per process: every dispatcher (each session call's transport) reuses it. Keyed
  // by the file's identity, so a bundle replaced on disk is read again; failures are not kept.
  const key = fileKey(path);
  const cached = key === null ? undefined : parsed.get(key);
  if (cached) return { source, certificates: cached.certificates, ca: cached.ca };
  const bundle = parseCaBundle(source);
  if (key !== null) parsed.set(key, bundle);
  return bundle;
}

// Certificates parsed, by file identity (see `fileKey`). A handful of entries at most.
const parsed = new Map<string, Omit<CaBundle, 'source'>>();

function fileKey(path: string): string | null {
  try {
    const { dev, ino, size, mtimeMs } = statSync(path);
    return `${resolve(path)}\0${dev}:${ino}:${size}:${mtimeMs}`;
  } catch {
    return null;
  }
}

function parseCaBundle(source: CaSource): CaBundle {
  const { variable, path } = source;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw invalid(
      `Failed to read CA certificate file ${path} selected by ${variable}: ${reason}.`,
      cause,
    );
  }
  // node:crypto and node:tls are taken here, when a bundle is parsed, not imported by the module:
  // their ES module views cost ~4 and ~7 ms of start-up on Node 20 to every program that imports
  // net-ca's config (doctor, core), most of which never set a CA bundle (bench/doctor-start.mjs).
  const { X509Certificate } = process.getBuiltinModule('node:crypto');
  const certificates: string[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const label = match[1];
    if (label !== 'CERTIFICATE' && label !== 'TRUSTED CERTIFICATE') continue;
    const n = certificates.length + 1;
    // OpenSSL's TRUSTED CERTIFICATE appends trust settings after the DER certificate. Parsing the
    // block as a CERTIFICATE reads the leading certificate and drops them, as upstream does.
    const pem = `-----BEGIN CERTIFICATE-----${match[2]}-----END CERTIFICATE-----\n`;
    let normalised: string;
    try {
      normalised = new X509Certificate(pem).toString();
    } catch (cause) {
      throw invalid(
        `Failed to parse certificate #${n} from ${path} selected by ${variable}: ${(cause as Error).message}.`,
        cause,
      );
    }
    certificates.push(normalised);
  }
  if (certificates.length === 0) {
    throw invalid(
      `Failed to load CA certificates from ${path} selected by ${variable}: no certificates found in PEM file.`,
    );
  }
  const { rootCertificates } = process.getBuiltinModule('node:tls');
  return { source, certificates, ca: [...rootCertificates, ...certificates] };
}

/**
 * {@link resolveCaSource} then {@link loadCaBundle}: the bundle in effect for `env`, or `null`
 * when neither variable is set.
 */
export function loadCaFromEnv(env: NetEnv = process.env): CaBundle | null {
  const source = resolveCaSource(env);
  return source ? loadCaBundle(source) : null;
}

function invalid(message: string, cause?: unknown): NetCaError {
  return new NetCaError(NetCaErrorCodes.CA_INVALID, `${message} ${HINT}`, { cause });
}
