import type { Dispatcher } from 'undici';
import { type CaBundle, loadCaFromEnv, type NetEnv } from './ca-bundle.js';
import { type ProxyConfig, resolveProxyConfig } from './proxy-config.js';
import { connectorFor, secureContextFor } from './secure-context.js';
import { Agent, envHttpProxyAgent, pool, setGlobalDispatcher } from './undici-parts.js';

/** Options for {@link createDispatcher} and `createFetch`. */
export interface NetCaOptions {
  /** How long establishing a connection (TCP + TLS, or the proxy tunnel) may take. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /**
   * How long to wait for the response headers, and the longest pause while the body streams in.
   * Default 10 000 ms.
   */
  requestTimeoutMs?: number;
}

/** What a dispatcher was built from: the trust and proxy settings read from the env record. */
export interface NetCaSettings {
  /** The custom CA bundle in effect, or `null` for Node's default roots. */
  bundle: CaBundle | null;
  /** The proxy variables in effect. */
  proxy: ProxyConfig;
  /** The connect timeout in force, in milliseconds. */
  connectTimeoutMs: number;
  /** The request timeout in force, in milliseconds. */
  requestTimeoutMs: number;
}

/** The default connect and request timeout (10 s). */
export const DEFAULT_TIMEOUT_MS = 10_000;

const settingsOf = new WeakMap<Dispatcher, NetCaSettings>();

/**
 * Reads the CA and proxy variables from `env` (default `process.env`) and the timeouts from
 * `options`, checking the CA bundle up front.
 *
 * @throws {NetCaError} `CODEX_OAUTH_CA_INVALID` for a bad CA bundle.
 */
export function resolveNetCaSettings(
  env: NetEnv = process.env,
  options: NetCaOptions = {},
): NetCaSettings {
  return {
    bundle: loadCaFromEnv(env),
    proxy: resolveProxyConfig(env),
    connectTimeoutMs: checkTimeout('connectTimeoutMs', options.connectTimeoutMs),
    requestTimeoutMs: checkTimeout('requestTimeoutMs', options.requestTimeoutMs),
  };
}

/**
 * An undici dispatcher that trusts Node's default roots plus the bundle named by
 * `CODEX_CA_CERTIFICATE` / `SSL_CERT_FILE`, goes through `HTTPS_PROXY` / `HTTP_PROXY` (minus
 * `NO_PROXY`) when set, and times out connects and requests. Everything is read from `env` now;
 * later changes to `process.env` do not affect it. No globals are touched.
 *
 * @returns An `Agent`, or an `EnvHttpProxyAgent` when a proxy variable is set. Call `close()` when
 *   done to free pooled sockets.
 * @throws {NetCaError} `CODEX_OAUTH_CA_INVALID` for a bad CA bundle.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher({ ...process.env, CODEX_CA_CERTIFICATE: '/etc/corp-ca.pem' });
 * const res = await undici.fetch('https://auth.openai.com/...', { dispatcher });
 * ```
 */
export function createDispatcher(
  env: NetEnv = process.env,
  options: NetCaOptions = {},
): Dispatcher {
  const settings = resolveNetCaSettings(env, options);
  const dispatcher = dispatcherFor(settings);
  settingsOf.set(dispatcher, settings);
  return dispatcher;
}

/** The settings a dispatcher from {@link createDispatcher} was built with (`undefined` for others). */
export function getNetCaSettings(dispatcher: Dispatcher): NetCaSettings | undefined {
  return settingsOf.get(dispatcher);
}

/**
 * Makes a dispatcher from {@link createDispatcher} undici's global one, for code that calls
 * `fetch` / `request` without a `dispatcher`. Opt-in by name: nothing else in net-ca touches
 * globals. undici keeps its global dispatcher under `Symbol.for` keys on `globalThis` that every
 * copy reads, so this reaches Node's built-in `fetch` too (Node bundles undici for it), and any
 * other undici in the process: all of them then trust the bundle, use the proxy and time out as
 * this dispatcher does (tested in `test/global-dispatcher.test.ts`, on Node 20 and 24).
 */
export function installGlobalDispatcher(
  env: NetEnv = process.env,
  options: NetCaOptions = {},
): Dispatcher {
  const dispatcher = createDispatcher(env, options);
  setGlobalDispatcher(dispatcher);
  return dispatcher;
}

function dispatcherFor(settings: NetCaSettings): Dispatcher {
  const { bundle, proxy, connectTimeoutMs, requestTimeoutMs } = settings;
  // The bundle's `ca` (Node's roots, then the custom ones) goes in as one shared secure context:
  // given `ca` itself, Node would parse all of it again for every new connection.
  const agentOptions = {
    connect: bundle ? connectorFor(bundle, connectTimeoutMs) : { timeout: connectTimeoutMs },
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
  };
  if (!proxy.httpProxy && !proxy.httpsProxy) return new Agent(agentOptions);
  // Through a proxy undici builds its connectors up front, so the context is made here.
  const tls = {
    ...(bundle && { secureContext: secureContextFor(bundle) }),
    timeout: connectTimeoutMs,
  };
  const EnvHttpProxyAgent = envHttpProxyAgent();
  const Pool = pool();
  return new EnvHttpProxyAgent({
    ...agentOptions,
    // Always strings, so undici never falls back to process.env behind the caller's back.
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? '',
    noProxy: proxy.noProxy,
    requestTls: tls,
    proxyTls: tls,
    // undici's default client to the proxy has no timeouts of its own for the CONNECT answer.
    clientFactory: (origin: URL, clientOptions: object) =>
      new Pool(origin, {
        ...clientOptions,
        headersTimeout: requestTimeoutMs,
        bodyTimeout: requestTimeoutMs,
      }),
  });
}

function checkTimeout(name: string, value: number | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}
