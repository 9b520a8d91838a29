import { arch, type as osType, release } from 'node:os';
import * as oauth from 'oauth4webapi';
import packageJson from '../../package.json' with { type: 'json' };
import type { TokenSet } from '../model/auth-record.js';
import { CodexOAuthError, ErrorCodes } from '../model/errors.js';
import {
  describeOAuthError,
  type FetchLike,
  postJson,
  readJson,
  readOAuthError,
  sleep,
} from '../transport/http.js';
import { type OidcProfile, oidcCall } from './oidc/provider-oidc.js';
import type { OpenAIProfile } from './openai/provider-openai.js';
import { isOidcProvider, type Provider } from './provider.js';

/** Why a refresh happens; sent as `refresh_reason` exactly as Codex 0.169 does. */
export type RefreshReason = 'proactive_expiry' | 'unauthorized_recovery' | 'forced';

/** Options of {@link refreshTokens}. */
export interface RefreshOptions {
  fetch: FetchLike;
  provider: Provider;
  /** The current refresh token (single use: the answer rotates it). */
  refreshToken: string;
  /** Default `'forced'`. */
  reason?: RefreshReason;
  signal?: AbortSignal | undefined;
  /** Attempts in total for transient failures (5xx, 429, network). Default 3. */
  retries?: number;
  /** First backoff delay; doubles each retry. Default 500 ms. */
  backoffMs?: number;
  /** Abortable wait, injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** `codex-oauth/<version> (<os> <release>; <arch>) node/<version>`, upstream's shape (§4.5). */
export const USER_AGENT =
  `codex-oauth/${packageJson.version} (${osType()} ${release()}; ${arch()}) node/${process.versions.node}`.replace(
    /[^\x20-\x7e]/g,
    '_',
  );

// Upstream's verbatim messages (§4.3), keyed by the backend code.
const PERMANENT: Record<string, string> = {
  refresh_token_expired: 'because your refresh token has expired',
  refresh_token_reused: 'because your refresh token was already used',
  refresh_token_invalidated: 'because your refresh token was revoked',
};

/**
 * Makes the OpenAI refresh request: `POST` to `endpoints.refresh` (honours
 * `CODEX_REFRESH_TOKEN_URL_OVERRIDE`), JSON `{"client_id","grant_type","refresh_reason",
 * "refresh_token"}` in that order, with `originator` and `user-agent` headers.
 */
export function refreshRequest(
  options: Omit<RefreshOptions, 'provider'> & { provider: OpenAIProfile },
): Promise<Response> {
  return postJson(
    options.fetch,
    options.provider.endpoints.refresh,
    {
      client_id: options.provider.clientId,
      grant_type: 'refresh_token',
      refresh_reason: options.reason ?? 'forced',
      refresh_token: options.refreshToken,
    },
    {
      headers: { originator: options.provider.originator, 'user-agent': USER_AGENT },
      signal: options.signal,
    },
  );
}

/**
 * Reads the refresh answer. Each token present replaces the stored one (the caller merges).
 * `refresh_token_expired|reused|invalidated` or any 401 -> `CODEX_OAUTH_REFRESH_REJECTED` with the
 * backend code in `error` (so an orchestrator can re-read the store on `refresh_token_reused`);
 * anything else -> `CODEX_OAUTH_REFRESH_FAILED` (transient when `status >= 500` or 429).
 */
export async function processRefreshResponse(response: Response): Promise<Partial<TokenSet>> {
  if (response.ok) return pickTokens(await readJson(response));
  const details = await readOAuthError(response);
  const reason = details.error ? PERMANENT[details.error] : undefined;
  const extra = {
    status: details.status,
    ...(details.error && { error: details.error }),
    ...(details.error_description && { error_description: details.error_description }),
  };
  if (reason || details.status === 401) {
    throw new CodexOAuthError(
      ErrorCodes.REFRESH_REJECTED,
      `Your access token could not be refreshed${reason ? ` ${reason}` : ''}. Please log out and sign in again.`,
      extra,
    );
  }
  throw new CodexOAuthError(
    ErrorCodes.REFRESH_FAILED,
    `Failed to refresh token: ${details.status}: ${describeOAuthError(details)}. Try again later.`,
    extra,
  );
}

/**
 * Refreshes tokens, retrying transient failures (5xx, 429, network errors) with exponential
 * backoff. A malformed 2xx is not retried: the server may already have rotated the token, and a
 * retry with the old one would be reported as reuse. For an OIDC provider the grant goes through
 * oauth4webapi, and `invalid_grant` counts as permanent.
 *
 * @example
 * ```ts
 * const fresh = await refreshTokens({ fetch, provider, refreshToken, reason: 'proactive_expiry' });
 * ```
 */
export async function refreshTokens(options: RefreshOptions): Promise<Partial<TokenSet>> {
  const attempts = Math.max(1, options.retries ?? 3);
  const wait = options.sleep ?? sleep;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const { provider } = options;
      return isOidcProvider(provider)
        ? await refreshOidc(provider, options)
        : await processRefreshResponse(await refreshRequest({ ...options, provider }));
    } catch (error) {
      if (options.signal?.aborted || !isTransient(error)) throw error;
      last = error;
    }
    if (attempt < attempts)
      await wait((options.backoffMs ?? 500) * 2 ** (attempt - 1), options.signal);
  }
  if (last instanceof CodexOAuthError && last.code === ErrorCodes.REFRESH_FAILED) throw last;
  throw new CodexOAuthError(
    ErrorCodes.REFRESH_FAILED,
    `Failed to refresh token after ${attempts} attempts: ${(last as Error).message}`,
    { cause: last },
  );
}

async function refreshOidc(provider: OidcProfile, options: RefreshOptions) {
  const {
    client,
    auth,
    options: requestOptions,
  } = oidcCall(provider, options.fetch, options.signal);
  const response = await oauth.refreshTokenGrantRequest(
    provider.server,
    client,
    auth,
    options.refreshToken,
    requestOptions,
  );
  if (response.status >= 500 || response.status === 429) return processRefreshResponse(response);
  try {
    const answer = await oauth.processRefreshTokenResponse(provider.server, client, response);
    return pickTokens(answer as unknown as Record<string, unknown>);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) {
      const permanent = error.error === 'invalid_grant' || error.status === 401;
      throw new CodexOAuthError(
        permanent ? ErrorCodes.REFRESH_REJECTED : ErrorCodes.REFRESH_FAILED,
        permanent
          ? 'Your access token could not be refreshed: the issuer refused the refresh token. Please sign in again.'
          : `Failed to refresh token: ${error.status}: ${error.error}.`,
        {
          status: error.status,
          error: error.error,
          ...(error.error_description && { error_description: error.error_description }),
          cause: error,
        },
      );
    }
    throw error;
  }
}

function isTransient(error: unknown): boolean {
  if (!(error instanceof CodexOAuthError)) return false;
  if (error.code === ErrorCodes.NETWORK_ERROR || error.code === ErrorCodes.REQUEST_TIMEOUT)
    return true;
  return (
    error.code === ErrorCodes.REFRESH_FAILED &&
    error.status !== undefined &&
    (error.status >= 500 || error.status === 429)
  );
}

function pickTokens(json: Record<string, unknown>): Partial<TokenSet> {
  const tokens: Partial<TokenSet> = {};
  if (typeof json.id_token === 'string' && json.id_token) tokens.idToken = json.id_token;
  if (typeof json.access_token === 'string' && json.access_token)
    tokens.accessToken = json.access_token;
  if (typeof json.refresh_token === 'string' && json.refresh_token)
    tokens.refreshToken = json.refresh_token;
  return tokens;
}
