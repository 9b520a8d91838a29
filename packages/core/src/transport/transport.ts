import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { rememberSecretsIn, rememberSecretsInBody } from '../model/redaction.js';
import type { FetchLike } from './http.js';
import { DEFAULT_MAX_BODY_BYTES, readCappedBody } from './read-body.js';
import { USER_AGENT } from './user-agent.js';

/** The default total deadline of one request, headers and body together (SPEC §9). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** How the transport treats every request (see {@link createTransport}). */
export interface TransportSettings {
  /** Total deadline of one request: connect, headers and the whole body. Default 10 000 ms. */
  timeoutMs?: number;
  /** Largest (decoded) body read into memory. Default 1 MiB. */
  maxBodyBytes?: number;
  /** `user-agent` sent when the request sets none. Default {@link USER_AGENT}. */
  userAgent?: string;
}

// Fetches that already are transports, so wrapping twice is a no-op (protocol steps wrap what
// they are given, and the session hands them a transport already).
const transports = new WeakSet<FetchLike>();
// What loads a fetch's machinery ahead of its first request (see `warmUpTransport`).
const warmUps = new WeakMap<FetchLike, () => Promise<void>>();

/**
 * Registers `warmUp` as what loads `fetch`'s machinery (HTTP stack, CA bundle) ahead of its first
 * request, and returns `fetch`. A transport wrapping `fetch` inherits it.
 */
export function withWarmUp(fetch: FetchLike, warmUp: () => Promise<void>): FetchLike {
  warmUps.set(fetch, warmUp);
  return fetch;
}

/**
 * Loads what the first request through `fetch` would load (undici, the CA bundle) now, so a
 * caller can do it before taking a lock others wait on. Resolves at once for a fetch with nothing
 * to load (a caller's own), and rejects as that first request would (a bad CA bundle).
 */
export function warmUpTransport(fetch: FetchLike): Promise<void> {
  return warmUps.get(fetch)?.() ?? Promise.resolve();
}

/**
 * The one way codex-oauth sends a request. Wraps a `fetch` so that every call:
 * - ends within a total deadline covering headers and body (undici's own timeouts are idle
 *   timeouts: a server dripping one byte a second never trips them) with
 *   `CODEX_OAUTH_REQUEST_TIMEOUT` naming the endpoint;
 * - reads at most `maxBodyBytes` of the answer (`CODEX_OAUTH_RESPONSE_TOO_LARGE`), and hands back
 *   a fully buffered `Response`, so readers (ours and oauth4webapi's) never stream from the wire;
 * - carries our `user-agent` unless the request names one (`originator` is set by the OpenAI
 *   request builders, which know the profile's value);
 * - remembers every secret it sends (token, code, verifier, device id) and every secret a
 *   successful answer carries, so they are redacted by value from any message later.
 *
 * A caller's own `signal` still cancels, and rejects with the signal's reason, untouched.
 *
 * @example
 * ```ts
 * const fetch = createTransport(globalThis.fetch, { timeoutMs: 5_000 });
 * const tokens = await refreshTokens({ fetch, provider, refreshToken });
 * ```
 */
export function createTransport(fetch: FetchLike, settings: TransportSettings = {}): FetchLike {
  const timeoutMs = checkPositive('timeoutMs', settings.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const maxBodyBytes = checkPositive(
    'maxBodyBytes',
    settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  );
  const userAgent = settings.userAgent ?? USER_AGENT;
  const transported: FetchLike = async (url, init = {}) => {
    const endpoint = describeEndpoint(url);
    const deadline = AbortSignal.timeout(timeoutMs);
    const callerSignal = init.signal ?? undefined;
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    const headers = headerRecord(init.headers);
    headers['user-agent'] ??= userAgent;
    rememberSecretsIn(headers);
    if (typeof init.body === 'string') rememberSecretsInBody(init.body);
    else if (init.body instanceof URLSearchParams) rememberSecretsIn(init.body);
    try {
      const response = await fetch(url, { ...init, headers, signal });
      // An opaque redirect (status 0) cannot be rebuilt, and has no body to cap.
      if (response.status < 200 || response.status > 599) return response;
      const body = await readCappedBody(response, maxBodyBytes, endpoint);
      if (response.ok) rememberSecretsInBody(new TextDecoder().decode(body));
      return buffered(response, body, url);
    } catch (error) {
      if (callerSignal?.aborted) throw error;
      if (deadline.aborted) {
        throw new CodexOAuthError(
          ErrorCodes.REQUEST_TIMEOUT,
          `The request to ${endpoint} did not finish within ${formatMs(timeoutMs)} (headers and body). Check the network, the issuer and any proxy, or raise requestTimeoutMs (CODEX_OAUTH_REQUEST_TIMEOUT_MS).`,
          { cause: error },
        );
      }
      if (error instanceof CodexOAuthError) throw error;
      if (isBodyBreak(error)) {
        throw new CodexOAuthError(
          ErrorCodes.NETWORK_ERROR,
          `The answer of ${endpoint} broke off before it was complete. Check the network and any proxy, then try again.`,
          { cause: error },
        );
      }
      throw error;
    }
  };
  transports.add(transported);
  const warmUp = warmUps.get(fetch);
  if (warmUp) warmUps.set(transported, warmUp);
  return transported;
}

/** `fetch` itself when it already is a transport, else a transport with default settings. */
export function transportOf(fetch: FetchLike): FetchLike {
  return transports.has(fetch) ? fetch : createTransport(fetch);
}

/** `origin + path` of a URL: what messages name (queries may hold secrets). */
export function describeEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the issuer';
  }
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A request's headers as a plain record with lower-case names. Not `new Headers()`: on Node the
 * global `Headers` (like `Response`) loads Node's own bundled undici, ~20 ms of start-up, beside
 * the undici net-ca already uses.
 */
function headerRecord(init: RequestInit['headers'] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!init) return record;
  const entries =
    Array.isArray(init) || typeof (init as Headers).entries === 'function'
      ? (init as Iterable<[string, string]>)
      : Object.entries(init as Record<string, string>);
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    record[key] = key in record ? `${record[key]}, ${value}` : String(value);
  }
  return record;
}

/**
 * The answer again, from memory; the transfer encodings are gone, so are their headers. Built
 * with the answer's own `Response` class (undici's, from net-ca), for the reason above.
 */
function buffered(response: Response, body: Uint8Array, url: string): Response {
  const headers: [string, string][] = [];
  for (const [name, value] of response.headers) {
    if (name !== 'content-encoding' && name !== 'content-length') headers.push([name, value]);
  }
  const own = response.constructor as typeof Response | undefined;
  // A look-alike answer (a test double's plain object) gets the global class.
  const ResponseClass =
    typeof own === 'function' && typeof own.prototype?.arrayBuffer === 'function' ? own : Response;
  const copy = new ResponseClass(NULL_BODY.has(response.status) ? null : (body as BodyInit), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  // A constructed Response has an empty `url`; readers name the server from it.
  Object.defineProperty(copy, 'url', { value: response.url || url });
  return copy;
}

// undici rejects a body read with `TypeError: terminated` (cause: the socket error) when the
// connection dies mid-body; the cause names what happened.
function isBodyBreak(error: unknown): boolean {
  return error instanceof TypeError && /terminated|fetch failed|body/i.test(error.message);
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function checkPositive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_OPTION,
      `The request ${name === 'timeoutMs' ? 'deadline (requestTimeoutMs, CODEX_OAUTH_REQUEST_TIMEOUT_MS)' : 'body cap (maxBodyBytes)'} must be a positive number of ${name === 'timeoutMs' ? 'milliseconds' : 'bytes'}, not ${JSON.stringify(String(value))}. Fix it or leave it unset for the default.`,
    );
  }
  return value;
}
