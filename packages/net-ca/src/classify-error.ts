import type { CaSource } from './ca-bundle.js';
import { NetCaError, NetCaErrorCodes } from './errors.js';
import { describeProxy } from './proxy-config.js';

/** What {@link classifyNetworkError} needs to know to write a useful message. */
export interface NetErrorContext {
  /** The URL requested; only its origin ever reaches a message (paths and queries may hold secrets). */
  url: string | URL;
  /** The CA bundle in effect, if any. */
  caSource?: CaSource | null;
  /** The proxy the request went through, if any (credentials are stripped from messages). */
  proxy?: string | null;
  /** The connect timeout in force, for the message. */
  connectTimeoutMs?: number;
  /** The request timeout in force, for the message. */
  requestTimeoutMs?: number;
}

/** OpenSSL / Node verification failures: the peer answered, but we do not trust its certificate. */
const TLS_UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const TIMEOUT_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers arrived in time',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled',
  ETIMEDOUT: 'the connection timed out',
};

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed for now',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ECONNABORTED: 'connection aborted',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network down',
  EPROTO: 'TLS protocol error',
  UND_ERR_SOCKET: 'the other side closed the connection',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_DESTROYED: 'the connection was closed',
  UND_ERR_ABORTED: 'the proxy refused the tunnel',
  UND_ERR_PRX_TLS: 'TLS to the proxy failed',
  UND_ERR_INVALID_ARG: 'the proxy asked for authentication',
};

/**
 * Turns an error from undici's `fetch` (`TypeError: fetch failed`, or `terminated` while reading a
 * body) into a {@link NetCaError}, by walking `cause` chains and `AggregateError.errors` for a
 * known `code`. Returns `null` for anything else (programming errors, the caller's own aborts),
 * which the caller should rethrow as it is.
 */
export function classifyNetworkError(error: unknown, context: NetErrorContext): NetCaError | null {
  if (isAbort(error)) return null;
  const codes = collectCodes(error);
  const origin = originOf(context.url);
  const via = context.proxy ? ` through proxy ${describeProxy(context.proxy)}` : '';

  const tls = codes.find((code) => TLS_UNTRUSTED_CODES.has(code));
  if (tls) {
    return new NetCaError(NetCaErrorCodes.TLS_UNTRUSTED, tlsMessage(tls, origin, via, context), {
      cause: error,
    });
  }
  const timeout = codes.find((code) => code in TIMEOUT_CODES);
  if (timeout) {
    const limit =
      timeout === 'UND_ERR_CONNECT_TIMEOUT' ? context.connectTimeoutMs : context.requestTimeoutMs;
    const after = limit !== undefined && timeout !== 'ETIMEDOUT' ? ` (limit ${limit} ms)` : '';
    return new NetCaError(
      NetCaErrorCodes.REQUEST_TIMEOUT,
      `Request to ${origin}${via} timed out: ${TIMEOUT_CODES[timeout]}${after} [${timeout}]. ` +
        'Check the network and any proxy, or raise the timeout (connectTimeoutMs / requestTimeoutMs).',
      { cause: error },
    );
  }
  const known = codes.find((code) => code in NETWORK_REASONS || code.startsWith('ERR_SSL_'));
  if (known || isFetchFailure(error)) {
    const reason = known
      ? `${NETWORK_REASONS[known] ?? 'TLS handshake failed'} [${known}]`
      : 'fetch failed';
    const advice = context.proxy
      ? 'Check that the proxy (HTTPS_PROXY / HTTP_PROXY) is running and allows this host, or list the host in NO_PROXY.'
      : 'Check the network, the URL, and that the server is running.';
    return new NetCaError(
      NetCaErrorCodes.NETWORK_ERROR,
      `Could not reach ${origin}${via}: ${reason}. ${advice}`,
      { cause: error },
    );
  }
  return null;
}

function tlsMessage(code: string, origin: string, via: string, context: NetErrorContext): string {
  const source = context.caSource;
  const trust = source
    ? `Trusted roots: Node's defaults plus the CA bundle from ${source.variable} (${source.path}). ` +
      `If ${source.variable} is stale or meant for another network, fix or unset it; if a ` +
      'corporate proxy re-signs TLS, add its CA certificate to that file.'
    : 'No custom CA is set (CODEX_CA_CERTIFICATE and SSL_CERT_FILE are unset). If a corporate ' +
      'proxy or a private server signs this certificate, set CODEX_CA_CERTIFICATE to a PEM file ' +
      'holding its CA certificate.';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return `The TLS certificate of ${origin}${via} does not name that host [${code}]. Check the URL. ${trust}`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `The TLS certificate of ${origin}${via} is outside its validity period [${code}]. Check the system clock. ${trust}`;
  }
  return `The TLS certificate of ${origin}${via} is not trusted [${code}]. ${trust}`;
}

function collectCodes(error: unknown): string[] {
  const codes: string[] = [];
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 32) {
    const node = queue.shift();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const { code, cause, errors } = node as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return codes;
}

function isFetchFailure(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    (error.message === 'fetch failed' || error.message === 'terminated') &&
    error.cause !== undefined
  );
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

function originOf(url: string | URL): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(an invalid URL)';
  }
}
