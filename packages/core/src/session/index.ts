export { type AccessToken, getAccessToken, refresh } from './access-token.js';
export { type ApiKeyLoginOptions, loginWithApiKey } from './api-key-login.js';
export { authorizeUrl } from './authorize-url.js';
export { InteractiveLoginUnavailableError } from './flow-choice.js';
export { login } from './login.js';
export { type LogoutResult, logout } from './logout.js';
export { openInBrowser } from './open-in-browser.js';
export {
  BROWSER_TIMEOUT_MS,
  DEVICE_TIMEOUT_MS,
  explicitRefreshWindowMs,
  FALLBACK_GRACE_MS,
  type Flow,
  type FlowUsed,
  type LoginOptions,
  type LogoutOptions,
  REFRESH_WINDOW_ENV,
  type RefreshSessionOptions,
  type SessionOptions,
  type Storage,
  type StorageUsed,
} from './options.js';
export { RedirectRejectedError, type RedirectRejection } from './paste-redirect.js';
export {
  awaitLogin,
  beginLogin,
  cancelLogin,
  type PasteLink,
  type PendingBrowserLogin,
  type PendingDeviceLogin,
  type PendingLogin,
} from './pending-login.js';
export {
  type CoordinatedRefresh,
  type CoordinatedRefreshOptions,
  refreshIfDue,
} from './refresh-coordinator.js';
export type { RefreshRefusal } from './refusal-memory.js';
export type { LoginResult, Status } from './results.js';
export { status } from './status.js';
export {
  type ChooseStorageOptions,
  chooseStorage,
  type FileStoreModule,
  type KeyringStoreModule,
  type StorageChoice,
} from './storage-choice.js';
export { submitRedirect } from './submit-redirect.js';
