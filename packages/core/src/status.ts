// `@codex-oauth/core/status`: `status()` alone, which reads the store and makes no request, so
// importing it loads neither the flows, the loopback server, oauth4webapi nor env-detect's
// probes. For start-up sensitive callers such as `codex-oauth status`; the main entry exports
// the same function.

export { NOT_SIGNED_IN_MESSAGE } from './model/errors.js';
export type { SessionOptions } from './session/options.js';
export type { RefreshRefusal } from './session/refusal-memory.js';
export type { Status } from './session/results.js';
export { status } from './session/status.js';
// The CLI picks its store with the same rules as `storage: 'auto'` before calling `status`.
export {
  type ChooseStorageOptions,
  chooseStorage,
  type FileStoreModule,
  type KeyringStoreModule,
  type StorageChoice,
} from './session/storage-choice.js';
export type { TokenStore } from './store/token-store.js';
