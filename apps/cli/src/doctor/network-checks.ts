import {
  createFetch,
  describeProxy,
  loadCaBundle,
  proxyFor,
  resolveCaSource,
  resolveProxyConfig,
} from '@codex-oauth/net-ca';
import { type Check, check } from './check.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The longest the TLS check may take: doctor must answer even when the network does not. */
const TLS_CHECK_TIMEOUT_MS = 5_000;

/** The CA bundle in force (CODEX_CA_CERTIFICATE over SSL_CERT_FILE) and the proxy for `issuer`. */
export function caAndProxyChecks(env: Env, issuer: string): Check[] {
  const checks: Check[] = [];
  const source = resolveCaSource(env);
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
      const bundle = loadCaBundle(source);
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
  return checks;
}

/**
 * One bounded request to the issuer through the same transport a sign-in uses. Any HTTP answer
 * proves DNS, proxy and (for https) the certificate chain; a failure carries net-ca's typed code.
 * The check passes only when the answer is an OpenID configuration (auth.openai.com serves one).
 */
export async function issuerCheck(env: Env, issuer: string, signal: AbortSignal): Promise<Check> {
  const kind = issuer.startsWith('https:') ? 'TLS connection' : 'Connection';
  let fetch: ReturnType<typeof createFetch>;
  try {
    fetch = createFetch(env, {
      connectTimeoutMs: TLS_CHECK_TIMEOUT_MS,
      requestTimeoutMs: TLS_CHECK_TIMEOUT_MS,
    });
  } catch (error) {
    return check('issuer', 'Issuer', 'fail', `${kind} not tried: ${(error as Error).message}`);
  }
  try {
    const response = await fetch(target(issuer), {
      signal: AbortSignal.any([signal, AbortSignal.timeout(TLS_CHECK_TIMEOUT_MS + 1_000)]),
      redirect: 'manual',
    });
    return await issuerAnswerCheck(response, kind, issuer);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const fix =
      code === 'CODEX_OAUTH_TLS_UNTRUSTED'
        ? "Set CODEX_CA_CERTIFICATE to your organisation's CA bundle (PEM)"
        : code === 'CODEX_OAUTH_REQUEST_TIMEOUT' || code === 'CODEX_OAUTH_NETWORK_ERROR'
          ? 'Check the network, or set HTTPS_PROXY if a proxy is required here'
          : undefined;
    const details = typeof code === 'string' ? [code] : [];
    return check(
      'issuer',
      'Issuer',
      'fail',
      `${kind} to ${issuer} failed: ${(error as Error).message}`,
      details,
      fix,
    );
  } finally {
    await fetch.close().catch(() => {});
  }
}

// Discovery documents are a few KiB; a larger answer is not one (and is not worth reading).
const MAX_DISCOVERY_BYTES = 256 * 1024;

/**
 * Judges the issuer's answer to its discovery URL. Any HTTP answer proves the connection, but
 * only an OpenID configuration proves a sign-in server: a 404 is what a wrong `--issuer` path
 * gets, and device sign-in would then be reported as switched off.
 */
async function issuerAnswerCheck(response: Response, kind: string, issuer: string): Promise<Check> {
  const status = response.status;
  const length = Number(response.headers.get('content-length') ?? 0);
  let text = '';
  if (response.ok && length <= MAX_DISCOVERY_BYTES) text = await response.text().catch(() => '');
  else await response.body?.cancel();
  let named: unknown;
  try {
    named = (JSON.parse(text) as { issuer?: unknown }).issuer;
  } catch {
    named = undefined;
  }
  if (response.ok && typeof named === 'string') {
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
