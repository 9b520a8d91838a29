import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import { bodyExcerpt } from '../model/redaction.js';
import { DEFAULT_MAX_BODY_BYTES, readCappedBody } from './read-body.js';
import { describeEndpoint } from './transport.js';

/**
 * An answer's body as text, capped as the transport caps it. Answers from the transport are
 * already in memory; a `Response` from anywhere else is read with the same cap, so a reader
 * handed a raw response cannot be made to hold a huge body either.
 */
export async function readText(response: Response): Promise<string> {
  const body = await readCappedBody(response, DEFAULT_MAX_BODY_BYTES, endpointOf(response));
  return new TextDecoder().decode(body);
}

/**
 * Reads a JSON object body. Anything else (HTML from a proxy, truncated JSON, an array) becomes
 * `CODEX_OAUTH_INVALID_RESPONSE` naming the endpoint and quoting a short redacted excerpt,
 * because callers index into it and must not see garbage.
 */
export async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await readText(response);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      `${endpointOf(response)} answered with something that is not JSON (status ${response.status}${excerptNote(text)}). Check the issuer URL, or any proxy in between.`,
      { status: response.status, cause },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      `${endpointOf(response)} answered with JSON that is not an object (status ${response.status}).`,
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
  /** A short, single-line, escaped and redacted excerpt of the body (never the body itself). */
  excerpt: string;
  /** `origin + path` of the endpoint that answered. */
  endpoint: string;
}

/**
 * Extracts the error code and description of a non-2xx answer, in upstream's order (§1.6, §4.3):
 * code from `error.code` (object `error`), then `error` (string), then top-level `code`;
 * description from `error_description`, then `error.message`. Never throws for a body it cannot
 * parse (that just yields no code); a body over the cap still throws
 * `CODEX_OAUTH_RESPONSE_TOO_LARGE`, and a broken connection its transport error.
 */
export async function readOAuthError(response: Response): Promise<OAuthErrorBody> {
  const body = await readText(response);
  const result: OAuthErrorBody = {
    status: response.status,
    excerpt: bodyExcerpt(body),
    endpoint: endpointOf(response),
  };
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
  // Kept as sent (only cut), because callers compare it; CodexOAuthError redacts it for display.
  if (typeof code === 'string' && code) result.error = code.slice(0, 80).toLowerCase();
  const description = record.error_description ?? nested?.message;
  if (typeof description === 'string' && description) {
    result.error_description = bodyExcerpt(description, 300);
  }
  return result;
}

/** The best short human detail of a refusal, in upstream's order; `unknown error` when empty. */
export function describeOAuthError(details: OAuthErrorBody): string {
  return details.error_description ?? details.error ?? (details.excerpt || 'unknown error');
}

/** The protocol fields of a refusal, for a {@link CodexOAuthError}'s options. */
export function refusalDetails(details: OAuthErrorBody): {
  status: number;
  error?: string;
  error_description?: string;
} {
  return {
    status: details.status,
    ...(details.error && { error: details.error }),
    ...(details.error_description && { error_description: details.error_description }),
  };
}

function endpointOf(response: Response): string {
  return response.url ? describeEndpoint(response.url) : 'The issuer';
}

function excerptNote(text: string): string {
  const excerpt = bodyExcerpt(text, 80);
  return excerpt ? `: "${excerpt}"` : ', empty body';
}
