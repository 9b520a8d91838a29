import { CodexOAuthError, ErrorCodes } from '../model/errors.js';

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
  /** Environment for net-ca (CA bundle, proxy); default `process.env`. */
  env?: Record<string, string | undefined> | undefined;
}

/**
 * Returns the caller's `fetch`, or a fetch backed by `@codex-oauth/net-ca`'s `createFetch(env)`.
 * net-ca (and undici behind it) is imported on the first request, not at load time, so a CLI that
 * only prints `status` never pays for the HTTP stack.
 */
export function resolveFetch(options: ResolveFetchOptions = {}): FetchLike {
  if (options.fetch) return options.fetch;
  const env = options.env ?? process.env;
  let loaded: Promise<FetchLike> | undefined;
  return async (url, init) => {
    loaded ??= import('@codex-oauth/net-ca').then(
      (netCa) => netCa.createFetch(env as Record<string, string | undefined>) as FetchLike,
    );
    return (await loaded)(url, init);
  };
}

/** Common options of one HTTP request. */
export interface RequestOptions {
  /** Extra headers (for example `originator`). */
  headers?: Record<string, string>;
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
}

/**
 * POSTs `application/x-www-form-urlencoded` with the fields in the order given (the code exchange
 * is byte-compared with upstream, which builds the body by hand in a fixed order).
 */
export function postForm(
  fetch: FetchLike,
  url: string,
  fields: [string, string][],
  options: RequestOptions = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(fields).toString(),
    signal: options.signal ?? null,
    redirect: 'manual',
  });
}

/** POSTs JSON; key order is the insertion order of `body`, which upstream's serde order fixes. */
export function postJson(
  fetch: FetchLike,
  url: string,
  body: Record<string, unknown>,
  options: RequestOptions = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
    signal: options.signal ?? null,
    redirect: 'manual',
  });
}

/**
 * Reads a JSON object body. Anything else (HTML from a proxy, truncated JSON, an array) becomes
 * `CODEX_OAUTH_INVALID_RESPONSE`, because callers index into it and must not see garbage.
 */
export async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      `The server at ${originOf(response.url)} answered with something that is not JSON (status ${response.status}). Check the issuer URL, or any proxy in between.`,
      { status: response.status, cause },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      `The server at ${originOf(response.url)} answered with JSON that is not an object (status ${response.status}).`,
      { status: response.status },
    );
  }
  return value as Record<string, unknown>;
}

/** What a refused request said, as upstream reads it. */
export interface OAuthErrorBody {
  /** HTTP status. */
  status: number;
  /** Lower-cased error code: `error.code`, else string `error`, else top-level `code`. */
  error?: string;
  /** `error_description`, else `error.message`. */
  error_description?: string;
  /** The raw body text (never put it in a message without redaction). */
  body: string;
}

/**
 * Extracts the error code and description of a non-2xx answer, in upstream's order (§1.6, §4.3):
 * code from `error.code` (object `error`), then `error` (string), then top-level `code`;
 * description from `error_description`, then `error.message`. Never throws: a non-JSON body just
 * yields no code.
 */
export async function readOAuthError(response: Response): Promise<OAuthErrorBody> {
  const body = await response.text().catch(() => '');
  const result: OAuthErrorBody = { status: response.status, body };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return result;
  }
  if (typeof json !== 'object' || json === null) return result;
  const record = json as Record<string, unknown>;
  const nested =
    typeof record.error === 'object' && record.error !== null
      ? (record.error as Record<string, unknown>)
      : undefined;
  const code = nested?.code ?? (typeof record.error === 'string' ? record.error : record.code);
  if (typeof code === 'string' && code) result.error = code.toLowerCase();
  const description = record.error_description ?? nested?.message;
  if (typeof description === 'string' && description) result.error_description = description;
  return result;
}

/** The best short human detail of a refusal, in upstream's order; `unknown error` when empty. */
export function describeOAuthError(details: OAuthErrorBody): string {
  return details.error_description ?? details.error ?? (details.body.trim() || 'unknown error');
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

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the issuer';
  }
}
