import { createTransport, transportOf, withWarmUp } from './transport.js';

/**
 * The `fetch` every protocol step receives. It is the shape of the WHATWG `fetch` narrowed to what
 * we call (a string URL and a plain init), so undici's fetch, Node's global fetch and a test double
 * all fit.
 */
export type FetchLike = (
  url: string,
  init?: {
    method?: string;
    headers?: Record<string, string> | [string, string][] | Headers;
    body?: string | URLSearchParams | null;
    signal?: AbortSignal | null;
    redirect?: 'follow' | 'manual' | 'error';
  },
) => Promise<Response>;

/** Options of {@link resolveFetch}. */
export interface ResolveFetchOptions {
  /** A caller-supplied fetch; wins when set. */
  fetch?: FetchLike | undefined;
  /** Environment for net-ca (CA bundle, proxy) and `CODEX_OAUTH_REQUEST_TIMEOUT_MS`; default `process.env`. */
  env?: Record<string, string | undefined> | undefined;
  /** Total deadline of each request; default env `CODEX_OAUTH_REQUEST_TIMEOUT_MS`, else 10 000 ms. */
  requestTimeoutMs?: number | undefined;
}

/**
 * The transport a session uses (see `createTransport`): the caller's `fetch`, or a fetch backed by
 * `@codex-oauth/net-ca`'s `createFetch(env)`, wrapped with the total deadline, the body cap, our
 * user agent and value redaction. net-ca (and undici behind it) is imported on the first request,
 * not at load time, so a CLI that only prints `status` never pays for the HTTP stack; or earlier,
 * by `warmUpTransport` (the refresh coordinator does so before it takes the store's lock).
 *
 * @throws {CodexOAuthError} `CODEX_OAUTH_INVALID_OPTION` for a deadline that is not a positive number.
 */
export function resolveFetch(options: ResolveFetchOptions = {}): FetchLike {
  const env = options.env ?? process.env;
  const fromEnv = env.CODEX_OAUTH_REQUEST_TIMEOUT_MS?.trim();
  const timeoutMs = options.requestTimeoutMs ?? (fromEnv ? Number(fromEnv) : undefined);
  const settings = timeoutMs === undefined ? {} : { timeoutMs };
  if (options.fetch) {
    return timeoutMs === undefined
      ? transportOf(options.fetch)
      : createTransport(options.fetch, settings);
  }
  let loaded: Promise<FetchLike> | undefined;
  const load = () =>
    (loaded ??= import('@codex-oauth/net-ca').then(
      (netCa) => netCa.createFetch(env as Record<string, string | undefined>) as FetchLike,
    ));
  const lazy = withWarmUp(
    async (url, init) => (await load())(url, init),
    async () => {
      await load();
    },
  );
  return createTransport(lazy, settings);
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts (polling and backoff must
 * stop the moment a login is cancelled, not after the current interval).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
