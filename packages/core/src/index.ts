// The public surface of @codex-oauth/core, named one by one: a helper that is not listed here is
// internal and may change in any release.

export {
  type AuthRecord,
  mergeRefreshedTokens,
  type RecordFromTokensOptions,
  type RedactedAuthRecord,
  recordFromTokens,
  redactRecord,
  type TokenSet,
} from './auth-record.js';
export { type AuthorizeUrlInput, buildAuthorizeUrl, loopbackRedirectUri } from './authorize-url.js';
export {
  type BrowserLogin,
  type BrowserLoginOptions,
  oidcAuthorizeUrl,
  startBrowserLogin,
} from './browser-flow.js';
export {
  type AccountClaims,
  accessTokenExpiry,
  decodeJwtPayload,
  isRefreshDue,
  readClaims,
} from './claims.js';
export {
  DEVICE_LOGIN_TIMEOUT_MS,
  DEVICE_MAX_INTERVAL_MS,
  type DeviceCode,
  type DeviceGrant,
  exchangeDeviceGrant,
  MAX_POLL_FAILURES,
  type OpenAIDeviceOptions,
  type PollDeviceOptions,
  type PollTiming,
  pollDeviceToken,
  processUserCodeResponse,
  requestUserCode,
  userCodeRequest,
} from './device-flow.js';
export {
  type PollRfc8628Options,
  pollDeviceCodeGrant,
  type Rfc8628Options,
  requestDeviceAuthorization,
} from './device-flow-rfc8628.js';
export { type DeviceLogin, type DeviceLoginOptions, startDeviceLogin } from './device-login.js';
export {
  CODEX_OAUTH_ERROR_BRAND,
  CodexOAuthError,
  type CodexOAuthErrorOptions,
  type ErrorCode,
  ErrorCodes,
  isCodexOAuthError,
  type ProtocolDetails,
  redactSecrets,
} from './errors.js';
export { emit, type OAuthEvent, type OnEvent } from './events.js';
export { type FetchLike, type ResolveFetchOptions, resolveFetch } from './http.js';
export {
  DEFAULT_CALLBACK_PORT,
  FALLBACK_CALLBACK_PORT,
  type LoopbackServer,
  type LoopbackServerOptions,
  MISSING_ENTITLEMENT_MESSAGE,
  startLoopbackServer,
} from './loopback-server.js';
export { generatePkce, generateState, type Pkce, pkceChallenge } from './pkce.js';
export { describePortOwner } from './port-owner.js';
export {
  isOidcProvider,
  type Provider,
  type ResolveProviderOptions,
  resolveProvider,
} from './provider.js';
export {
  type DiscoverOidcOptions,
  discoverOidcProfile,
  OIDC_DEFAULT_SCOPE,
  type OidcProfile,
} from './provider-oidc.js';
export {
  DEFAULT_ORIGINATOR,
  OPENAI_CLIENT_ID,
  OPENAI_ISSUER,
  OPENAI_SCOPE,
  type OpenAIProfile,
  type OpenAIProfileOptions,
  openaiProfile,
} from './provider-openai.js';
export {
  processRefreshResponse,
  type RefreshOptions,
  type RefreshReason,
  refreshRequest,
  refreshTokens,
  USER_AGENT,
} from './refresh.js';
export { type RevokeOptions, type RevokeResult, revokeToken } from './revoke.js';
export * from './session/index.js';
export {
  type ExchangeCodeOptions,
  exchangeAuthorizationCode,
  processTokenExchangeResponse,
  tokenExchangeRequest,
} from './token-exchange.js';
export {
  type SaveOptions,
  storedRefreshToken,
  type TokenStore,
  type TokenStoreCapabilities,
  type TokenStoreListener,
} from './token-store.js';
