export {
  ACCOUNTS_CHECK_PATH,
  BACKEND_API_PATH,
  DEFAULT_WORKSPACE_BACKEND_ORIGIN,
} from './backend.js';
export { SLOW_DOWN_TOLERANCE_MS } from './device.js';
export { REFRESH_MESSAGES } from './refresh.js';
export { type IssuedSecretKind, recordIssuedSecret, SECRETS_LOG_ENV } from './secrets-log.js';
export { startFakeIssuer } from './server.js';
export { CODEX_CLIENT_ID, DEFAULT_ACCOUNT, decodeJwtPayload, s256 } from './tokens.js';
export type {
  AuthorizeOutcome,
  FakeAccount,
  FakeIssuer,
  FakeIssuerOptions,
  FakeRequest,
  Fault,
  IssuedGrant,
  IssuedRefreshToken,
} from './types.js';
