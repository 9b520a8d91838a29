import * as oauth from 'oauth4webapi';
import { CodexOAuthError, type ErrorCode, ErrorCodes } from '../../model/errors.js';
import type { FetchLike } from '../../transport/http.js';
import { transportOf } from '../../transport/transport.js';
import { OIDC_DEFAULT_SCOPE } from './scope.js';

/**
 * A standard OAuth 2.0 / OpenID Connect issuer, described by its discovery metadata. Every step
 * against it goes through oauth4webapi (SPEC.md §5).
 */
export interface OidcProfile {
  /** Discriminant of the {@link Provider} union. */
  readonly kind: 'oidc';
  /** The issuer identifier, as the metadata states it. */
  readonly issuer: string;
  /** A public (native) client: no client secret, PKCE instead. */
  readonly clientId: string;
  /** Scope sent in the authorize URL and the device authorization request. */
  readonly scope: string;
  /** The endpoints the flows need; optional ones are checked when a flow needs them. */
  readonly endpoints: {
    authorize: string;
    token: string;
    revoke?: string;
    deviceAuthorization?: string;
  };
  /** The raw discovery metadata, for oauth4webapi. */
  readonly server: oauth.AuthorizationServer;
  /** True only for an `http:` issuer on a loopback address (tests): lets oauth4webapi use http. */
  readonly allowInsecure: boolean;
}

/** Options of {@link discoverOidcProfile}. */
export interface DiscoverOidcOptions {
  /** Issuer URL; `/.well-known/openid-configuration` is appended. */
  issuer: string;
  /** Registered public client id. */
  clientId: string;
  /** Default {@link OIDC_DEFAULT_SCOPE}. */
  scope?: string;
  /** Transport (see `resolveFetch`). */
  fetch: FetchLike;
  /** Cancels discovery. */
  signal?: AbortSignal;
}

/**
 * Reads an issuer's discovery document and returns the profile the flows use.
 * Throws `CODEX_OAUTH_DISCOVERY_FAILED` when the document is unreachable, malformed, names another
 * issuer, or lacks the authorization or token endpoint.
 *
 * @example
 * ```ts
 * const provider = await discoverOidcProfile({ issuer: 'https://id.example', clientId: 'cli', fetch });
 * ```
 */
export async function discoverOidcProfile(options: DiscoverOidcOptions): Promise<OidcProfile> {
  const issuerUrl = new URL(options.issuer);
  const allowInsecure = isLoopbackHttp(issuerUrl);
  let server: oauth.AuthorizationServer;
  try {
    const response = await oauth.discoveryRequest(issuerUrl, {
      [oauth.customFetch]: transportOf(options.fetch),
      [oauth.allowInsecureRequests]: allowInsecure,
      ...(options.signal && { signal: options.signal }),
    });
    server = await oauth.processDiscoveryResponse(issuerUrl, response);
  } catch (error) {
    if (options.signal?.aborted || error instanceof CodexOAuthError) throw error;
    throw new CodexOAuthError(
      ErrorCodes.DISCOVERY_FAILED,
      `OIDC discovery at ${issuerUrl.origin} failed: ${(error as Error).message}. Check the issuer URL.`,
      { cause: error },
    );
  }
  const { authorization_endpoint: authorize, token_endpoint: token } = server;
  if (!authorize || !token) {
    throw new CodexOAuthError(
      ErrorCodes.DISCOVERY_FAILED,
      `The discovery document of ${server.issuer} lacks an authorization or token endpoint; this issuer cannot be used for sign-in.`,
    );
  }
  return {
    kind: 'oidc',
    issuer: server.issuer,
    clientId: options.clientId,
    scope: options.scope ?? OIDC_DEFAULT_SCOPE,
    endpoints: {
      authorize,
      token,
      ...(server.revocation_endpoint && { revoke: server.revocation_endpoint }),
      ...(server.device_authorization_endpoint && {
        deviceAuthorization: server.device_authorization_endpoint,
      }),
    },
    server,
    allowInsecure,
  };
}

/**
 * The oauth4webapi client, client authentication and request options for one call. oauth4webapi
 * sends through our transport (deadline, size cap, user agent, redaction) like every other step.
 */
export function oidcCall(
  profile: OidcProfile,
  fetch: FetchLike,
  signal?: AbortSignal,
): {
  client: oauth.Client;
  auth: oauth.ClientAuth;
  options: oauth.TokenEndpointRequestOptions;
} {
  return {
    client: { client_id: profile.clientId },
    auth: oauth.None(),
    options: {
      [oauth.customFetch]: transportOf(fetch),
      [oauth.allowInsecureRequests]: profile.allowInsecure,
      ...(signal && { signal }),
    },
  };
}

/** Throws `CODEX_OAUTH_DISCOVERY_FAILED` when the issuer does not offer an optional endpoint. */
export function requireEndpoint(profile: OidcProfile, name: 'revoke' | 'deviceAuthorization') {
  const url = profile.endpoints[name];
  if (!url) {
    const what = name === 'revoke' ? 'token revocation' : 'device authorization';
    throw new CodexOAuthError(
      ErrorCodes.DISCOVERY_FAILED,
      `${profile.issuer} does not advertise a ${what} endpoint; use another flow or issuer.`,
    );
  }
  return url;
}

/**
 * Turns what oauth4webapi throws into a codex-oauth error: an OAuth error body keeps its status,
 * `error` and description under `code`; a non-conforming answer is `CODEX_OAUTH_INVALID_RESPONSE`.
 * Errors that are already ours (net-ca's transport errors) pass through untouched.
 */
export function fromOauth4webapi(error: unknown, code: ErrorCode, what: string): unknown {
  if (error instanceof CodexOAuthError) return error;
  if (error instanceof oauth.ResponseBodyError) {
    return new CodexOAuthError(
      code,
      `${what} was refused: ${error.error_description ?? error.error} (status ${error.status}).`,
      {
        status: error.status,
        error: error.error,
        ...(error.error_description && { error_description: error.error_description }),
        cause: error,
      },
    );
  }
  if (error instanceof oauth.OperationProcessingError) {
    return new CodexOAuthError(
      ErrorCodes.INVALID_RESPONSE,
      `${what}: the issuer's answer does not follow the protocol (${error.message}).`,
      { cause: error },
    );
  }
  return error;
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
