import type { FetchLike } from './http.js';
import { transportOf } from './transport.js';

/** Common options of one request a protocol step builds. */
export interface RequestOptions {
  /** Extra headers (for example `originator`). */
  headers?: Record<string, string>;
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
}

/**
 * POSTs `application/x-www-form-urlencoded` with the fields in the order given (the code exchange
 * is byte-compared with upstream, which builds the body by hand in a fixed order), through the
 * transport (deadline, size cap, user agent, redaction).
 */
export function postForm(
  fetch: FetchLike,
  url: string,
  fields: [string, string][],
  options: RequestOptions = {},
): Promise<Response> {
  return transportOf(fetch)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(fields).toString(),
    signal: options.signal ?? null,
    redirect: 'manual',
  });
}

/**
 * POSTs JSON through the transport; key order is the insertion order of `body`, which upstream's
 * serde order fixes.
 */
export function postJson(
  fetch: FetchLike,
  url: string,
  body: Record<string, unknown>,
  options: RequestOptions = {},
): Promise<Response> {
  return transportOf(fetch)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
    signal: options.signal ?? null,
    redirect: 'manual',
  });
}
