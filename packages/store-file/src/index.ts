export { ACCOUNTS_DIR } from './accounts/account-paths.js';
export { type FileAccountsOptions, fileAccounts } from './accounts/file-accounts.js';
export { acquireLock, type LockOptions, withLock } from './acquire-lock.js';
export * from './atomic-write.js';
export * from './auth-json.js';
export * from './auth-serialize.js';
export {
  LOCK_BACKEND_ENV,
  type LockBackendInfo,
  type LockBackendKind,
  lockBackend,
} from './backend.js';
export {
  type CodexConfig,
  type CredentialsStoreMode,
  readCodexConfig,
} from './codex-config.js';
export * from './codex-home.js';
export type { FileLock } from './file-lock.js';
export * from './file-store.js';
export { busyError, timeoutError } from './lock-error.js';
export { DEFAULT_STALE_MS, type LockOwner, ownerFilePath } from './lockfile-lock.js';
export type { WaitOptions } from './poll.js';
export { moveFileAside, readStoredAuth, type StoredAuth } from './store-read.js';
