import type { NetEnv } from './ca-bundle.js';

/** The proxy variables in effect, read once from an env record. Empty strings mean unset. */
export interface ProxyConfig {
  /** `http_proxy` / `HTTP_PROXY`: the proxy for `http:` URLs (and `https:` ones without HTTPS_PROXY). */
  httpProxy: string | null;
  /** `https_proxy` / `HTTPS_PROXY`: the proxy for `https:` URLs. */
  httpsProxy: string | null;
  /** `no_proxy` / `NO_PROXY`: hosts reached directly (comma or space separated, `*` for all). */
  noProxy: string;
}

/**
 * Reads the proxy variables from `env`, lower-case first like curl and undici. An empty value is
 * unset, so `https_proxy=` does not hide `HTTPS_PROXY` (undici alone would let it).
 */
export function resolveProxyConfig(env: NetEnv = process.env): ProxyConfig {
  const pick = (name: string): string | null => env[name.toLowerCase()] || env[name] || null;
  return {
    httpProxy: pick('HTTP_PROXY'),
    httpsProxy: pick('HTTPS_PROXY'),
    noProxy: pick('NO_PROXY') ?? '',
  };
}

/**
 * The proxy a request to `url` goes through, or `null` for a direct connection. Mirrors undici's
 * `EnvHttpProxyAgent` (HTTPS falls back to HTTP_PROXY; NO_PROXY entries match the host, its
 * subdomains, and an optional `:port`), so error messages can say whether a proxy was involved.
 */
export function proxyFor(url: URL | string, config: ProxyConfig): string | null {
  const target = typeof url === 'string' ? new URL(url) : url;
  const proxy =
    target.protocol === 'https:' ? (config.httpsProxy ?? config.httpProxy) : config.httpProxy;
  if (!proxy) return null;
  const host = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  const entries = config.noProxy.split(/[,\s]/).filter(Boolean);
  if (config.noProxy.trim() === '*') return null;
  for (const entry of entries) {
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const name = (parsed?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase();
    const entryPort = parsed ? Number(parsed[2]) : 0;
    if (entryPort && entryPort !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return null;
  }
  return proxy;
}

/**
 * A proxy URL fit for a message: scheme, host and port only, never the `user:password@` part.
 */
export function describeProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(an unparsable proxy URL)';
  }
}
