// The public surface of @codex-oauth/core, named one by one (here, in ./model/index.ts and in
// ./session/index.ts): a helper that is not listed is internal and may change in any release.

export { listAccounts, switchAccount } from './accounts/accounts-api.js';
export {
  DEFAULT_CALLBACK_PORT,
  FALLBACK_CALLBACK_PORT,
  type LoopbackServer,
  type LoopbackServerOptions,
  MISSING_ENTITLEMENT_MESSAGE,
  startLoopbackServer,
} from './loopback/loopback-server.js';
export { describePortOwner } from './loopback/port-owner.js';
export type { SuccessPage } from './loopback/success-page.js';
export * from './model/index.js';
export {
  type BrowserLogin,
  type BrowserLoginOptions,
  startBrowserLogin,
} from './protocol/browser-flow.js';
export {
  clampInterval,
  type DeviceCode,
  MAX_POLL_INTERVAL_MS,
  MIN_POLL_INTERVAL_MS,
} from './protocol/device-code.js';
export {
  type DeviceLogin,
  type DeviceLoginOptions,
  startDeviceLogin,
} from './protocol/device-login.js';
export {
  DEVICE_LOGIN_TIMEOUT_MS,
  MAX_POLL_FAILURES,
  type PollStep,
  type PollTiming,
} from './protocol/device-poll.js';
export { oidcAuthorizeUrl } from './protocol/oidc/authorize-url.js';
export type { PollRfc8628Options, Rfc8628Options } from './protocol/oidc/device-flow-rfc8628.js';
export {
  discoverOidcProfile,
  pollDeviceCodeGrant,
  requestDeviceAuthorization,
} from './protocol/oidc/on-demand.js';
export type { DiscoverOidcOptions, OidcProfile } from './protocol/oidc/provider-oidc.js';
export { OIDC_DEFAULT_SCOPE } from './protocol/oidc/scope.js';
export {
  type AuthorizeUrlInput,
  buildAuthorizeUrl,
  loopbackRedirectUri,
} from './protocol/openai/authorize-url.js';
export {
  DEVICE_MAX_INTERVAL_MS,
  type DeviceGrant,
  exchangeDeviceGrant,
  type OpenAIDeviceOptions,
  type PollDeviceOptions,
  pollDeviceToken,
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
export {
  processUserCodeResponse,
  requestUserCode,
  userCodeRequest,
} from './protocol/openai/user-code.js';
export { generatePkce, generateState, type Pkce, pkceChallenge } from './protocol/pkce.js';
export {
  isOidcProvider,
  type Provider,
  type ResolveProviderOptions,
  resolveProvider,
  strategyOf,
} from './protocol/provider.js';
export {
  processRefreshResponse,
  type RefreshOptions,
  type RefreshReason,
  refreshRequest,
  refreshTokens,
} from './protocol/refresh.js';
export { type RevokeOptions, type RevokeResult, revokeToken } from './protocol/revoke.js';
export type { AuthorizeInput, ProviderStrategy, StepContext } from './protocol/strategy.js';
export {
  type ExchangeCodeOptions,
  exchangeAuthorizationCode,
  processTokenExchangeResponse,
  tokenExchangeRequest,
} from './protocol/token-exchange.js';
export * from './session/index.js';
export { type FetchLike, type ResolveFetchOptions, resolveFetch } from './transport/http.js';
export { DEFAULT_MAX_BODY_BYTES } from './transport/read-body.js';
export {
  createTransport,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type TransportSettings,
} from './transport/transport.js';
export { USER_AGENT } from './transport/user-agent.js';
