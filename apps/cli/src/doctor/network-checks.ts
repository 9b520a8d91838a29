import {
  type CaBundle,
  classifyNetworkError,
  describeProxy,
  loadCaBundle,
  type ProbeAnswer,
  probeDirect,
  proxyFor,
  resolveCaSource,
  resolveProxyConfig,
} from '@codex-oauth/net-ca/config';
import { type Check, check } from './check.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The longest the TLS check may take: doctor must answer even when the network does not. */
const TLS_CHECK_TIMEOUT_MS = 5_000;

// Discovery documents are a few KiB; a larger answer is not one (and is not worth reading).
const MAX_DISCOVERY_BYTES = 256 * 1024;

/** The CA and proxy checks, and the bundle they read (parsed once, reused by the issuer check). */
export interface CaAndProxy {
  checks: Check[];
  /** The custom bundle in force; `null` for Node's roots; `undefined` when it could not be read. */
  bundle: CaBundle | null | undefined;
}

/** The CA bundle in force (CODEX_CA_CERTIFICATE over SSL_CERT_FILE) and the proxy for `issuer`. */
export function caAndProxyChecks(env: Env, issuer: string): CaAndProxy {
  const checks: Check[] = [];
  const source = resolveCaSource(env);
  let bundle: CaBundle | null | undefined = null;
  if (!source) {
    checks.push(
      check(
        'ca',
        'CA certificates',
        'ok',
        "Node's built-in roots (CODEX_CA_CERTIFICATE and SSL_CERT_FILE unset)",
      ),
    );
  } else {
    try {
      bundle = loadCaBundle(source);
      const n = bundle.certificates.length;
      checks.push(
        check(
          'ca',
          'CA certificates',
          'ok',
          `${n} certificate${n === 1 ? '' : 's'} from ${source.path} (${source.variable}) added to the built-in roots`,
        ),
      );
    } catch (error) {
      bundle = undefined;
      checks.push(
        check(
          'ca',
          'CA certificates',
          'fail',
          (error as Error).message,
          [],
          `Point ${source.variable} at a PEM file with CERTIFICATE blocks, or unset it`,
        ),
      );
    }
  }
  const proxy = proxyFor(issuer, resolveProxyConfig(env));
  checks.push(
    check(
      'proxy',
      'Proxy',
      'info',
      proxy
        ? `${describeProxy(proxy)} for ${new URL(issuer).host}`
        : `none for ${new URL(issuer).host} (direct connection)`,
    ),
  );
  return { checks, bundle };
}

/**
 * One bounded request to the issuer's discovery URL. Any HTTP answer proves DNS, proxy and (for
 * https) the certificate chain; a failure carries net-ca's typed code. The check passes only when
 * the answer is an OpenID configuration (auth.openai.com serves one).
 *
 * A direct connection is probed with `node:http(s)` and the trust list net-ca would give undici
 * (net-ca's `probeDirect` says why); a proxied one goes through net-ca's `fetch`, loaded only then.
 */
export async function issuerCheck(
  env: Env,
  issuer: string,
  signal: AbortSignal,
  bundle: CaBundle | null | undefined,
): Promise<Check> {
  const kind = issuer.startsWith('https:') ? 'TLS connection' : 'Connection';
  if (bundle === undefined) {
    return check('issuer', 'Issuer', 'fail', `${kind} not tried: the CA bundle is unusable`);
  }
  const proxy = proxyFor(issuer, resolveProxyConfig(env));
  const timeout = AbortSignal.timeout(TLS_CHECK_TIMEOUT_MS);
  try {
    const answer = proxy
      ? await viaNetCa(env, target(issuer), AbortSignal.any([signal, timeout]))
      : await probeDirect(target(issuer), {
          bundle,
          signal: AbortSignal.any([signal, timeout]),
          maxBytes: MAX_DISCOVERY_BYTES,
        });
    return issuerAnswerCheck(answer, kind, issuer);
  } catch (raw) {
    const error = timeout.aborted
      ? Object.assign(new Error(`no answer within ${TLS_CHECK_TIMEOUT_MS / 1000} s`), {
          code: 'CODEX_OAUTH_REQUEST_TIMEOUT',
        })
      : (classifyNetworkError(raw, { url: issuer, caSource: bundle?.source ?? null, proxy }) ??
        raw);
    const code = (error as { code?: unknown }).code;
    const details = typeof code === 'string' ? [code] : [];
    return check(
      'issuer',
      'Issuer',
      'fail',
      `${kind} to ${issuer} failed: ${(error as Error).message}`,
      details,
      fixFor(code, raw, issuer, proxy),
    );
  }
}

/** The issuer through net-ca's undici transport, for a proxied connection. */
async function viaNetCa(env: Env, url: string, signal: AbortSignal): Promise<ProbeAnswer> {
  const { createFetch } = await import('@codex-oauth/net-ca');
  const fetch = createFetch(env, {
    connectTimeoutMs: TLS_CHECK_TIMEOUT_MS,
    requestTimeoutMs: TLS_CHECK_TIMEOUT_MS,
  });
  try {
    const response = await fetch(url, { signal, redirect: 'manual' });
    const length = Number(response.headers.get('content-length') ?? 0);
    let text = '';
    if (response.ok && length <= MAX_DISCOVERY_BYTES) text = await response.text().catch(() => '');
    else await response.body?.cancel();
    return { status: response.status, text };
  } finally {
    await fetch.close().catch(() => {});
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * What to do about a failed connection. A refused connection to a loopback issuer is not a
 * network or proxy problem: nothing listens at that address (a local issuer that is not running,
 * or a stale CODEX_OAUTH_ISSUER), so the advice says that instead of pointing at HTTPS_PROXY.
 */
function fixFor(
  code: unknown,
  raw: unknown,
  issuer: string,
  proxy: string | null,
): string | undefined {
  if (code === 'CODEX_OAUTH_TLS_UNTRUSTED') {
    return "Set CODEX_CA_CERTIFICATE to your organisation's CA bundle (PEM)";
  }
  const host = new URL(issuer).hostname;
  if (!proxy && LOOPBACK_HOSTS.has(host) && hasCode(raw, 'ECONNREFUSED')) {
    return `Nothing is listening at ${new URL(issuer).origin}: the issuer at that address is not running. Start it, or check --issuer / CODEX_OAUTH_ISSUER (default https://auth.openai.com)`;
  }
  if (code === 'CODEX_OAUTH_REQUEST_TIMEOUT' || code === 'CODEX_OAUTH_NETWORK_ERROR') {
    return proxy
      ? 'Check that the proxy (HTTPS_PROXY / HTTP_PROXY) is running and allows this host, or list the host in NO_PROXY'
      : 'Check the network, or set HTTPS_PROXY if a proxy is required here';
  }
  return undefined;
}

/** Whether `error` or anything in its `cause` chain / `errors` list has `code`. */
function hasCode(error: unknown, code: string): boolean {
  const queue: unknown[] = [error];
  for (let i = 0; i < queue.length && i < 32; i++) {
    const node = queue[i] as { code?: unknown; cause?: unknown; errors?: unknown } | null;
    if (typeof node !== 'object' || node === null) continue;
    if (node.code === code) return true;
    if (node.cause !== undefined) queue.push(node.cause);
    if (Array.isArray(node.errors)) queue.push(...node.errors);
  }
  return false;
}

/**
 * Judges the issuer's answer to its discovery URL. Any HTTP answer proves the connection, but
 * only an OpenID configuration proves a sign-in server: a 404 is what a wrong `--issuer` path
 * gets, and device sign-in would then be reported as switched off.
 */
function issuerAnswerCheck(answer: ProbeAnswer, kind: string, issuer: string): Check {
  const { status, text } = answer;
  let named: unknown;
  try {
    named = (JSON.parse(text) as { issuer?: unknown }).issuer;
  } catch {
    named = undefined;
  }
  if (status >= 200 && status <= 299 && typeof named === 'string') {
    return check(
      'issuer',
      'Issuer',
      'ok',
      `${kind} to ${issuer} works; it serves an OpenID configuration (HTTP ${status})`,
    );
  }
  if (status >= 500) {
    return check(
      'issuer',
      'Issuer',
      'warn',
      `${kind} to ${issuer} works, but the server answered HTTP ${status}`,
      [],
      'Try again later',
    );
  }
  return check(
    'issuer',
    'Issuer',
    'fail',
    `${kind} to ${issuer} works, but it is not an OpenAI sign-in server (HTTP ${status}, no OpenID configuration at ${target(issuer)})`,
    [],
    'Check --issuer / CODEX_OAUTH_ISSUER (default https://auth.openai.com)',
  );
}

function target(issuer: string): string {
  return `${issuer}/.well-known/openid-configuration`;
}
