// The public surface of @codex-oauth/core, named one by one: a helper that is not listed here is
// internal and may change in any release.

export {
  DEFAULT_CALLBACK_PORT,
  FALLBACK_CALLBACK_PORT,
  type LoopbackServer,
  type LoopbackServerOptions,
  MISSING_ENTITLEMENT_MESSAGE,
  startLoopbackServer,
} from './loopback/loopback-server.js';
export { describePortOwner } from './loopback/port-owner.js';
export {
  type AuthRecord,
  mergeRefreshedTokens,
  type RecordFromTokensOptions,
  type RedactedAuthRecord,
  recordFromTokens,
  redactRecord,
  type TokenSet,
} from './model/auth-record.js';
export {
  type AccountClaims,
  accessTokenExpiry,
  decodeJwtPayload,
  isRefreshDue,
  readClaims,
} from './model/claims.js';
export {
  CODEX_OAUTH_ERROR_BRAND,
  CodexOAuthError,
  type CodexOAuthErrorOptions,
  type ErrorCode,
  ErrorCodes,
  isCodexOAuthError,
  type ProtocolDetails,
  redactSecrets,
} from './model/errors.js';
export { emit, type OAuthEvent, type OnEvent } from './model/events.js';
export {
  type BrowserLogin,
  type BrowserLoginOptions,
  oidcAuthorizeUrl,
  startBrowserLogin,
} from './protocol/browser-flow.js';
export {
  type DeviceLogin,
  type DeviceLoginOptions,
  startDeviceLogin,
} from './protocol/device-login.js';
export {
  type PollRfc8628Options,
  pollDeviceCodeGrant,
  type Rfc8628Options,
  requestDeviceAuthorization,
} from './protocol/oidc/device-flow-rfc8628.js';
export {
  type DiscoverOidcOptions,
  discoverOidcProfile,
  OIDC_DEFAULT_SCOPE,
  type OidcProfile,
} from './protocol/oidc/provider-oidc.js';
export {
  type AuthorizeUrlInput,
  buildAuthorizeUrl,
  loopbackRedirectUri,
} from './protocol/openai/authorize-url.js';
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
} from './protocol/openai/device-flow.js';
export {
  DEFAULT_ORIGINATOR,
  OPENAI_CLIENT_ID,
  OPENAI_ISSUER,
  OPENAI_SCOPE,
  type OpenAIProfile,
  type OpenAIProfileOptions,
  openaiProfile,
} from './protocol/openai/provider-openai.js';
export { generatePkce, generateState, type Pkce, pkceChallenge } from './protocol/pkce.js';
export {
  isOidcProvider,
  type Provider,
  type ResolveProviderOptions,
  resolveProvider,
} from './protocol/provider.js';
export {
  processRefreshResponse,
  type RefreshOptions,
  type RefreshReason,
  refreshRequest,
  refreshTokens,
  USER_AGENT,
} from './protocol/refresh.js';
export { type RevokeOptions, type RevokeResult, revokeToken } from './protocol/revoke.js';
export {
  type ExchangeCodeOptions,
  exchangeAuthorizationCode,
  processTokenExchangeResponse,
  tokenExchangeRequest,
} from './protocol/token-exchange.js';
export * from './session/index.js';
export { type DefinedTokenStore, defineTokenStore } from './store/define-token-store.js';
export type { DefineTokenStoreOptions, RecordCodec, TokenStoreDriver } from './store/driver.js';
export { codexRecordCodec } from './store/record-codec.js';
export {
  type SaveOptions,
  type SignInPolicy,
  storedRefreshToken,
  type TokenStore,
  type TokenStoreCapabilities,
  type TokenStoreDescription,
  type TokenStoreListener,
} from './store/token-store.js';
export { type FetchLike, type ResolveFetchOptions, resolveFetch } from './transport/http.js';
