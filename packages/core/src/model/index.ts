// `@codex-oauth/core/model`: the records, claims, errors, events, the TokenStore contract and
// `defineTokenStore`, and the accounts types, with no network, flow or loopback code behind them.
// Store packages import from here, so a program that only reads a store (`codex-oauth status`)
// never loads the rest of core. The same names as the main entry, and the same classes: both
// entries share one build chunk.

export { accountKeyOf } from '../accounts/account-key.js';
export type {
  AccountEntry,
  AccountHealth,
  AccountInfo,
  AccountList,
  AccountSelector,
  AccountsBackend,
} from '../accounts/account-types.js';
export { type DefinedTokenStore, defineTokenStore } from '../store/define-token-store.js';
export type { DefineTokenStoreOptions, RecordCodec, TokenStoreDriver } from '../store/driver.js';
export { codexRecordCodec } from '../store/record-codec.js';
export {
  type LockCallOptions,
  type SaveOptions,
  type SignInPolicy,
  storedRefreshToken,
  type TokenStore,
  type TokenStoreCapabilities,
  type TokenStoreDescription,
  type TokenStoreListener,
} from '../store/token-store.js';
export {
  type AuthRecord,
  mergeRefreshedTokens,
  type RecordFromTokensOptions,
  type RedactedAuthRecord,
  recordFromTokens,
  redactRecord,
  type TokenSet,
} from './auth-record.js';
export {
  type AccountClaims,
  accessTokenExpiry,
  DEFAULT_REFRESH_WINDOW_MS,
  decodeJwtPayload,
  isRefreshDue,
  readClaims,
  refreshWindowOf,
} from './claims.js';
export {
  CLOCK_SKEW_PREFIX,
  CLOCK_SKEW_THRESHOLD_MS,
  clockSkewMs,
  clockSkewWarning,
} from './clock-skew.js';
export {
  CODEX_OAUTH_ERROR_BRAND,
  CodexOAuthError,
  type CodexOAuthErrorOptions,
  cancelledError,
  type ErrorCode,
  ErrorCodes,
  isCodexOAuthError,
  NOT_SIGNED_IN_MESSAGE,
  type ProtocolDetails,
  redactSecrets,
} from './errors.js';
export { emit, type OAuthEvent, type OnEvent } from './events.js';
