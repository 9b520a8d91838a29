// `@codex-oauth/core/model`: the records, claims, errors, events and TokenStore contract, with no
// network, flow or loopback code behind them. Store packages import from here, so a program that
// only reads a store (`codex-oauth status`) never loads the rest of core. The same names as the
// main entry, and the same classes: both entries share one build chunk.

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
  decodeJwtPayload,
  isRefreshDue,
  readClaims,
} from './claims.js';
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
export {
  type SaveOptions,
  storedRefreshToken,
  type TokenStore,
  type TokenStoreCapabilities,
  type TokenStoreListener,
} from './token-store.js';
