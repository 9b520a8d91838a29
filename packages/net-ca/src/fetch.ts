import type { Dispatcher, Request as UndiciRequestType } from 'undici';
import type { NetEnv } from './ca-bundle.js';
import { classifyNetworkError } from './classify-error.js';
import {
  createDispatcher,
  getNetCaSettings,
  type NetCaOptions,
  type NetCaSettings,
} from './dispatcher.js';
import { proxyFor } from './proxy-config.js';
import { Request as UndiciRequest, fetch as undiciFetch } from './undici-parts.js';

/**
 * A WHATWG `fetch` bound to a net-ca dispatcher. Typed as the global `fetch` so it can be handed to
 * anything that takes one (oauth4webapi's `customFetch`, core's flows); the `Response` objects are
 * undici's own.
 */
export type NetFetch = typeof globalThis.fetch & {
  /** The dispatcher every request goes through. */
  readonly dispatcher: Dispatcher;
  /** The CA, proxy and timeout settings it was built with. */
  readonly settings: NetCaSettings;
  /** Closes the dispatcher's pooled connections; requests after this fail. */
  close(): Promise<void>;
};

/**
 * A `fetch` that trusts the CA bundle from `CODEX_CA_CERTIFICATE` / `SSL_CERT_FILE` (on top of
 * Node's default roots), honours the proxy variables, and times out — all read from `env`
 * (default `process.env`) once, now. Network failures reject with a {@link NetCaError}
 * (`CODEX_OAUTH_TLS_UNTRUSTED`, `CODEX_OAUTH_NETWORK_ERROR`, `CODEX_OAUTH_REQUEST_TIMEOUT`); an
 * abort through the caller's own `signal` rejects with the signal's reason, unchanged.
 *
 * @throws {NetCaError} `CODEX_OAUTH_CA_INVALID`, at once, for a bad CA bundle.
 *
 * @example
 * ```ts
 * const fetch = createFetch({ ...process.env, CODEX_CA_CERTIFICATE: '/etc/corp-ca.pem' });
 * const res = await fetch('https://auth.openai.com/.well-known/openid-configuration');
 * ```
 */
export function createFetch(env: NetEnv = process.env, options: NetCaOptions = {}): NetFetch {
  const dispatcher = createDispatcher(env, options);
  const settings = getNetCaSettings(dispatcher)!;

  const netFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = adoptRequest(input);
    const url = typeof request === 'string' || request instanceof URL ? request : request.url;
    const signal =
      init?.signal ??
      (typeof request === 'object' && 'signal' in request ? request.signal : undefined);
    try {
      const response = await undiciFetch(request, { ...(init as object), dispatcher });
      return response as unknown as Response;
    } catch (error) {
      // The caller cancelled: hand back exactly what the signal produced, so they can tell.
      if (signal?.aborted) throw error;
      let proxy: string | null = null;
      try {
        proxy = proxyFor(url, settings.proxy);
      } catch {
        // An unparsable URL fails inside undici with its own TypeError; nothing to add.
      }
      const mapped = classifyNetworkError(error, {
        url,
        caSource: settings.bundle?.source ?? null,
        proxy,
        connectTimeoutMs: settings.connectTimeoutMs,
        requestTimeoutMs: settings.requestTimeoutMs,
      });
      throw mapped ?? error;
    }
  };

  return Object.assign(netFetch, {
    dispatcher,
    settings,
    close: () => dispatcher.close(),
  }) as unknown as NetFetch;
}

/**
 * undici only recognises its own `Request` class; Node's built-in one (from an older bundled
 * undici) would be stringified to "[object Request]". Rebuild such requests from their parts.
 */
function adoptRequest(input: string | URL | Request): string | URL | UndiciRequestType {
  if (typeof input === 'string' || input instanceof URL || input instanceof UndiciRequest) {
    return input;
  }
  return new UndiciRequest(input.url, {
    method: input.method,
    headers: [...input.headers],
    body: input.body as never,
    redirect: input.redirect,
    signal: input.signal,
    credentials: input.credentials,
    cache: input.cache,
    integrity: input.integrity,
    keepalive: input.keepalive,
    referrer: input.referrer,
    referrerPolicy: input.referrerPolicy,
    mode: input.mode === 'navigate' ? 'same-origin' : input.mode,
    ...(input.body && { duplex: 'half' as const }),
  });
}
